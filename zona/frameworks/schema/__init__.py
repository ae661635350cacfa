"""The framework file format: pydantic models for one file, plus the checks that span nodes.

`parse_framework(text)` is the only entry point the loader needs. It never stops at the first
mistake: every problem in the file is collected, each labelled with the node code (or the
field path) it belongs to, so an author fixes a whole file in one round. See
docs/framework-format.md for the format in prose. The models are in `documents`, the rules
across entries in `checks`.

This package must stay importable without Django settings (the benchmark and the pure scoring
tests use it directly).
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

# The canonical form is shared with the survey instruments; re-exported for the loader.
from zona.core.yamlfiles import canonical_json as canonical_json
from zona.core.yamlfiles import content_hash as content_hash
from zona.core.yamlfiles import document_json as document_json
from zona.frameworks.schema.checks import check_framework
from zona.frameworks.schema.documents import (
    ANSWER_TYPES,
    CHOICE_KEYS,
    LANGUAGES,
    TOTAL,
    TOTAL_WEIGHT,
    Aggregate,
    AnswerType,
    AreaDoc,
    ConditionDoc,
    CountDoc,
    FormulaDoc,
    FrameworkDoc,
    FrameworkInvalid,
    FrameworkProblem,
    LocalizedText,
    NodeDoc,
    Num,
    OptionDoc,
    PredicateDoc,
    RoundsOptionDoc,
    SkmRoundsDoc,
)

__all__ = [
    "ANSWER_TYPES",
    "CHOICE_KEYS",
    "LANGUAGES",
    "TOTAL",
    "TOTAL_WEIGHT",
    "Aggregate",
    "AnswerType",
    "AreaDoc",
    "ConditionDoc",
    "CountDoc",
    "FormulaDoc",
    "FrameworkDoc",
    "FrameworkInvalid",
    "FrameworkProblem",
    "LocalizedText",
    "NodeDoc",
    "Num",
    "OptionDoc",
    "PredicateDoc",
    "RoundsOptionDoc",
    "SkmRoundsDoc",
    "canonical_json",
    "check_framework",
    "content_hash",
    "document_json",
    "parse_framework",
    "validate_framework",
]


def parse_framework(text: str) -> FrameworkDoc:
    """Parse and fully validate a framework file; raise FrameworkInvalid listing every problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FrameworkInvalid([FrameworkProblem("(file)", f"not valid YAML: {exc}")]) from exc
    return validate_framework(raw)


def validate_framework(raw: object) -> FrameworkDoc:
    """Validate an already-decoded document (from YAML, or from the database's JSON)."""
    if not isinstance(raw, dict):
        raise FrameworkInvalid([FrameworkProblem("(file)", "the file must be a YAML mapping")])
    problems: list[FrameworkProblem] = []
    incomplete: set[str] = set()

    # Nodes are validated one by one so that a broken node does not hide the problems of the
    # rest of the tree (one pydantic pass would, because the cross-node checks need a model).
    header: FrameworkDoc | None = None
    try:
        header = FrameworkDoc.model_validate({**raw, "nodes": []})
    except ValidationError as exc:
        problems.extend(_header_problems(exc, raw))

    raw_nodes = raw.get("nodes")
    nodes: list[NodeDoc] = []
    roots_complete = False
    if not isinstance(raw_nodes, list) or not raw_nodes:
        problems.append(FrameworkProblem("nodes", "a non-empty list of nodes is required"))
    else:
        nodes, roots_complete = _build_nodes(raw_nodes, "nodes", problems, incomplete)

    if header is not None:
        doc = header.model_copy(update={"nodes": nodes})
        problems.extend(check_framework(doc, incomplete=incomplete, roots_complete=roots_complete))
    if problems:
        raise FrameworkInvalid(problems)
    assert header is not None
    return header.model_copy(update={"nodes": nodes})


def _build_nodes(
    raw_nodes: list[Any], path: str, problems: list[FrameworkProblem], incomplete: set[str]
) -> tuple[list[NodeDoc], bool]:
    built: list[NodeDoc] = []
    complete = True
    for index, raw in enumerate(raw_nodes):
        where = f"{path}[{index}]"
        if not isinstance(raw, dict):
            problems.append(FrameworkProblem(where, "a node must be a mapping"))
            complete = False
            continue
        label = raw["code"] if isinstance(raw.get("code"), str) and raw["code"] else where
        raw_children = raw.get("children", [])
        if not isinstance(raw_children, list):
            problems.append(FrameworkProblem(label, "children: must be a list of nodes"))
            raw_children = []
        children, children_complete = _build_nodes(
            raw_children, f"{label}.children", problems, incomplete
        )
        try:
            node = NodeDoc.model_validate({**raw, "children": []})
        except ValidationError as exc:
            problems.extend(FrameworkProblem(label, _reason(err)) for err in exc.errors())
            complete = False
            continue
        if not children_complete:
            incomplete.add(node.code)
        built.append(node.model_copy(update={"children": children}))
    return built, complete


def _reason(err: Any) -> str:
    loc = ".".join(str(part) for part in err["loc"])
    return f"{loc}: {err['msg']}" if loc else str(err["msg"])


def _header_problems(exc: ValidationError, raw: dict[str, Any]) -> list[FrameworkProblem]:
    problems = []
    for err in exc.errors():
        loc = err["loc"]
        # Name predicate problems by the predicate's key, as authors think of them.
        if len(loc) >= 2 and loc[0] == "predicates" and isinstance(loc[1], int):
            predicates = raw.get("predicates")
            key = None
            if isinstance(predicates, list) and loc[1] < len(predicates):
                entry = predicates[loc[1]]
                key = entry.get("key") if isinstance(entry, dict) else None
            label = f"predicates.{key}" if isinstance(key, str) else f"predicates[{loc[1]}]"
            rest = ".".join(str(part) for part in loc[2:])
            problems.append(
                FrameworkProblem(label, f"{rest}: {err['msg']}" if rest else err["msg"])
            )
        else:
            problems.append(
                FrameworkProblem(str(loc[0]) if loc else "(file)", _reason({**err, "loc": loc[1:]}))
            )
    return problems
