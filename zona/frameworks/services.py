"""The framework loader: the only code that writes Framework and Node rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from django.db import transaction

from zona.audit.services import audit_record
from zona.core.errors import Conflict, Problem, ValidationFailed
from zona.frameworks.models import Framework, Node
from zona.frameworks.schema import (
    FrameworkDoc,
    FrameworkInvalid,
    FrameworkProblem,
    content_hash,
    document_json,
    parse_framework,
)
from zona.frameworks.scoring import compile_framework

LoadStatus = Literal["created", "unchanged", "replaced"]


@dataclass(frozen=True)
class LoadResult:
    path: Path
    key: str
    version: int
    status: LoadStatus
    framework: Framework
    node_count: int


class FrameworkFilesInvalid(ValidationFailed):
    """One or more files are invalid; nothing was written. `by_path` lists every problem."""

    code = "framework_invalid"

    def __init__(self, by_path: dict[Path, list[FrameworkProblem]]) -> None:
        self.by_path = by_path
        super().__init__(
            "invalid framework file(s): " + ", ".join(str(p) for p in by_path),
            problems=[
                Problem(code="framework_invalid", message=p.reason, field=f"{path}: {p.code}")
                for path, problems in by_path.items()
                for p in problems
            ],
        )


class FrameworkChanged(Conflict):
    """The file differs from the version already loaded under the same key and version."""

    code = "framework_changed"


def framework_load_file(*, path: Path, replace_unused: bool = False) -> LoadResult:
    """Validate and load one framework file atomically; see framework_load_files."""
    return framework_load_files(paths=[path], replace_unused=replace_unused)[0]


def framework_load_files(
    *, paths: Sequence[Path], replace_unused: bool = False
) -> list[LoadResult]:
    """Validate every file, then load them all in one transaction.

    Loading a file whose key and version are loaded with the same content does nothing. A
    changed file under a loaded version is refused: scores already computed depend on it, so
    a change needs a new version. `replace_unused` lets a framework author iterate on a draft
    version that no assessment uses yet.
    """
    docs: list[tuple[Path, FrameworkDoc]] = []
    invalid: dict[Path, list[FrameworkProblem]] = {}
    seen: dict[tuple[str, int], Path] = {}
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
            doc = parse_framework(text)
            # Compiling must not fail on a valid document; doing it here proves it before any
            # write, so a scoring bug cannot leave an unusable version in the database.
            compile_framework(doc)
        except OSError as exc:
            invalid[path] = [FrameworkProblem("(file)", f"cannot read: {exc.strerror or exc}")]
            continue
        except FrameworkInvalid as exc:
            invalid[path] = exc.framework_problems
            continue
        other = seen.get((doc.key, doc.version))
        if other is not None:
            invalid[path] = [
                FrameworkProblem("version", f"{doc.key} v{doc.version} is also in {other}")
            ]
            continue
        seen[(doc.key, doc.version)] = path
        docs.append((path, doc))
    if invalid:
        raise FrameworkFilesInvalid(invalid)

    with transaction.atomic():
        return [_load(path, doc, replace_unused=replace_unused) for path, doc in docs]


def _load(path: Path, doc: FrameworkDoc, *, replace_unused: bool) -> LoadResult:
    digest = content_hash(doc)
    existing = (
        Framework.objects.select_for_update().filter(key=doc.key, version=doc.version).first()
    )
    if existing is not None:
        if existing.content_hash == digest:
            return LoadResult(
                path, doc.key, doc.version, "unchanged", existing, existing.nodes.count()
            )
        if not replace_unused or existing.is_in_use():
            in_use = " and assessments use it" if existing.is_in_use() else ""
            raise FrameworkChanged(
                f"{path}: {doc.key} v{doc.version} is already loaded with different "
                f"content{in_use}; give the changed file a new version"
            )
        existing.nodes.all().delete()
        framework = existing
        status: LoadStatus = "replaced"
    else:
        framework = Framework(key=doc.key, version=doc.version)
        status = "created"

    framework.title_id = doc.title.id
    framework.title_en = doc.title.en
    framework.regulation_id = doc.regulation.id
    framework.regulation_en = doc.regulation.en
    framework.content_hash = digest
    framework.document = document_json(doc)
    framework.save()
    node_count = _create_nodes(framework, doc)
    audit_record(
        actor=None,
        action=f"framework.{status}",
        target=framework,
        details={
            "key": doc.key,
            "version": doc.version,
            "content_hash": digest,
            "file": path.name,
        },
    )
    return LoadResult(path, doc.key, doc.version, status, framework, node_count)


def _create_nodes(framework: Framework, doc: FrameworkDoc) -> int:
    compiled = compile_framework(doc)
    by_depth: dict[int, list[tuple[Node, str | None]]] = {}
    for position, (code, node) in enumerate(compiled.nodes.items()):
        source = node.title
        assert source is not None
        item = compiled.items.get(code)
        row = Node(
            framework=framework,
            code=code,
            kind=node.kind,
            position=position,
            weight=node.weight if node.weight is None else Decimal(node.weight),
            answer_type=item.answer_type if item else "",
            title_id=source.id,
            title_en=source.en,
        )
        by_depth.setdefault(node.depth, []).append((row, node.parent))
    # Level by level, so each parent has its primary key before its children are inserted.
    created: dict[str, Node] = {}
    for depth in sorted(by_depth):
        rows = []
        for row, parent in by_depth[depth]:
            row.parent = created[parent] if parent is not None else None
            rows.append(row)
        for row in Node.objects.bulk_create(rows):
            created[row.code] = row
    return len(created)
