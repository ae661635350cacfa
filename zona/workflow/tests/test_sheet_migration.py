"""Migration 0002 carries the sheets' old history (audit events) into WorkflowEvent."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from unittest import mock

from django.apps import apps
from django.utils import timezone

from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.audit.models import AuditEvent
from zona.workflow.models import WorkflowEvent
from zona.workflow.selectors.sheet import sheet_history

migration = import_module("zona.workflow.migrations.0002_sheet")


def _old_event(sheet: Assessment, actor, action: str, at: dt.datetime, **details) -> AuditEvent:
    # created_at is auto_now_add: the clock is set back while the old event is written.
    with mock.patch("django.utils.timezone.now", return_value=at):
        return _create(sheet, actor, action, details)


def _create(sheet: Assessment, actor, action: str, details: dict) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        actor_repr=str(actor) if actor else "system",
        action=action,
        target_type="assessments.assessment",
        target_id=str(sheet.pk),
        target_repr=str(sheet),
        unit=sheet.unit,
        unit_path=sheet.unit.path,
        details=details,
    )


def test_old_submissions_and_returns_become_workflow_events_with_nothing_lost(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheet = make_assessment(period, world.bandung)
    other = make_assessment(period, world.bogor)
    t0 = timezone.now() - dt.timedelta(days=10)
    counts = {"unanswered": 3, "no_evidence": 1, "failing": 0}
    _old_event(
        sheet,
        world["unit_head"],
        "assessment.submitted",
        t0,
        **{"from": "draft", "returned_items": [], "counts": counts, "confirmed": True},
    )
    returned = _old_event(
        sheet,
        world["tpi_reviewer"],
        "assessment.returned",
        t0 + dt.timedelta(days=1),
        items=["A.p.m.1.a"],
        reason="Lampirkan SK",
        tier="tpi",
        tier_name="TPI",
    )
    _old_event(
        sheet,
        world["unit_head"],
        "assessment.submitted",
        t0 + dt.timedelta(days=2),
        **{
            "from": "returned",
            "returned_items": ["A.p.m.1.a"],
            "counts": counts,
            "confirmed": False,
        },
    )
    # A return by a tier that no longer exists, by an account that is gone.
    _old_event(
        other,
        None,
        "assessment.returned",
        t0 + dt.timedelta(days=3),
        items=[],
        reason="Semua",
        tier="hilang",
        tier_name="Tim Lama",
    )
    # Other audit events are no history of the workflow.
    _old_event(sheet, world["operator"], "assessment.answer_saved", t0, item="A.p.m.1.a")

    assert migration.carry_sheet_history(apps) == 4

    events = list(WorkflowEvent.objects.filter(assessment=sheet).order_by("at", "id"))
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
    ]
    first, back, again = events
    assert (first.subject_kind, first.subject_id) == ("assessment", sheet.pk)
    assert first.actor == world["unit_head"]
    assert first.at == t0
    assert first.details["counts"] == counts
    assert first.details["confirmed"] is True
    assert back.tier == world.tier_tpi
    assert back.actor == world["tpi_reviewer"]
    assert (back.items, back.reason) == (["A.p.m.1.a"], "Lampirkan SK")
    assert back.details["audit_event"] == returned.pk
    assert back.details["tier_name"] == "TPI"
    assert again.details["returned_items"] == ["A.p.m.1.a"]
    assert again.details["resubmitted"] is True
    # The history reads as it did from the audit log.
    history = sheet_history(sheet)
    assert [e.name for e in history] == ["submitted", "returned", "resubmitted"]
    assert history[1].tier == "TPI"
    assert history[1].who == str(world["tpi_reviewer"])
    assert history[2].items == ("A.p.m.1.a",)
    (lost,) = sheet_history(other)
    assert lost.tier == "Tim Lama"
    assert lost.who == "system"
    assert lost.items == ()
    assert WorkflowEvent.objects.get(assessment=other).details["tier_code"] == "hilang"
    # The audit log is left as it was; running again adds nothing.
    assert AuditEvent.objects.filter(action__startswith="assessment.").count() == 5
    assert migration.carry_sheet_history(apps) == 0
    assert sheet.status == AssessmentStatus.DRAFT  # statuses are not the migration's business
