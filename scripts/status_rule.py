"""House rule: a lifecycle's status changes only through the workflow (zona/workflow/).

Every subject with a lifecycle (the sheet, a tier's review, a selection round ...) changes
status only through `zona.workflow.engine.apply`, which checks its transition table, locks
the row and appends a WorkflowEvent. So outside zona/workflow/ no code may

- assign `<anything>.status = ...` (or `setattr(x, "status", ...)`), or
- call `.update(status=...)` on a queryset.

Tests and migrations are exempt. ALLOWED lists the statuses that are no lifecycle of the
workflow, each by file and enclosing function, with the reason: a new one needs a reason
written here (a reviewer reads it), not a silent exception.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

# (file relative to the repository, enclosing function) -> why it is no workflow lifecycle.
ALLOWED: dict[tuple[str, str], str] = {
    ("zona/ops/workers.py", "requeue_orphans"): (
        "a background task's result (ready/running/failed): the worker's bookkeeping"
    ),
    ("zona/notifications/services/email.py", "delivery_claim"): (
        "an e-mail delivery's sending state: the mail queue's bookkeeping, retried by the worker"
    ),
    ("zona/assessments/services/excel_import.py", "progress"): (
        "a worksheet import job's progress (queued/running): the background job's bookkeeping"
    ),
    ("zona/assessments/services/excel_import.py", "import_job_run"): (
        "a worksheet import job's outcome (done/failed): the background job's bookkeeping"
    ),
    ("zona/assessments/services/periods.py", "period_update"): (
        "a period's open/closed switch: the agency administrator's setting, audited there"
    ),
    ("zona/assessments/services/answers.py", "answer_save"): (
        "copies the locked row's status into the caller's instance (no change of state)"
    ),
    **{
        ("zona/insight/services/exports.py", function): (
            "a background export job's progress and outcome (queued/running/done/failed, "
            "retried, expired): the job's bookkeeping"
        )
        for function in ("export_job_retry", "_claim", "_fail", "_store", "exports_cleanup")
    },
    ("zona/surveys/services/feedback.py", "suggestion_moderate"): (
        "moderating a survey suggestion (approved/hidden): no review workflow"
    ),
}


def _is_exempt(rel: Path) -> bool:
    parts = rel.parts
    return (
        parts[:2] == ("zona", "workflow")
        or "tests" in parts
        or "migrations" in parts
        or rel.name.startswith("test_")
        or rel.name == "conftest.py"
    )


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []  # (line, function, what)
        self._functions: list[str] = []

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def _add(self, node: ast.AST, what: str) -> None:
        function = self._functions[-1] if self._functions else "<module>"
        self.found.append((getattr(node, "lineno", 0), function, what))

    def _check_targets(self, targets: list[ast.expr], node: ast.AST) -> None:
        # The assigned names themselves (through tuple unpacking), not what a subscript's
        # index reads: `cache[sheet.status] = label` writes no status.
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                self._add(node, f"assigns {ast.unparse(target)}")
            elif isinstance(target, ast.Tuple | ast.List):
                self._check_targets(list(target.elts), node)
            elif isinstance(target, ast.Starred):
                self._check_targets([target.value], node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._check_targets(node.targets, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_targets([node.target], node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_targets([node.target], node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "update"
            and any(k.arg == "status" for k in node.keywords)
        ):
            self._add(node, "calls .update(status=...)")
        if (
            isinstance(func, ast.Name)
            and func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            self._add(node, 'calls setattr(..., "status", ...)')
        self.generic_visit(node)


def status_writes(source: str) -> list[tuple[int, str, str]]:
    """Every status write in `source`: (line, enclosing function, what it does)."""
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.found


def check_status_writes(root: Path, allowed: dict[tuple[str, str], str] = ALLOWED) -> Iterator[str]:
    """The problems: status writes outside zona/workflow/ that `allowed` does not explain,
    and entries of `allowed` that explain nothing any more (the list stays true)."""
    used: set[tuple[str, str]] = set()
    for path in sorted((root / "zona").rglob("*.py")):
        rel = path.relative_to(root)
        if _is_exempt(rel):
            continue
        for line, function, what in status_writes(path.read_text(encoding="utf-8")):
            if (rel.as_posix(), function) in allowed:
                used.add((rel.as_posix(), function))
                continue
            yield (
                f"{rel}:{line}: {what} in {function}(); a lifecycle's status changes only "
                "through zona.workflow.engine.apply (else add it to ALLOWED in "
                "scripts/status_rule.py with the reason)"
            )
    for file, function in sorted(set(allowed) - used):
        yield (
            f"{file}: scripts/status_rule.py allows a status write in {function}() that is "
            "no longer there; remove the entry"
        )
