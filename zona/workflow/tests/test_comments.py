"""Comments on items and marks on evidence files: who writes, who reads, who resolves,
what is handed off, and the must-fix guard the reviews part uses."""

from __future__ import annotations

import pytest
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from zona.assessments.models import AssessmentStatus, PeriodStatus
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.core.models import AppendOnlyError
from zona.workflow import handoffs
from zona.workflow.models import EvidenceMark, ItemComment
from zona.workflow.selectors.comments import must_fix_open
from zona.workflow.services.comments import (
    comment_add,
    comment_reopen,
    comment_reply,
    comment_resolve,
    evidence_mark,
)
from zona.workflow.tests.comments_fixtures import build_sheets, open_chain, open_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(world):
    handoffs.recorded().clear()
    return build_sheets(world)


def add(sheets, kind, *, user="kanwil_reviewer", tier=None, code="A.p.m.1.a", body="Periksa"):
    return comment_add(
        actor=sheets[user],
        assessment=sheets.assessment,
        item_code=code,
        tier=tier or sheets.world.tier_kanwil,
        kind=kind,
        body=body,
    )


# --- services --------------------------------------------------------------------------------


def test_must_fix_blocks_until_a_reviewer_of_the_tier_resolves_it(sheets, world):
    step = open_chain(sheets.period, world.tier_kanwil)
    review = open_review(step, sheets.assessment)
    must = add(sheets, "must_fix", body="SK tim belum ditandatangani")
    add(sheets, "to_unit")
    add(sheets, "must_fix", user="tpi_reviewer", tier=world.tier_tpi)
    assert must_fix_open(review) == 1
    # The TPI's reviewer cannot resolve Kanwil's must-fix; the unit neither.
    with pytest.raises(PermissionDenied):
        comment_resolve(actor=world["tpi_reviewer"], comment=must)
    with pytest.raises(PermissionDenied):
        comment_resolve(actor=world["unit_head"], comment=must)
    done = comment_resolve(actor=world["kanwil_reviewer"], comment=must, note="Sudah lengkap")
    assert done.resolved_by == world["kanwil_reviewer"]
    assert done.resolution_note == "Sudah lengkap"
    assert must_fix_open(review) == 0
    with pytest.raises(StateError) as exc:
        comment_resolve(actor=world["kanwil_reviewer"], comment=must)
    assert exc.value.problems[0].code == "already_resolved"
    comment_reopen(actor=world["kanwil_reviewer"], comment=must, note="Tanda tangan salah")
    assert must_fix_open(review) == 1
    actions = list(world.new_events().values_list("action", flat=True))
    assert actions.count("comment.added") == 3
    assert "comment.resolved" in actions
    assert "comment.reopened" in actions


def test_must_fix_is_handed_to_the_units_operator_and_head(sheets, world):
    must = add(sheets, "must_fix")
    (told,) = [h for h in handoffs.recorded() if h["kind"] == "comment.must_fix"]
    assert set(told["recipients"]) == {world["operator"].pk, world["unit_head"].pk}
    assert told["key"] == f"comment-must-fix:{must.pk}"
    assert told["url"] == reverse("workflow:comments_feedback", args=[sheets.assessment.pk])
    add(sheets, "internal")
    assert [h["kind"] for h in handoffs.recorded()] == ["comment.must_fix"]


def test_unit_reply_goes_to_the_tiers_reviewers(sheets, world):
    thread = add(sheets, "to_unit", body="Lampirkan notulen")
    reply = comment_reply(actor=world["operator"], thread=thread, body="Sudah kami lampirkan")
    assert reply.from_unit
    assert reply.kind == "to_unit"
    assert reply.parent == thread
    (told,) = [h for h in handoffs.recorded() if h["kind"] == "comment.unit_replied"]
    assert told["recipients"] == [world["kanwil_reviewer"].pk]
    # A reviewer's reply is no hand-off and not from the unit.
    answer = comment_reply(actor=world["kanwil_reviewer"], thread=thread, body="Terima kasih")
    assert not answer.from_unit
    assert len([h for h in handoffs.recorded() if h["kind"] == "comment.unit_replied"]) == 1


