"""The lifecycle of one tier's review of one sheet (issue 10 §3).

    waiting ──open──▶ open ──complete──▶ completed
                      │  ▲ ╲                │  │
               return │  │resume  sign_off │  │ reopen (a higher tier sent it back,
                      ▼  │       (lead,     │  │   or a lower layer changed: stale)
                    returned    controller  ▼  ▼
                                 steps)    open
    waiting/open ──close──▶ closed (the sheet stopped before this tier)
    open ──withdraw──▶ waiting (this tier sent the sheet back to the tier below)

The actions people take (sign_off, complete, send_back) carry guards: the actor is the team
lead (then the technical controller, where the step uses one), the tier's window is open,
no must-fix comment is open, separation of duties holds. The others are applied by the
services when the sheet moves (submit, return) or a lower layer changes.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from zona.core.errors import Refusal
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models import Recommendation, TierReview, TierReviewStatus
from zona.workflow.models.reviews import SignOffRole, TierSignOff

S = TierReviewStatus


# --- hooks of the other parts (imported lazily: each part may not be there yet) ----------------


def must_fix_open(review: TierReview) -> int:
    """Open must-fix comments on the sheet in this tier (the comments part); 0 without it."""
    try:
        from zona.workflow.selectors.comments import must_fix_open as hook
    except ImportError:
        return 0
    return int(hook(review))


def separation_refusal(user: Any, review: TierReview) -> Refusal | None:
    """Separation of duties (the chain part): nobody reviews their own unit, nobody acts for
    two tiers on one sheet; None without it."""
    try:
        from zona.workflow.selectors.chain import separation_refusal as hook
    except ImportError:
        return None
    result: Refusal | None = hook(user, review.assessment, review.tier)
    return result


# --- who is who in the tier -------------------------------------------------------------------


def team_for(review: TierReview) -> Any:
    """The team of the review's step that covers the sheet's unit (the deepest covering one),
    or None."""
    unit = review.assessment.unit
    best = None
    for team in review.step.teams.all():
        for root in team.units.all():
            if unit.path.startswith(root.path) and (
                best is None or len(root.path) > len(best[1].path)
            ):
                best = (team, root)
    return best[0] if best else None


def lead_signed(review: TierReview) -> TierSignOff | None:
    """The lead's sign-off since the review last opened, or None."""
    rows = review.sign_offs.filter(role=SignOffRole.LEAD)
    if review.opened_at is not None:
        rows = rows.filter(at__gte=review.opened_at)
    return rows.select_related("signed_by").order_by("-at", "-id").first()


def _pk(user: Any) -> Any:
    return getattr(user, "pk", None)


# --- guards ------------------------------------------------------------------------------------


def within_window(ctx: Context[TierReview]) -> Refusal | None:
    step = ctx.subject.step
    if ctx.today < step.opens_on:
        return Refusal(
            "window_not_open",
            _("The review of %(tier)s opens on %(date)s.")
            % {"tier": ctx.subject.tier.name, "date": date_format(step.opens_on, "j F Y")},
        )
    if ctx.today > step.closes_on:
        return Refusal(
            "window_closed",
            _(
                "The review window of %(tier)s closed on %(date)s; ask your agency "
                "administrator to extend it."
            )
            % {"tier": ctx.subject.tier.name, "date": date_format(step.closes_on, "j F Y")},
        )
    return None


def _role_in(ctx: Context[TierReview]) -> str:
    """The role of the actor in the review's team: "lead", "controller" or ""."""
    team = team_for(ctx.subject)
    if team is None or not getattr(ctx.actor, "is_authenticated", False):
        return ""
    if team.lead_id is not None and team.lead_id == ctx.actor.pk:
        return SignOffRole.LEAD
    if team.controller_id is not None and team.controller_id == ctx.actor.pk:
        return SignOffRole.CONTROLLER
    return ""


def actor_is_lead(ctx: Context[TierReview]) -> Refusal | None:
    if _role_in(ctx) == SignOffRole.LEAD:
        return None
    return Refusal(
        "not_team_lead",
        _("Only the team lead of %(tier)s for this unit can do this.")
        % {"tier": ctx.subject.tier.name},
    )


def lead_not_signed_yet(ctx: Context[TierReview]) -> Refusal | None:
    if not ctx.subject.step.uses_controller:
        return Refusal(
            "no_controller",
            _("This tier has no technical controller: the team lead completes the review."),
        )
    if lead_signed(ctx.subject) is not None:
        return Refusal("already_signed", _("The team lead has already signed this review off."))
    return None


