"""Every audit action the code writes reads as words (issue 8, §7): an explicit label or an
object + verb composition, never the humanized code that shows English in the Indonesian UI.

The actions are collected statically: the `action=` argument of every `audit_record` call
in zona/ (tests and migrations aside), and each workflow table's prefix with each of its
transitions (the engine records f"{table.audit_prefix or table.kind}.{action}"). A call
whose action the collector cannot read must be listed in DYNAMIC_SITES with its actions.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import get_args

from django.utils import translation

import zona.national.tables
import zona.workflow.tables
from zona.audit.labels import (
    ACTION_LABELS,
    OBJECT_LABELS,
    VERB_LABELS,
    _humanize,
    action_label,
    details_rows,
)
from zona.frameworks.services import LoadStatus
from zona.workflow.engine import Table

ZONA = Path(__file__).resolve().parents[2]


def _tables() -> list[Table]:
    modules = [
        f"{package.__name__}.{info.name}"
        for package in (zona.workflow.tables, zona.national.tables)
        for info in pkgutil.iter_modules(package.__path__)
    ]
    return [
        value
        for name in modules
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, Table)
    ]


def _table_actions() -> set[str]:
    actions: set[str] = set()
    for table in _tables():
        prefix = table.audit_prefix or table.kind
        actions.update(f"{prefix}.{action}" for action in table.transitions)
    return actions


def _event_actions() -> set[str]:
    """What the workflow timeline labels: "<table kind>.<transition>" (SheetEvent.label),
    which differs from the audit action where a table has an `audit_prefix`, and the events
    a service appends itself when it creates a subject in its first state."""
    actions = {f"{t.kind}.{action}" for t in _tables() for action in t.transitions}
    return actions | {"candidacy.designate", "koefisien.record"}


# Calls whose action is computed: "<path>:<source of the action argument>" -> its actions.
DYNAMIC_SITES: dict[str, set[str]] = {
    "zona/frameworks/services.py:f'framework.{status}'": {
        f"framework.{status}" for status in get_args(LoadStatus)
    },
    "zona/workflow/engine.py:f'{table.audit_prefix or table.kind}.{action}'": _table_actions(),
}


def _literals(node: ast.expr) -> list[str] | None:
    """The strings an action expression can be: a literal or `a if cond else b` of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        if body is not None and orelse is not None:
            return body + orelse
    return None


def _wrapper_actions(tree: ast.Module, function: ast.FunctionDef, param: str) -> list[str]:
    """`action=param` inside a module helper (`_record(user, "account.email_added", ...)`):
    the literal arguments its callers in the module pass for that parameter."""
    names = [a.arg for a in function.args.args]
    index = names.index(param)
    found: list[str] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == function.name):
            continue
        arg = next((k.value for k in node.keywords if k.arg == param), None)
        if arg is None and index < len(node.args):
            arg = node.args[index]
        values = _literals(arg) if arg is not None else None
        assert values is not None, f"{function.name}: the action is not a literal"
        found.extend(values)
    assert found, f"{function.name} is never called with an action"
    return found


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef]:
    owner: dict[ast.AST, ast.FunctionDef] = {}
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            for inner in ast.walk(fn):
                owner[inner] = fn  # the innermost function wins: ast.walk goes outer first
    return owner


def collect_actions() -> tuple[set[str], set[str]]:
    """(actions written, dynamic sites the collector could not read)."""
    actions: set[str] = set()
    unknown: set[str] = set()
    for path in sorted(ZONA.rglob("*.py")):
        parts = path.relative_to(ZONA).parts
        if "tests" in parts or "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = _enclosing_functions(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "audit_record":
                continue
            arg = next((k.value for k in node.keywords if k.arg == "action"), None)
            if arg is None:
                continue
            values = _literals(arg)
            if values is None and isinstance(arg, ast.Name) and node in owner:
                function = owner[node]
                if arg.id in [a.arg for a in function.args.args]:
                    values = _wrapper_actions(tree, function, arg.id)
            if values is None:
                site = f"{path.relative_to(ZONA.parent).as_posix()}:{ast.unparse(arg)}"
                if site in DYNAMIC_SITES:
                    values = sorted(DYNAMIC_SITES[site])
                else:
                    unknown.add(site)
                    continue
            actions.update(values)
    return actions, unknown


