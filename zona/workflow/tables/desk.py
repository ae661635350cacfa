"""Lifecycles of the desk part: a desk-evaluation session (planned → held / cancelled) and
an assistance record's follow-up (open → in progress → done)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.accounts.access import Perm, user_can
from zona.assessments.models import PeriodStatus
from zona.core.errors import Refusal
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models import (
    AssistanceRecord,
    AssistanceStatus,
    DeskSession,
    DeskSessionStatus,
)


def _period_open(ctx: Context) -> Refusal | None:
    if ctx.subject.assessment.period.status == PeriodStatus.CLOSED:
        return Refusal(
            "period_closed", _("The period is closed; the sheet can no longer be changed.")
        )
    return None


def _tier_reviewer(ctx: Context) -> Refusal | None:
    """Only reviewers of the tier the subject belongs to act on it."""
    from zona.workflow.selectors.desk import desk_tiers_of

    subject = ctx.subject
    if not any(t.pk == subject.tier_id for t in desk_tiers_of(ctx.actor, subject.assessment)):
        return Refusal(
            "not_tier_reviewer",
            _("Only reviewers of %(tier)s can do this.") % {"tier": subject.tier},
        )
    return None


def _outcome_given(ctx: Context) -> Refusal | None:
    if not str(ctx.data.get("outcome", "")).strip():
        return Refusal("outcome_required", _("Write the outcome of the session."))
    return None


def _set_outcome(ctx: Context) -> None:
    outcome = str(ctx.data.get("outcome", "")).strip()
    if outcome:
        ctx.subject.outcome = outcome
        ctx.details["outcome"] = outcome[:500]


DESK_SESSION = Table(
    kind="desk_session",
    model=DeskSession,
    audit_prefix="desk.session",
    assessment_of=lambda s: s.assessment,
    unit_of=lambda s: s.assessment.unit,
    transitions={
        "hold": Transition(
            "hold",
            frozenset({DeskSessionStatus.PLANNED}),
            DeskSessionStatus.HELD,
            guards=(_period_open, _tier_reviewer, _outcome_given),
            effect=_set_outcome,
            label=gettext_lazy("Mark as held"),
        ),
        "cancel": Transition(
            "cancel",
            frozenset({DeskSessionStatus.PLANNED}),
            DeskSessionStatus.CANCELLED,
            guards=(_period_open, _tier_reviewer),
            effect=_set_outcome,
            label=gettext_lazy("Cancel the session"),
        ),
        "replan": Transition(
            "replan",
            frozenset({DeskSessionStatus.CANCELLED, DeskSessionStatus.HELD}),
            DeskSessionStatus.PLANNED,
            guards=(_period_open, _tier_reviewer),
            label=gettext_lazy("Plan again"),
        ),
    },
)


def _follows_up(ctx: Context) -> Refusal | None:
    """The unit's people who may change the item (a working-group member: their areas), or
    a reviewer of the record's tier."""
    from zona.accounts.access import lke_areas_for
    from zona.assessments.sheet import sheet_spec
    from zona.workflow.selectors.desk import desk_tiers_of

    record = ctx.subject
    assessment = record.assessment
    if any(t.pk == record.tier_id for t in desk_tiers_of(ctx.actor, assessment)):
        return None
    if user_can(ctx.actor, Perm.ASSESSMENT_EDIT, assessment.unit):
        areas = lke_areas_for(ctx.actor, assessment.unit)
        area = sheet_spec(assessment.period.framework).area_of(record.item_code)
        if areas is None or area in areas:
            return None
    return Refusal(
        "not_follow_up", _("Only the unit's people for this item or its reviewers can do this.")
    )


def _stamp(ctx: Context) -> None:
    ctx.subject.status_by = ctx.actor
    ctx.subject.status_at = ctx.now


ASSISTANCE = Table(
    kind="assistance",
    model=AssistanceRecord,
    audit_prefix="desk.assistance",
    assessment_of=lambda r: r.assessment,
    unit_of=lambda r: r.assessment.unit,
    transitions={
        "start": Transition(
            "start",
            frozenset({AssistanceStatus.OPEN}),
            AssistanceStatus.IN_PROGRESS,
            guards=(_period_open, _follows_up),
            effect=_stamp,
            label=gettext_lazy("Start the follow-up"),
        ),
        "finish": Transition(
            "finish",
            frozenset({AssistanceStatus.OPEN, AssistanceStatus.IN_PROGRESS}),
            AssistanceStatus.DONE,
            guards=(_period_open, _follows_up),
            effect=_stamp,
            label=gettext_lazy("Mark as done"),
        ),
        "reopen": Transition(
            "reopen",
            frozenset({AssistanceStatus.DONE, AssistanceStatus.IN_PROGRESS}),
            AssistanceStatus.OPEN,
            guards=(_period_open, _follows_up),
            effect=_stamp,
            label=gettext_lazy("Reopen"),
        ),
    },
)

ASSISTANCE_TARGETS = {
    AssistanceStatus.IN_PROGRESS: "start",
    AssistanceStatus.DONE: "finish",
    AssistanceStatus.OPEN: "reopen",
}