def completer(ctx: Context[TierReview]) -> Refusal | None:
    """The lead completes; where the step uses a controller, the controller completes after
    the lead signed."""
    review = ctx.subject
    role = _role_in(ctx)
    if not review.step.uses_controller:
        return actor_is_lead(ctx)
    if role != SignOffRole.CONTROLLER:
        return Refusal(
            "not_controller",
            _("Only the technical controller of %(tier)s completes this review, after the lead.")
            % {"tier": review.tier.name},
        )
    if lead_signed(review) is None:
        return Refusal("lead_not_signed", _("The team lead has not signed this review off yet."))
    return None


def no_open_must_fix(ctx: Context[TierReview]) -> Refusal | None:
    count = must_fix_open(ctx.subject)
    if count > 0:
        return Refusal(
            "must_fix_open",
            ngettext(
                "%(n)d must-fix comment is still open; resolve it first.",
                "%(n)d must-fix comments are still open; resolve them first.",
                count,
            )
            % {"n": count},
        )
    return None


def separated(ctx: Context[TierReview]) -> Refusal | None:
    if not getattr(ctx.actor, "is_authenticated", False):
        return None
    return separation_refusal(ctx.actor, ctx.subject)


def valid_recommendation(ctx: Context[TierReview]) -> Refusal | None:
    wanted = ctx.data.get("recommendation")
    if wanted in (None, "") and ctx.subject.step.uses_controller:
        return None  # the controller may keep the lead's recommendation
    if wanted not in Recommendation.values:
        return Refusal(
            "recommendation_required",
            _("Choose a recommendation: forward to the next tier or do not forward."),
        )
    return None


def tpi_gates_met(ctx: Context[TierReview]) -> Refusal | None:
    """At the TPI's step, forwarding needs stage 2 reached and every gate met or overridden
    (the tpi part's rule); other steps are not concerned."""
    from zona.workflow.selectors.tpi import complete_refusal

    review = ctx.subject
    recommendation = str(ctx.data.get("recommendation") or "")
    if not recommendation and review.step.uses_controller:
        signed = lead_signed(review)
        recommendation = signed.recommendation if signed else ""
    return complete_refusal(review, recommendation)


def reason_given(ctx: Context[TierReview]) -> Refusal | None:
    if ctx.reason.strip():
        return None
    return Refusal("reason_required", _("Say why the sheet goes back to the tier below."))


def lower_completed(ctx: Context[TierReview]) -> Refusal | None:
    """Opening: every earlier review of the sheet is completed and a selection round after
    the previous one, if any, has let the sheet through."""
    review = ctx.subject
    earlier = TierReview.objects.filter(
        assessment_id=review.assessment_id, position__lt=review.position
    ).order_by("-position")
    previous = earlier.first()
    if previous is None:
        return None
    if earlier.exclude(status=S.COMPLETED).exists():
        return Refusal(
            "previous_not_completed",
            _("%(tier)s has not completed its review yet.") % {"tier": previous.tier.name},
        )
    if previous.recommendation != Recommendation.FORWARD:
        return Refusal(
            "not_forwarded", _("%(tier)s did not forward the sheet.") % {"tier": previous.tier.name}
        )
    from zona.workflow.services.reviews import selection_allows_next

    if not selection_allows_next(previous):
        return Refusal(
            "selection_pending",
            _("The selection round after %(tier)s has not let this sheet through yet.")
            % {"tier": previous.tier.name},
        )
    return None


def lower_all_completed(ctx: Context[TierReview]) -> Refusal | None:
    """Completing: no tier below is open again (sent back, or reopened as stale)."""
    review = ctx.subject
    reopened = (
        TierReview.objects.select_related("tier")
        .filter(assessment_id=review.assessment_id, position__lt=review.position)
        .exclude(status=S.COMPLETED)
        .order_by("position")
        .first()
    )
    if reopened is None:
        return None
    return Refusal(
        "lower_reopened",
        _("%(tier)s is reviewing this sheet again; complete after it.")
        % {"tier": reopened.tier.name},
    )


def lower_to_send_back(ctx: Context[TierReview]) -> Refusal | None:
    if lower_completed_review(ctx.subject) is None:
        return Refusal("nothing_below", _("There is no completed tier below to send it back to."))
    return None


def lower_completed_review(review: TierReview) -> TierReview | None:
    return (
        TierReview.objects.select_related("tier", "step", "assessment")
        .filter(
            assessment_id=review.assessment_id,
            position__lt=review.position,
            status=S.COMPLETED,
        )
        .order_by("-position")
        .first()
    )


# --- effects -----------------------------------------------------------------------------------


def _opened(ctx: Context[TierReview]) -> None:
    ctx.subject.opened_at = ctx.now