def _fallback(action: str) -> str:
    """What action_label shows for an action it has no words for."""
    obj, _sep, verb = action.partition(".")
    obj_label = OBJECT_LABELS.get(obj)
    words = (verb or obj).replace("_", " ")
    return f"{obj_label}: {words}" if obj_label is not None else _humanize(action)


def _has_words(action: str) -> bool:
    obj, _sep, verb = action.partition(".")
    composed = obj in OBJECT_LABELS and verb in VERB_LABELS
    return (action in ACTION_LABELS or composed) and action_label(action) != _fallback(action)


def test_the_collector_finds_the_actions_of_every_kind_of_call():
    actions, unknown = collect_actions()
    assert not unknown, (
        f"computed audit actions the test cannot read; add to DYNAMIC_SITES: {unknown}"
    )
    # A literal, both branches of a conditional, a module helper's callers, the workflow
    # tables, a computed f-string listed above.
    assert {
        "unit.created",
        "comment.resolved",
        "comment.reopened",
        "account.email_added",
        "assessment.submit",
        "tier_review.sign_off",
        "desk.session.hold",
        "koefisien.withdraw",
        "framework.replaced",
    } <= actions


def test_every_action_written_has_a_label_in_both_languages():
    actions, _unknown = collect_actions()
    for language in ("id", "en"):
        with translation.override(language):
            missing = sorted(a for a in actions if not _has_words(a))
            assert not missing, f"audit actions without a label ({language}): {missing}"


def test_every_workflow_event_has_a_label_in_both_languages():
    # The timeline, the dashboards and the national pages show a workflow event by its
    # subject kind and action; none may fall back to the raw code ("Pencalonan: designate").
    actions = _event_actions()
    assert {"assistance.finish", "desk_session.hold", "candidacy.designate"} <= actions
    for language in ("id", "en"):
        with translation.override(language):
            missing = sorted(a for a in actions if not _has_words(a))
            assert not missing, f"workflow events without a label ({language}): {missing}"
    with translation.override("id"):
        assert action_label("assistance.finish") == action_label("desk.assistance.finish")
        assert action_label("desk_session.hold") == "Sesi desk evaluation dilaksanakan"
        assert action_label("candidacy.designate") == action_label("candidacy.designated")
    with translation.override("en"):
        assert action_label("desk_session.replan") == "Desk-evaluation session planned again"
        assert action_label("assistance.start") == "Assistance follow-up started"


def test_new_labels_read_in_indonesian():
    with translation.override("id"):
        assert action_label("assessment.scores_repaired") == "Nilai tersimpan diperbaiki"
        assert action_label("chain.copied") == "Rantai penilaian disalin"
        assert action_label("chain_step.created") == "Tahap rantai dibuat"
        assert action_label("review_team.deleted") == "Tim penilai dihapus"
        assert action_label("koefisien.record") == "Kejadian koefisien dicatat"
    with translation.override("en"):
        assert action_label("koefisien.withdraw") == "Koefisien event withdrawn"
        assert action_label("chain_step.updated") == "Chain step changed"


def test_coded_values_read_as_the_changed_models_choices():
    # A transition records the states it moved between; a mark records its verdict code.
    with translation.override("id"):
        rows = dict(
            details_rows(
                {"from": "open", "to": "in_progress", "items": ["1.a"]},
                "workflow.assistancerecord",
            )
        )
        assert rows["dari"] == "Perlu ditindaklanjuti"
        assert rows["menjadi"] == "Sedang dikerjakan"
        marked = dict(details_rows({"verdict": "not_relevant"}, "workflow.evidencemark"))
        assert marked["hasil penilaian"] == "Tidak relevan"
    with translation.override("en"):
        rows = dict(details_rows({"to": "in_progress"}, "workflow.assistancerecord"))
        assert rows["to"] == "In progress"
    # A value outside the choices, or a model without the field, stays as it was.
    with translation.override("en"):
        assert dict(details_rows({"to": "Satker Bogor"}, "accounts.unit"))["to"] == "Satker Bogor"
        assert dict(details_rows({"to": "nope"}, "workflow.assistancerecord"))["to"] == "nope"


def test_nested_changes_are_named_as_the_changed_model_names_its_fields():
    with translation.override("id"):
        rows = dict(
            details_rows(
                {"code": "K1", "changes": {"mode": ["factor", "points"], "active": False}},
                "workflow.koefisienkind",
            )
        )
    assert "pengurangan" in rows["perubahan"]
    assert "mode" not in rows["perubahan"]
    assert "aktif: tidak" in rows["perubahan"]
