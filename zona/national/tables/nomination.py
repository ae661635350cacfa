"""A nomination's lifecycle: the TPN's stages (issue 11 §3).

    admin ─pass─▶ desk ─desk_done─▶ field ─field_done─▶ clearance ─clear─▶ determination
      │ └─pass_with_notes─▶ follow_up ─resolve─▶ desk     │                ├─award─▶ awarded
      │                       └─close_follow_up─▶ ended   └─not_cleared─▶ ended
      └─fail─▶ failed ─appeal─▶ appeal ─uphold─▶ desk                 └─not_award─▶ not_awarded
                 └─close_appeal─▶ ended └─reject_appeal─▶ ended

Sampling mode: a nomination outside the TPN's sample (`sampled is False`) skips desk and
field: `pass`, `resolve` and `uphold` have `_unsampled` twins that lead straight to
clearance (the services pick the one that fits, so the choice is recorded in the event).

Every transition records its stage (a `NominationStage`: the day, the TPN members, the
notes). Only a TPN member moves a nomination, except the appeal, which the agency's
administrator or head files within the year's appeal window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal
from zona.national.models import (
    Clearance,
    ClearanceBody,
    ClearanceResult,
    FieldEvaluation,
    FollowUpItem,
    FollowUpKind,
    Nomination,
    NominationStage,
    NominationStatus,
)
from zona.workflow.engine import Context, Table, Transition

MAX_NOTES = 5000
S = NominationStatus


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


# --- guards ----------------------------------------------------------------------------------


def _tpn(ctx: Context[Nomination]) -> Refusal | None:
    from zona.national.access_tpn import is_tpn_member

    if is_tpn_member(ctx.actor):
        return None
    return Refusal("not_tpn", _("Only a TPN member decides a nomination's stages."))


def last_stage_day(nomination: Nomination) -> dt.date | None:
    """The day of the nomination's latest stage decision (None before the first)."""
    return (
        NominationStage.objects.filter(nomination=nomination)
        .order_by("-held_on", "-pk")
        .values_list("held_on", flat=True)
        .first()
    )


def _held_on(ctx: Context[Nomination]) -> Refusal | None:
    """The stage's day: given, not in the future, not before the previous stage's."""
    day = ctx.data.get("held_on")
    if not isinstance(day, dt.date):
        return Refusal("date_required", _("Give the date of the decision."))
    if day > ctx.today:
        return Refusal("date_in_future", _("The date cannot be in the future."))
    previous = last_stage_day(ctx.subject)
    if previous is not None and day < previous:
        return Refusal(
            "date_order",
            _("The date cannot be before %(date)s, the date of the previous stage.")
            % {"date": _day(previous)},
        )
    submitted = ctx.subject.proposal.submitted_at
    if previous is None and submitted is not None and day < submitted.date():
        return Refusal(
            "date_order",
            _("The date cannot be before %(date)s, when the proposal was submitted.")
            % {"date": _day(submitted.date())},
        )
    return None


def _notes(ctx: Context[Nomination]) -> Refusal | None:
    if len(ctx.reason) > MAX_NOTES:
        return Refusal("too_long", _("At most %(n)s characters.") % {"n": MAX_NOTES})
    return None


def _reason(ctx: Context[Nomination]) -> Refusal | None:
    if not ctx.reason.strip():
        return Refusal("reason_required", _("Give the reason."))
    return _notes(ctx)


def _evaluated(ctx: Context[Nomination]) -> Refusal | None:
    if ctx.subject.sampled is False:
        return Refusal(
            "not_sampled",
            _("This nomination is outside the TPN's sample: it goes straight to clearance."),
        )
    return None


def _unsampled(ctx: Context[Nomination]) -> Refusal | None:
    if ctx.subject.sampled is not False:
        return Refusal("sampled", _("This nomination is evaluated: it goes to desk evaluation."))
    return None


