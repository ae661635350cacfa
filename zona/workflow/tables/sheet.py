"""The sheet's lifecycle: the unit submits it (draft or returned → submitted), the tier that
holds it returns it for revision (submitted → returned).

The guards are the one rule behind the worksheet's and the submit page's buttons, the
return form, the services and the API (`sheet_refusal`, reached from assessments through
the `ReviewGate` port). The effects carry the fields that go with each transition
(submitted_at, the counts the head confirmed, the returned items ...), the evidence pins
and the survey feed, then hand the sheet to the reviews part and tell the people who act
next (`handoffs.handoff`).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, review_tiers_for, user_can
from zona.accounts.models import ReviewTier
from zona.assessments.access import pick_review_tier, review_lock_reason
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.ports import survey_feed
from zona.assessments.selectors import (
    SubmissionCounts,
    completeness_refusal,
    load_sheet_state,
    submission_counts,
    submission_refusal,
    survey_indices,
)
from zona.assessments.services.evidence import evidence_pin_links
from zona.assessments.services.surveys import answers_fill_from_surveys
from zona.assessments.sheet import sheet_spec, takes_survey_index
from zona.core.errors import Refusal
from zona.workflow import engine, handoffs
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models import WorkflowEvent
from zona.workflow.selectors.reviews import holding_review
from zona.workflow.selectors.sheet import unit_people, unit_reviewers

KIND = "assessment"

# Refusals that say the actor may never do this on this sheet (403, not 409).
PERMISSION_CODES = frozenset({"forbidden", "not_reviewer"})

# Inputs a guard checks only when the action is really applied (not for a button's state).
PREVIEW = "preview"


# --- submit ----------------------------------------------------------------------------------


def _may_submit(ctx: Context[Assessment]) -> Refusal | None:
    if user_can(ctx.actor, Perm.ASSESSMENT_SUBMIT, ctx.subject.unit):
        return None
    return Refusal("forbidden", _("Only the unit head can submit the sheet."))


def _within_window(ctx: Context[Assessment]) -> Refusal | None:
    return submission_refusal(ctx.subject, now=ctx.now)


def _counts(ctx: Context[Assessment]) -> tuple[SubmissionCounts, dict[str, Any]]:
    """The counts the unit head confirms and the survey indices, computed once per apply."""
    cached = ctx.data.get("_counts")
    if cached is None:
        indices = survey_indices(ctx.subject) or {}
        cached = (submission_counts(load_sheet_state(ctx.subject), indices), indices)
        ctx.data["_counts"] = cached
    return cached


def _confirmation_fresh(ctx: Context[Assessment]) -> Refusal | None:
    confirmed = ctx.data.get("confirmed")
    if confirmed is None:
        return None
    counts, _indices = _counts(ctx)
    if counts.matches(confirmed):
        return None
    return Refusal(
        "stale_confirmation",
        _(
            "The sheet changed after you opened the summary: now %(unanswered)d "
            "unanswered, %(no_evidence)d without evidence, %(failing)d failing "
            "conditions. Check the summary again and confirm."
        )
        % counts.as_dict(),
    )


def _complete_if_required(ctx: Context[Assessment]) -> Refusal | None:
    if not ctx.subject.period.require_complete:
        return None
    counts, _indices = _counts(ctx)
    return completeness_refusal(counts, ctx.subject.period)


def _submit(ctx: Context[Assessment]) -> None:
    sheet = ctx.subject
    counts, indices = _counts(ctx)
    resubmission = sheet.status == AssessmentStatus.RETURNED
    # An index item the unit left empty goes out with its survey's index as it is now.
    answers_fill_from_surveys(assessment=sheet, actor=ctx.actor, indices=indices)
    # The campaign that feeds B.I.a/B.II.a can no longer be switched for this year.
    survey_feed().pin(unit=sheet.unit, year=sheet.period.year, actor=ctx.actor)
    # What reviewers will see: the evidence as it is now, whatever the library does later.
    evidence_pin_links(assessment=sheet, now=ctx.now)
    sheet.submitted_at = ctx.now
    sheet.submitted_by = ctx.actor
    sheet.submitted_counts = counts.as_dict()
    ctx.details.update(
        counts=counts.as_dict(),
        confirmed=ctx.data.get("confirmed") is not None,
        resubmitted=resubmission,
    )
    if resubmission:
        # The items the unit was asked to revise (empty: the whole sheet).
        ctx.details["returned_items"] = list(sheet.returned_items or [])
    from zona.workflow.services.reviews import on_sheet_submitted

    on_sheet_submitted(assessment=sheet, actor=ctx.actor, now=ctx.now, resubmission=resubmission)
    holding = holding_review(sheet)
    if resubmission and holding is not None:
        return  # the reviews part tells the reopened tier's team (sheet.resubmitted)
    tier = holding.tier if holding is not None else None
    kind = "sheet.resubmitted" if resubmission else "sheet.submitted"
    n = _round(sheet, "submit")
    handoffs.handoff(
        kind=kind,
        recipients=unit_reviewers(sheet.unit, tier),
        params=_params(sheet, tier),
        url=reverse("workflow:review_tier", args=[sheet.pk, tier.code])
        if tier is not None
        else reverse("workflow:review", args=[sheet.pk]),
        key=f"{kind}:{sheet.pk}:{n}",
        actor=ctx.actor,
    )


# --- return ----------------------------------------------------------------------------------


def _is_reviewer(ctx: Context[Assessment]) -> Refusal | None:
    if review_tiers_for(ctx.actor, ctx.subject.unit):
        return None
    return Refusal("not_reviewer", _("Only a reviewer of this unit can return its sheet."))


def return_tier(
    assessment: Assessment, actor: Any, wanted: ReviewTier | str | None, *, today: Any = None
) -> tuple[ReviewTier | None, Refusal | None]:
    """The tier in which `actor` returns the sheet, or why they cannot.

    A sheet whose period has a chain is held by one tier (its open review, or the one that
    returned it): only that tier's reviewers return it. A sheet without tier reviews may be
    returned in any of the actor's tiers that may act now (the one `wanted`, else the first).
    """
    from zona.workflow.services.reviews import reviews_layer_lock

    tiers = review_tiers_for(actor, assessment.unit)
    if wanted is not None and pick_review_tier(tiers, wanted) is None:
        return None, Refusal("not_reviewer", _("You do not review this unit in that tier."))
    holding = holding_review(assessment)
    if holding is not None:
        tier = pick_review_tier(tiers, holding.tier)
        if tier is None or (wanted is not None and pick_review_tier([tier], wanted) is None):
            return None, Refusal(
                "not_holding_tier",
                _("Only the tier that holds the sheet (%(tier)s) may return it.")
                % {"tier": holding.tier.name},
            )
        candidates = [tier]
    else:
        picked = pick_review_tier(tiers, wanted) if wanted is not None else None
        candidates = [picked] if picked is not None else list(tiers)
    first: Refusal | None = None
    for tier in candidates:
        refused = review_lock_reason(assessment, tier, today=today) or reviews_layer_lock(
            assessment, tier, today
        )
        if refused is None:
            return tier, None
        first = first or refused
    return None, first


def _holds_the_sheet(ctx: Context[Assessment]) -> Refusal | None:
    _tier, refused = return_tier(ctx.subject, ctx.actor, ctx.tier, today=ctx.today)
    return refused


def _reason_given(ctx: Context[Assessment]) -> Refusal | None:
    if ctx.data.get(PREVIEW) or ctx.reason.strip():
        return None
    return Refusal("reason_required", _("Say what the unit should revise."))


def _items_known(ctx: Context[Assessment]) -> Refusal | None:
    if ctx.data.get(PREVIEW):
        return None
    spec = sheet_spec(ctx.subject.period.framework)
    unknown = [code for code in ctx.items if code not in spec.items]
    if not unknown:
        return None
    return Refusal(
        "unknown_items", _("Unknown item codes: %(codes)s.") % {"codes": ", ".join(unknown)}
    )


def _return(ctx: Context[Assessment]) -> None:
    sheet = ctx.subject
    sheet.returned_items = list(ctx.items)
    sheet.returned_at = ctx.now
    sheet.return_reason = ctx.reason
    spec = sheet_spec(sheet.period.framework)
    index_items = [code for code, item in spec.items.items() if takes_survey_index(item)]
    # The effect runs before the engine sets the status: judged as the returned sheet will be.
    reopened = not ctx.items or any(code in ctx.items for code in index_items)
    if index_items and reopened:
        # B.I.a or B.II.a is the unit's again: it may choose the feeding campaign again.
        survey_feed().unpin(unit=sheet.unit, year=sheet.period.year, actor=ctx.actor)
    if ctx.tier is not None:
        ctx.details["tier_name"] = ctx.tier.name
    from zona.workflow.services.reviews import on_sheet_returned

    on_sheet_returned(assessment=sheet, review=holding_review(sheet), actor=ctx.actor, now=ctx.now)
    n = _round(sheet, "return")
    handoffs.handoff(
        kind="sheet.returned",
        recipients=unit_people(sheet.unit),
        params={**_params(sheet, ctx.tier), "reason": ctx.reason, "items": list(ctx.items)},
        url=reverse("assessments:worksheet", args=[sheet.pk]),
        key=f"sheet.returned:{sheet.pk}:{n}",
        actor=ctx.actor,
    )


def _params(sheet: Assessment, tier: ReviewTier | None) -> dict[str, Any]:
    return {
        "unit": sheet.unit.name,
        "period": sheet.period.title,
        "tier": tier.name if tier is not None else "",
    }


def _round(sheet: Assessment, action: str) -> int:
    """How many times the sheet went through `action` before (the hand-off key's round)."""
    return WorkflowEvent.objects.filter(
        subject_kind=KIND, subject_id=sheet.pk, action=action
    ).count()


SHEET: Table[Assessment] = Table(
    kind=KIND,
    model=Assessment,
    audit_prefix="assessment",
    assessment_of=lambda sheet: sheet,
    unit_of=lambda sheet: sheet.unit,
    transitions={
        "submit": Transition(
            action="submit",
            sources=frozenset({AssessmentStatus.DRAFT, AssessmentStatus.RETURNED}),
            target=AssessmentStatus.SUBMITTED,
            guards=(_may_submit, _within_window, _confirmation_fresh, _complete_if_required),
            effect=_submit,
        ),
        "return": Transition(
            action="return",
            sources=frozenset({AssessmentStatus.SUBMITTED}),
            target=AssessmentStatus.RETURNED,
            guards=(_is_reviewer, _holds_the_sheet, _reason_given, _items_known),
            effect=_return,
        ),
    },
)


def sheet_refusal(
    assessment: Any, action: str, actor: Any, *, tier: ReviewTier | None = None
) -> Refusal | None:
    """Why `actor` may not do the sheet `action` now (submit, return ...), or None: the
    state and the actor's rights, not the inputs an action carries (reason, items)."""
    if action not in SHEET.transitions:
        return Refusal("unknown_action", _("This cannot be done on a sheet."))
    return engine.refusal(SHEET, assessment, action, actor, tier=tier, data={PREVIEW: True})


def sheet_allowed_actions(assessment: Assessment, actor: Any) -> dict[str, Refusal | None]:
    """Every sheet action with the refusal for this actor (None = may), for the API."""
    return {action: sheet_refusal(assessment, action, actor) for action in SHEET.transitions}
