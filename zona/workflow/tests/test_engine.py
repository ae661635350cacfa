"""The engine: one apply() that locks, checks the table and its guards, runs the effect, sets
the status and writes the WorkflowEvent and the audit event, all or nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.audit.models import AuditEvent
from zona.core.errors import Refusal, StateError
from zona.workflow import engine
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models import WorkflowEvent


class Boom(Exception):
    """An effect that fails, to see the transition leave nothing behind."""


def code_of(refusal: object) -> object:
    """The refusal's code (None when nothing is refused)."""
    return getattr(refusal, "code", None)


def _stamp(ctx: Context[Assessment]) -> None:
    ctx.subject.submitted_counts = {"stamped": 1}
    ctx.details["stamped"] = True


def _explode(ctx: Context[Assessment]) -> None:
    # A write the effect makes before it fails must go too.
    ctx.subject.submitted_counts = {"half": 1}
    ctx.subject.save(update_fields=["submitted_counts"])
    raise Boom


def _only_the_unit_head(ctx: Context[Assessment]) -> Refusal | None:
    if ctx.actor.username == "unit_head":
        return None
    return Refusal("not_head", "only the head")


TABLE: Table[Assessment] = Table(
    kind="engine_test",
    model=Assessment,
    audit_prefix="engine_test",
    assessment_of=lambda sheet: sheet,
    unit_of=lambda sheet: sheet.unit,
    transitions={
        "send": Transition(
            "send",
            frozenset({AssessmentStatus.DRAFT}),
            AssessmentStatus.SUBMITTED,
            guards=(_only_the_unit_head,),
            effect=_stamp,
        ),
        "explode": Transition(
            "explode",
            frozenset({AssessmentStatus.DRAFT}),
            AssessmentStatus.SUBMITTED,
            effect=_explode,
        ),
        "reopen": Transition(
            "reopen", frozenset({AssessmentStatus.SUBMITTED}), AssessmentStatus.RETURNED
        ),
    },
)


@pytest.fixture
def sheet(world) -> Assessment:
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    return make_assessment(period, world.bandung)


def _nothing_written(sheet: Assessment, status: str = AssessmentStatus.DRAFT) -> None:
    sheet.refresh_from_db()
    assert sheet.status == status
    assert sheet.submitted_counts == {}
    assert not WorkflowEvent.objects.filter(subject_kind="engine_test").exists()
    assert not AuditEvent.objects.filter(action__startswith="engine_test.").exists()


def test_apply_sets_the_status_and_writes_the_event_and_the_audit(world, sheet):
    done = engine.apply(TABLE, sheet, "send", world["unit_head"], reason=" why ", items=["a", "a"])
    assert done.status == AssessmentStatus.SUBMITTED
    sheet.refresh_from_db()
    assert sheet.status == AssessmentStatus.SUBMITTED
    assert sheet.submitted_counts == {"stamped": 1}
    event = WorkflowEvent.objects.get(subject_kind="engine_test")
    assert (event.subject_id, event.assessment_id) == (sheet.pk, sheet.pk)
    assert (event.action, event.from_state, event.to_state) == ("send", "draft", "submitted")
    assert event.actor == world["unit_head"]
    assert event.items == ["a"]
    assert event.reason == "why"
    assert event.details == {"stamped": True}
    audit = AuditEvent.objects.get(action="engine_test.send")
    assert audit.details["from"] == "draft"
    assert audit.details["to"] == "submitted"
    assert audit.details["reason"] == "why"
    assert audit.unit_id == world.bandung.pk


def test_a_wrong_state_is_refused_with_its_code_and_nothing_is_written(world, sheet):
    with pytest.raises(StateError) as exc:
        engine.apply(TABLE, sheet, "reopen", world["unit_head"])
    assert [p.code for p in exc.value.problems] == ["wrong_state"]
    assert str(sheet.get_status_display()) in exc.value.message
    _nothing_written(sheet)


def test_a_guard_refusal_is_raised_with_its_code_and_nothing_is_written(world, sheet):
    with pytest.raises(StateError) as exc:
        engine.apply(TABLE, sheet, "send", world["operator"])
    assert [p.code for p in exc.value.problems] == ["not_head"]
    _nothing_written(sheet)


def test_a_failing_effect_leaves_no_event_no_audit_and_no_change(world, sheet):
    with pytest.raises(Boom):
        engine.apply(TABLE, sheet, "explode", world["unit_head"])
    _nothing_written(sheet)


def test_apply_on_a_row_the_caller_already_locked(world, sheet):
    with transaction.atomic():
        row = engine.lock(TABLE, sheet)
        engine.apply(TABLE, row, "send", world["unit_head"], locked=True)
        # The caller's own instance is the one updated (no second read).
        assert row.status == AssessmentStatus.SUBMITTED
    sheet.refresh_from_db()
    assert sheet.status == AssessmentStatus.SUBMITTED
    assert WorkflowEvent.objects.filter(subject_kind="engine_test", action="send").count() == 1


def test_refusal_and_allowed_actions_read_without_writing(world, sheet):
    assert engine.refusal(TABLE, sheet, "send", world["unit_head"]) is None
    assert code_of(engine.refusal(TABLE, sheet, "send", world["operator"])) == "not_head"
    assert (
        getattr(engine.refusal(TABLE, sheet, "reopen", world["unit_head"]), "code", None)
        == "wrong_state"
    )
    allowed = engine.allowed_actions(TABLE, sheet, world["operator"])
    assert set(allowed) == {"send", "explode"}
    assert code_of(allowed["send"]) == "not_head"
    assert allowed["explode"] is None
    _nothing_written(sheet)
    with pytest.raises(ValueError, match="no transition"):
        engine.refusal(TABLE, sheet, "fly", world["unit_head"])
