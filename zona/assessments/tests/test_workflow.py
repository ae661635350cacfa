"""Submitting within the window, and returning for revision."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from zona.assessments.models import AssessmentStatus, PeriodDeadline, PeriodStatus
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow.services.sheet import sheet_return, sheet_submit


def test_the_unit_head_submits_within_the_window(world, assessment):
    submitted = sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert submitted.submitted_by == world["unit_head"]
    assert submitted.submitted_at
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1


@pytest.mark.parametrize("persona", ["operator", "wg_member", "viewer", "other_operator"])
def test_only_the_unit_head_submits(world, assessment, persona):
    with pytest.raises(PermissionDenied):
        sheet_submit(actor=world[persona], assessment=assessment)


def test_a_submission_after_the_level_deadline_is_refused_with_the_reason(world, assessment):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    PeriodDeadline.objects.create(
        period=assessment.period, level=world.bandung.depth, fill_deadline=yesterday
    )
    with pytest.raises(StateError) as exc:
        sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert [p.code for p in exc.value.problems] == ["deadline_passed"]
    # The reason names the date that passed.
    assert date_format(yesterday, "j F Y") in exc.value.message
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_a_deadline_for_another_level_does_not_apply(world, assessment):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    PeriodDeadline.objects.create(period=assessment.period, level=2, fill_deadline=yesterday)
    # Bandung is deeper than level 2: that level's deadline does not stop its submission.
    assert assessment.unit.depth != 2
    submitted = sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_a_submission_before_the_period_opens_is_refused(world, assessment):
    period = assessment.period
    period.opens_on = timezone.localdate() + dt.timedelta(days=3)
    period.closes_on = period.opens_on + dt.timedelta(days=3)
    period.save()
    with pytest.raises(StateError) as exc:
        sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert [p.code for p in exc.value.problems] == ["not_open_yet"]


def test_a_closed_period_refuses_submission(world, assessment):
    assessment.period.status = PeriodStatus.CLOSED
    assessment.period.save()
    with pytest.raises(StateError):
        sheet_submit(actor=world["unit_head"], assessment=assessment)


def test_submitting_twice_is_refused(world, assessment):
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    with pytest.raises(StateError):
        sheet_submit(actor=world["unit_head"], assessment=assessment)


def test_return_and_resubmit_within_the_revision_deadline(world, assessment):
    today = timezone.localdate()
    PeriodDeadline.objects.create(
        period=assessment.period,
        level=world.bandung.depth,
        fill_deadline=today,
        revision_deadline=today + dt.timedelta(days=5),
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    with pytest.raises(PermissionDenied):
        sheet_return(actor=world["operator"], assessment=assessment, reason="x")
    with pytest.raises(ValidationFailed):
        sheet_return(actor=world["tpi_reviewer"], assessment=assessment, items=["nope"], reason="x")
    with pytest.raises(ValidationFailed):
        sheet_return(actor=world["tpi_reviewer"], assessment=assessment, reason=" ")
    returned = sheet_return(
        actor=world["tpi_reviewer"], assessment=assessment, items=["A.p.m.1.a"], reason="SK kurang"
    )
    assert returned.status == AssessmentStatus.RETURNED
    later = timezone.now() + dt.timedelta(days=3)
    again = sheet_submit(actor=world["unit_head"], assessment=returned, now=later)
    assert again.status == AssessmentStatus.SUBMITTED
    sheet_return(actor=world["tpi_reviewer"], assessment=again, reason="lagi")
    too_late = timezone.now() + dt.timedelta(days=8)
    with pytest.raises(StateError) as exc:
        sheet_submit(actor=world["unit_head"], assessment=again, now=too_late)
    assert [p.code for p in exc.value.problems] == ["revision_deadline_passed"]


def _feed_pinned(assessment) -> bool:
    from zona.surveys.models import LkeFeedPin

    return LkeFeedPin.objects.filter(unit=assessment.unit, year=assessment.period.year).exists()


def test_submission_pins_the_survey_feed_and_a_return_of_the_indices_unpins_it(world, assessment):
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert _feed_pinned(assessment)
    # A return of other items leaves B.1.a/B.2.a as submitted: the feed stays pinned.
    sheet_return(
        actor=world["tpi_reviewer"], assessment=assessment, items=["A.p.m.1.a"], reason="SK"
    )
    assert _feed_pinned(assessment)
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    sheet_return(actor=world["tpi_reviewer"], assessment=assessment, items=["B.1.a"], reason="IPAK")
    assert not _feed_pinned(assessment)
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert _feed_pinned(assessment)
    sheet_return(actor=world["tpi_reviewer"], assessment=assessment, reason="semua")
    assert not _feed_pinned(assessment)
