"""The house rule of scripts/check_rules.py that keeps status changes in the workflow."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import status_rule  # noqa: E402 (scripts/ is no package: put on the path above)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_it_finds_every_kind_of_status_write():
    source = """
def f(sheet, qs):
    sheet.status = "submitted"
    sheet.review.status: str = "open"
    qs.filter(pk=1).update(status="returned", note="x")
    setattr(sheet, "status", "draft")
    sheet.status == "draft"
    qs.filter(status="draft").update(note="x")
    qs.create(status="draft")
    labels[sheet.status] = "Draft"
    other, sheet.status = 1, "open"
"""
    found = status_rule.status_writes(source)
    assert [(line, function) for line, function, _what in found] == [
        (3, "f"),
        (4, "f"),
        (5, "f"),
        (6, "f"),
        (11, "f"),
    ]
    assert found[0][2] == "assigns sheet.status"


def test_outside_the_workflow_a_status_write_needs_a_written_reason(tmp_path):
    write = "def move(sheet):\n    sheet.status = 'submitted'\n"
    root = _tree(
        tmp_path,
        {
            "zona/assessments/services/sheet.py": write,
            "zona/workflow/services/sheet.py": write,
            "zona/assessments/tests/test_x.py": write,
            "zona/assessments/migrations/0009_x.py": write,
            "zona/ops/jobs.py": write,
        },
    )
    allowed = {("zona/ops/jobs.py", "move"): "a job's bookkeeping"}
    problems = list(status_rule.check_status_writes(root, allowed))
    assert len(problems) == 1
    assert problems[0].startswith("zona/assessments/services/sheet.py:2: assigns sheet.status")
    # An allowance that explains nothing any more is reported too.
    stale = {**allowed, ("zona/ops/gone.py", "old"): "was a job"}
    problems = list(status_rule.check_status_writes(root, stale))
    assert any("zona/ops/gone.py" in p and "no longer there" in p for p in problems)


def test_the_repository_keeps_the_rule():
    assert list(status_rule.check_status_writes(ROOT)) == []