def _reopened(ctx: Context[TierReview]) -> None:
    review = ctx.subject
    review.opened_at = ctx.now
    review.stale = bool(ctx.data.get("stale"))
    review.completed_at = None
    review.completed_by = None
    ctx.details["stale"] = review.stale
    if ctx.data.get("by_tier"):
        ctx.details["by_tier"] = ctx.data["by_tier"]


def _signed(ctx: Context[TierReview]) -> None:
    review = ctx.subject
    TierSignOff.objects.create(
        review=review,
        role=SignOffRole.LEAD,
        signed_by=ctx.actor,
        recommendation=ctx.data.get("recommendation") or "",
        note=str(ctx.data.get("note") or "").strip(),
        at=ctx.now,
    )
    ctx.details["recommendation"] = ctx.data.get("recommendation") or ""


def _completed(ctx: Context[TierReview]) -> None:
    review = ctx.subject
    recommendation = ctx.data.get("recommendation") or ""
    note = str(ctx.data.get("note") or "").strip()
    if review.step.uses_controller:
        signed = lead_signed(review)
        recommendation = recommendation or (signed.recommendation if signed else "")
        note = note or (signed.note if signed else "")
        role = SignOffRole.CONTROLLER
    else:
        role = SignOffRole.LEAD
    TierSignOff.objects.create(
        review=review,
        role=role,
        signed_by=ctx.actor,
        recommendation=recommendation,
        note=note,
        at=ctx.now,
    )
    review.recommendation = recommendation
    review.note = note
    review.completed_at = ctx.now
    review.completed_by = ctx.actor
    review.stale = False
    ctx.details.update(recommendation=recommendation)


def _sent_back(ctx: Context[TierReview]) -> None:
    """The higher tier withdraws: the completed tier below reopens with the reason."""
    from zona.workflow.engine import apply

    lower = lower_completed_review(ctx.subject)
    assert lower is not None  # the guard checked it on the locked row
    apply(
        TIER_REVIEW,
        lower,
        "reopen",
        ctx.actor,
        now=ctx.now,
        tier=ctx.subject.tier,  # the tier the actor acts in
        reason=ctx.reason,
        data={"by_tier": ctx.subject.tier.code},
    )
    ctx.details["to_tier"] = lower.tier.code


ACTOR_GUARDS = (within_window, separated)

TIER_REVIEW: Table[TierReview] = Table(
    kind="tier_review",
    model=TierReview,
    audit_prefix="tier_review",
    assessment_of=lambda review: review.assessment,
    unit_of=lambda review: review.assessment.unit,
    transitions={
        "open": Transition(
            "open",
            frozenset({S.WAITING}),
            S.OPEN,
            guards=(lower_completed,),
            effect=_opened,
            label=gettext_lazy("Open"),
        ),
        "sign_off": Transition(
            "sign_off",
            frozenset({S.OPEN}),
            S.OPEN,
            guards=(
                actor_is_lead,
                lead_not_signed_yet,
                *ACTOR_GUARDS,
                valid_recommendation,
                no_open_must_fix,
                tpi_gates_met,
            ),
            effect=_signed,
            label=gettext_lazy("Sign off"),
        ),
        "complete": Transition(
            "complete",
            frozenset({S.OPEN}),
            S.COMPLETED,
            guards=(
                completer,
                *ACTOR_GUARDS,
                valid_recommendation,
                lower_all_completed,
                no_open_must_fix,
                tpi_gates_met,
            ),
            effect=_completed,
            label=gettext_lazy("Complete the review"),
        ),
        "return": Transition(
            "return", frozenset({S.OPEN}), S.RETURNED, label=gettext_lazy("Return to the unit")
        ),
        "resume": Transition(
            "resume",
            frozenset({S.RETURNED}),
            S.OPEN,
            effect=_opened,
            label=gettext_lazy("Resume after resubmission"),
        ),
        "reopen": Transition(
            "reopen",
            frozenset({S.COMPLETED}),
            S.OPEN,
            effect=_reopened,
            label=gettext_lazy("Reopen"),
        ),
        "send_back": Transition(
            "send_back",
            frozenset({S.OPEN}),
            S.WAITING,
            guards=(actor_is_lead, *ACTOR_GUARDS, reason_given, lower_to_send_back),
            effect=_sent_back,
            label=gettext_lazy("Send back to the tier below"),
        ),
        "close": Transition(
            "close",
            frozenset({S.WAITING, S.OPEN}),
            S.CLOSED,
            label=gettext_lazy("Close"),
        ),
    },
)

# The actions a person takes on the review page and the API (the rest follow the sheet).
PEOPLE_ACTIONS = ("sign_off", "complete", "send_back")
