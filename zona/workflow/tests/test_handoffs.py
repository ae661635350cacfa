"""Hand-offs reach the inbox in the recipient's language, and the chain's windows get
reminders (issue 10 §9; the notifications app's own tests cover mails, digests, retries)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from django.utils import timezone

from zona.notifications.kinds import is_registered, render
from zona.notifications.models import Notification
from zona.notifications.reminders import reminders_send
from zona.workflow.models import TierReviewStatus
from zona.workflow.services.sheet import sheet_return

WORKFLOW = Path(__file__).resolve().parent.parent


def test_submission_lands_in_the_inbox_of_the_first_tier(chain_world):
    # The fixture submitted Bandung's sheet: Kanwil Jabar's team is told, in its language.
    notes = Notification.objects.filter(kind="review.opened")
    recipients = {n.recipient.username for n in notes}
    assert "kanwil_reviewer" in recipients
    assert "jatim_reviewer" not in recipients  # another region's team
    note = notes.get(recipient__username="kanwil_reviewer")
    assert note.url.endswith(f"/assessments/{chain_world.assessment.pk}/review/kanwil/")
    unit = chain_world.assessment.unit.name
    assert render(note.kind, note.params, "id").subject == f"Ada LKE menunggu reviu Anda: {unit}"
    assert render(note.kind, note.params, "en").subject == (
        f"A sheet is waiting for your review: {unit}"
    )


def test_a_return_tells_the_unit_why(chain_world):
    reviewer = chain_world["kanwil_reviewer"]
    sheet_return(
        actor=reviewer,
        assessment=chain_world.assessment,
        items=[],
        reason="Lengkapi SK tim.",
        tier=chain_world.tiers["kanwil"],
    )
    notes = Notification.objects.filter(kind="sheet.returned")
    assert {n.recipient.username for n in notes} >= {"operator", "unit_head"}
    first = notes.first()
    assert first is not None
    body = render("sheet.returned", first.params, "id").body
    assert "Lengkapi SK tim." in body
    assert chain_world.review("kanwil").status == TierReviewStatus.RETURNED


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _handoff_kinds(tree: ast.AST) -> set[str]:
    """The kinds passed to handoff()/_handoff() calls: literals, conditional literals, or a
    name assigned literals in the same function."""
    kinds: set[str] = set()
    for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        assigned: dict[str, set[str]] = {}
        for node in ast.walk(func):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, set()).update(_strings(node.value))
        for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
            name = getattr(call.func, "attr", None) or getattr(call.func, "id", "")
            if name not in {"handoff", "_handoff"}:
                continue
            args = [kw.value for kw in call.keywords if kw.arg == "kind"] or call.args[:1]
            for arg in args:
                if isinstance(arg, ast.Name):
                    kinds.update(assigned.get(arg.id, set()))
                else:
                    kinds.update(_strings(arg))
    return {k for k in kinds if "." in k}


def test_every_handoff_kind_in_the_code_has_its_words():
    kinds: set[str] = set()
    for path in WORKFLOW.rglob("*.py"):
        if "tests" not in path.parts:
            kinds |= _handoff_kinds(ast.parse(path.read_text()))
    assert {"sheet.submitted", "sheet.returned", "review.opened"} <= kinds
    missing = sorted(k for k in kinds if not is_registered(k))
    assert missing == []


def test_reminders_for_an_open_review_and_a_draft_sheet(chain_world, world):
    today = timezone.localdate()
    step = chain_world.steps["kanwil"]
    step.closes_on = today + dt.timedelta(days=3)
    step.save(update_fields=["closes_on"])
    created = reminders_send(today=today)
    assert created >= 1
    reminder = Notification.objects.get(
        kind="reminder.closing", recipient__username="kanwil_reviewer"
    )
    assert reminder.params["days"] == 3
    assert reminder.url.endswith("/review/kanwil/")
    # The same day again: nothing new (each reminder once).
    assert reminders_send(today=today) == 0