def _items_given(ctx: Context[Nomination]) -> Refusal | None:
    items = ctx.data.get("follow_up") or []
    if not items:
        return Refusal(
            "follow_up_required", _("List at least one document the unit must send again.")
        )
    for item in items:
        if item.get("kind") not in FollowUpKind.values:
            return Refusal("follow_up_kind", _("Choose the letter, the SPTJM or the LKE."))
        if not str(item.get("request", "")).strip():
            return Refusal("follow_up_request", _("Say what the unit must correct."))
    return None


def _items_resolved(ctx: Context[Nomination]) -> Refusal | None:
    open_items = FollowUpItem.objects.filter(
        nomination=ctx.subject, accepted_at__isnull=True
    ).count()
    if open_items:
        return Refusal(
            "follow_up_open",
            _("%(n)s follow-up item(s) are not accepted yet.") % {"n": open_items},
        )
    return None


def _follow_up_overdue(ctx: Context[Nomination]) -> Refusal | None:
    due = (
        FollowUpItem.objects.filter(nomination=ctx.subject)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    if due is not None and ctx.today <= due:
        return Refusal(
            "follow_up_not_due",
            _("The unit has until %(date)s to send the follow-up.") % {"date": _day(due)},
        )
    if _items_resolved(ctx) is None:
        return Refusal("follow_up_resolved", _("Every follow-up item is accepted."))
    return None


def appeal_last_day(nomination: Nomination) -> dt.date | None:
    """The last day the agency may appeal the failed selection (None if it did not fail)."""
    from zona.national.selectors.core import program_year

    failed_on = (
        NominationStage.objects.filter(nomination=nomination, action="fail")
        .order_by("-held_on", "-pk")
        .values_list("held_on", flat=True)
        .first()
    )
    if failed_on is None:
        return None
    return failed_on + dt.timedelta(days=program_year(nomination.year).appeal_window_days)


def _agency_speaker(ctx: Context[Nomination]) -> Refusal | None:
    from zona.national.access_tpn import speaks_for_agency

    if speaks_for_agency(ctx.actor, ctx.subject.proposal.agency):
        return None
    return Refusal(
        "not_agency", _("Only the agency's administrator or head appeals for the agency.")
    )


def _within_appeal_window(ctx: Context[Nomination]) -> Refusal | None:
    last = appeal_last_day(ctx.subject)
    if last is not None and ctx.today > last:
        return Refusal(
            "appeal_window_closed",
            _("The appeal window closed on %(date)s.") % {"date": _day(last)},
        )
    return None


def _appeal_window_passed(ctx: Context[Nomination]) -> Refusal | None:
    last = appeal_last_day(ctx.subject)
    if last is not None and ctx.today <= last:
        return Refusal(
            "appeal_window_open",
            _("The agency may still appeal until %(date)s.") % {"date": _day(last)},
        )
    return None


def _field_recorded(ctx: Context[Nomination]) -> Refusal | None:
    field = FieldEvaluation.objects.filter(nomination=ctx.subject).first()
    if field is None:
        return Refusal("field_not_scheduled", _("Schedule the field evaluation first."))
    if field.scheduled_on > ctx.today:
        return Refusal(
            "field_in_future",
            _("The field evaluation is on %(date)s; record its findings afterwards.")
            % {"date": _day(field.scheduled_on)},
        )
    if not (field.findings.strip() or field.findings_file):
        return Refusal("findings_required", _("Record the field evaluation's findings first."))
    day = ctx.data.get("held_on")
    if isinstance(day, dt.date) and day < field.scheduled_on:
        return Refusal(
            "date_order",
            _("The date cannot be before %(date)s, the day of the field evaluation.")
            % {"date": _day(field.scheduled_on)},
        )
    return None


def _results(nomination: Nomination) -> dict[str, str]:
    return dict(Clearance.objects.filter(nomination=nomination).values_list("body", "result"))


def _all_clear(ctx: Context[Nomination]) -> Refusal | None:
    results = _results(ctx.subject)
    missing = [b.label for b in ClearanceBody if results.get(b.value) != ClearanceResult.CLEAR]
    if missing:
        return Refusal(
            "clearance_missing",
            _("Waiting for a clear result from %(bodies)s.") % {"bodies": ", ".join(missing)},
        )
    return None


def _not_clear(ctx: Context[Nomination]) -> Refusal | None:
    if ClearanceResult.NOT_CLEAR in _results(ctx.subject).values():
        return None
    return Refusal("clearance_clear", _("No clearance is negative."))


# --- effects ---------------------------------------------------------------------------------


def _record(ctx: Context[Nomination]) -> NominationStage:
    """The stage's record: the day, the members, the notes."""
    day: dt.date = ctx.data["held_on"]
    members = list(ctx.data.get("members") or [])
    row = NominationStage.objects.create(
        nomination=ctx.subject,
        stage=ctx.subject.status,
        action=ctx.action,
        held_on=day,
        notes=ctx.reason,
        recorded_by=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
        recorded_at=ctx.now,
    )
    if members:
        row.members.set(members)
    ctx.details.update(held_on=day.isoformat(), members=sorted(m.pk for m in members))
    return row


def _with_notes(ctx: Context[Nomination]) -> None:
    from zona.national.selectors.core import program_year

    _record(ctx)
    day: dt.date = ctx.data["held_on"]
    due = day + dt.timedelta(days=program_year(ctx.subject.year).follow_up_days)
    FollowUpItem.objects.bulk_create(
        FollowUpItem(
            nomination=ctx.subject,
            kind=item["kind"],
            request=str(item["request"]).strip(),
            due_on=due,
        )
        for item in ctx.data["follow_up"]
    )
    ctx.details.update(
        due_on=due.isoformat(), follow_up=[item["kind"] for item in ctx.data["follow_up"]]
    )


def _appealed(ctx: Context[Nomination]) -> None:
    appeal = ctx.data["appeal"]
    appeal.nomination = ctx.subject
    appeal.save()
    _record(ctx)
    ctx.details.update(evidence=appeal.evidence_name)


def _appeal_decided(decision: str) -> Any:
    def effect(ctx: Context[Nomination]) -> None:
        from zona.national.models import NominationAppeal

        _record(ctx)
        NominationAppeal.objects.filter(nomination=ctx.subject).update(
            decision=decision,
            decision_reason=ctx.reason,
            decided_by=ctx.actor,
            decided_on=ctx.data["held_on"],
        )
        ctx.details.update(decision=decision)

    return effect


def _awarded(ctx: Context[Nomination]) -> None:
    from zona.national.services.register import predicate_grant

    nomination = ctx.subject
    predicate = predicate_grant(
        actor=ctx.actor,
        unit=nomination.unit,
        kind=str(ctx.data.get("kind") or nomination.target),
        year=nomination.year,
        decree_number=str(ctx.data.get("decree_number") or ""),
        decree_date=ctx.data.get("decree_date"),
        nomination=nomination,
        now=ctx.now,
    )
    _record(ctx)
    ctx.details.update(
        predicate=predicate.pk,
        kind=predicate.kind,
        decree_number=predicate.decree_number,
        decree_date=predicate.decree_date.isoformat(),
    )


def _decree_day(ctx: Context[Nomination]) -> Refusal | None:
    """The decree's date is the determination's day (the register checks the rest)."""
    decree = ctx.data.get("decree_date")
    if not isinstance(decree, dt.date):
        return None  # the register refuses a decree without its date, on the field
    ctx.data["held_on"] = decree
    return _held_on(ctx)


# --- the table -------------------------------------------------------------------------------


def _t(
    action: str,
    sources: set[str],
    target: str,
    guards: tuple[Any, ...],
    label: Any,
    effect: Any = _record,
) -> Transition:
    return Transition(action, frozenset(sources), target, guards=guards, effect=effect, label=label)


NOMINATION: Table[Nomination] = Table(
    kind="nomination",
    model=Nomination,
    audit_prefix="nomination",
    assessment_of=lambda nomination: nomination.assessment,
    unit_of=lambda nomination: nomination.unit,
    transitions={
        t.action: t
        for t in [
            _t(
                "pass",
                {S.ADMIN},
                S.DESK,
                (_tpn, _held_on, _notes, _evaluated),
                gettext_lazy("Passed the administrative selection"),
            ),
            _t(
                "pass_unsampled",
                {S.ADMIN},
                S.CLEARANCE,
                (_tpn, _held_on, _notes, _unsampled),
                gettext_lazy("Passed the administrative selection (outside the sample)"),
            ),
            _t(
                "pass_with_notes",
                {S.ADMIN},
                S.FOLLOW_UP,
                (_tpn, _held_on, _notes, _items_given),
                gettext_lazy("Passed with notes"),
                _with_notes,
            ),
            _t(
                "fail",
                {S.ADMIN},
                S.FAILED,
                (_tpn, _held_on, _reason),
                gettext_lazy("Did not pass the administrative selection"),
            ),
            _t(
                "resolve",
                {S.FOLLOW_UP},
                S.DESK,
                (_tpn, _held_on, _notes, _items_resolved, _evaluated),
                gettext_lazy("Follow-up complete"),
            ),
            _t(
                "resolve_unsampled",
                {S.FOLLOW_UP},
                S.CLEARANCE,
                (_tpn, _held_on, _notes, _items_resolved, _unsampled),
                gettext_lazy("Follow-up complete (outside the sample)"),
            ),
            _t(
                "close_follow_up",
                {S.FOLLOW_UP},
                S.ENDED,
                (_tpn, _held_on, _notes, _follow_up_overdue),
                gettext_lazy("Follow-up not completed in time"),
            ),
            _t(
                "appeal",
                {S.FAILED},
                S.APPEAL,
                (_agency_speaker, _within_appeal_window, _held_on, _reason),
                gettext_lazy("Appealed by the agency"),
                _appealed,
            ),
            _t(
                "close_appeal",
                {S.FAILED},
                S.ENDED,
                (_tpn, _held_on, _notes, _appeal_window_passed),
                gettext_lazy("Appeal window passed"),
            ),
            _t(
                "uphold",
                {S.APPEAL},
                S.DESK,
                (_tpn, _held_on, _notes, _evaluated),
                gettext_lazy("Appeal upheld"),
                _appeal_decided("upheld"),
            ),
            _t(
                "uphold_unsampled",
                {S.APPEAL},
                S.CLEARANCE,
                (_tpn, _held_on, _notes, _unsampled),
                gettext_lazy("Appeal upheld (outside the sample)"),
                _appeal_decided("upheld"),
            ),
            _t(
                "reject_appeal",
                {S.APPEAL},
                S.ENDED,
                (_tpn, _held_on, _reason),
                gettext_lazy("Appeal rejected"),
                _appeal_decided("rejected"),
            ),
            _t(
                "desk_done",
                {S.DESK},
                S.FIELD,
                (_tpn, _held_on, _notes),
                gettext_lazy("Desk evaluation complete"),
            ),
            _t(
                "field_done",
                {S.FIELD},
                S.CLEARANCE,
                (_tpn, _held_on, _notes, _field_recorded),
                gettext_lazy("Field evaluation complete"),
            ),
            _t(
                "clear",
                {S.CLEARANCE},
                S.DETERMINATION,
                (_tpn, _held_on, _notes, _all_clear),
                gettext_lazy("Cleared by the KPK and the Ombudsman"),
            ),
            _t(
                "not_cleared",
                {S.CLEARANCE},
                S.ENDED,
                (_tpn, _held_on, _reason, _not_clear),
                gettext_lazy("Stopped by a negative clearance"),
            ),
            _t(
                "award",
                {S.DETERMINATION},
                S.AWARDED,
                (_tpn, _decree_day, _notes),
                gettext_lazy("Predicate awarded"),
                _awarded,
            ),
            _t(
                "not_award",
                {S.DETERMINATION},
                S.NOT_AWARDED,
                (_tpn, _held_on, _reason),
                gettext_lazy("No predicate awarded"),
            ),
        ]
    },
)