def test_the_unit_cannot_reply_on_an_internal_thread_nor_start_one(sheets, world):
    internal = add(sheets, "internal", body="Cek ulang ke tim")
    with pytest.raises(PermissionDenied):
        comment_reply(actor=world["operator"], thread=internal, body="?")
    with pytest.raises(PermissionDenied):
        add(sheets, "to_unit", user="operator")
    # A viewer of the unit reads but does not reply.
    thread = add(sheets, "to_unit")
    with pytest.raises(PermissionDenied):
        comment_reply(actor=world["viewer"], thread=thread, body="?")


def test_bad_input_changes_nothing(sheets, world):
    with pytest.raises(ValidationFailed) as exc:
        add(sheets, "to_unit", body="   ")
    assert exc.value.problems[0].code == "required"
    with pytest.raises(ValidationFailed):
        add(sheets, "shout")
    with pytest.raises(ValidationFailed):
        add(sheets, "to_unit", code="Z.9")
    with pytest.raises(ValidationFailed) as exc:
        add(sheets, "to_unit", body="x" * 4001)
    assert exc.value.problems[0].code == "too_long"
    # Another unit's reviewer tier, or a tier the user does not hold.
    with pytest.raises(PermissionDenied):
        add(sheets, "to_unit", tier=world.tier_tpi)
    assert not ItemComment.objects.exists()


def test_comments_wait_for_submission_and_stop_with_the_period(sheets, world):
    a = sheets.assessment
    type(a).objects.filter(pk=a.pk).update(status=AssessmentStatus.DRAFT)
    a.refresh_from_db()
    with pytest.raises(StateError) as exc:
        add(sheets, "to_unit")
    assert exc.value.problems[0].code == "not_submitted"
    type(a).objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    sheets.period.status = PeriodStatus.CLOSED
    sheets.period.save()
    a.refresh_from_db()
    with pytest.raises(StateError) as exc:
        add(sheets, "to_unit")
    assert exc.value.problems[0].code == "period_closed"


def test_comments_and_marks_are_never_deleted(sheets, world):
    comment = add(sheets, "to_unit")
    with pytest.raises(AppendOnlyError):
        comment.delete()
    with pytest.raises(AppendOnlyError):
        ItemComment.objects.all().delete()
    reply = comment_reply(actor=world["operator"], thread=comment, body="ok")
    with pytest.raises(ProtectedError):
        type(reply.author).objects.filter(pk=reply.author.pk).delete()
    mark = evidence_mark(
        actor=world["kanwil_reviewer"], link=sheets.link, tier=world.tier_kanwil, verdict="accepted"
    )
    with pytest.raises(AppendOnlyError):
        mark.delete()


def test_latest_mark_per_tier_supersedes_and_keeps_history(sheets, world):
    link = sheets.link
    link.assessment = sheets.assessment
    with pytest.raises(ValidationFailed) as exc:
        evidence_mark(
            actor=world["kanwil_reviewer"],
            link=link,
            tier=world.tier_kanwil,
            verdict="insufficient",
        )
    assert exc.value.problems[0].field == "note"
    evidence_mark(
        actor=world["kanwil_reviewer"],
        link=link,
        tier=world.tier_kanwil,
        verdict="insufficient",
        note="Belum ditandatangani",
    )
    evidence_mark(
        actor=world["kanwil_reviewer"], link=link, tier=world.tier_kanwil, verdict="accepted"
    )
    evidence_mark(
        actor=world["tpi_reviewer"],
        link=link,
        tier=world.tier_tpi,
        verdict="not_relevant",
        note="-",
    )
    with pytest.raises(PermissionDenied):
        evidence_mark(
            actor=world["operator"], link=link, tier=world.tier_kanwil, verdict="accepted"
        )
    with pytest.raises(ValidationFailed):
        evidence_mark(
            actor=world["kanwil_reviewer"], link=link, tier=world.tier_kanwil, verdict="maybe"
        )
    assert EvidenceMark.objects.filter(link=link).count() == 3
    from zona.workflow.selectors.comments import marks_by_item

    (entry,) = marks_by_item(sheets.assessment)["A.p.m.1.a"]
    assert {t: m.verdict for t, m in entry.latest.items()} == {
        world.tier_kanwil.pk: "accepted",
        world.tier_tpi.pk: "not_relevant",
    }
    assert len(entry.history) == 3
