"""Tier after tier (issue 10 §3): the sheet's tier reviews follow its chain.

The sheet's transitions (the sheet part) call `on_sheet_submitted` and `on_sheet_returned`
in their transaction; answer saves tell `reviews_layer_changed` (through the assessments
port) so a completion that rested on a changed lower layer reopens as stale; the selection
part replaces `selection_allows_next` and calls `open_next` once its round has closed.
Every status change goes through `engine.apply` on the tier-review table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zona.accounts.models import Role, RoleAssignment
from zona.assessments.models import Assessment
from zona.core.errors import Refusal, StateError
from zona.workflow.engine import apply, refusal
from zona.workflow.handoffs import handoff
from zona.workflow.models import ChainStep, TierReview, TierReviewStatus
from zona.workflow.tables.reviews import TIER_REVIEW, team_for

S = TierReviewStatus


# --- hooks of the other parts -----------------------------------------------------------------


def selection_allows_next(review: TierReview) -> bool:
    """Whether the selection round after `review`'s tier (if its step has one) has closed
    and selected the sheet; without a round every completed, forwarded sheet goes on."""
    from zona.workflow.selectors.selection import selection_passed

    return selection_passed(review)


# --- the chain of a sheet ----------------------------------------------------------------------


def steps_covering(assessment: Assessment) -> list[ChainStep]:
    """The period's chain steps whose scopes cover the sheet's unit, in position order (a
    step without scopes covers the whole agency)."""
    unit = assessment.unit
    steps = (
        ChainStep.objects.filter(period_id=assessment.period_id)
        .select_related("tier")
        .prefetch_related("scopes")
        .order_by("position")
    )
    covering = []
    for step in steps:
        roots = list(step.scopes.all())
        if not roots or any(unit.path.startswith(root.path) for root in roots):
            covering.append(step)
    return covering


def _review_url(review: TierReview) -> str:
    return reverse("workflow:review_tier", args=[review.assessment_id, review.tier.code])


def _team_users(review: TierReview) -> list[Any]:
    team = team_for(review)
    if team is None:
        return []
    users = {u.pk: u for u in team.members.all()}
    for extra in (team.lead, team.controller):
        if extra is not None:
            users[extra.pk] = extra
    return list(users.values())


def _unit_users(assessment: Assessment) -> list[Any]:
    rows = RoleAssignment.objects.filter(
        unit_id=assessment.unit_id, role__in=[Role.UNIT_HEAD, Role.UNIT_OPERATOR]
    ).select_related("user")
    return list({row.user.pk: row.user for row in rows}.values())


def _params(review: TierReview, **extra: Any) -> dict[str, Any]:
    assessment = review.assessment
    return {
        "unit": assessment.unit.name,
        "period": assessment.period.title,
        "tier": review.tier.name,
        **extra,
    }


def _handoff(
    kind: str, review: TierReview, recipients: list[Any], actor: Any, **extra: Any
) -> None:
    if not recipients:
        return
    count = review.assessment.workflow_events.count()
    handoff(
        kind=kind,
        recipients=recipients,
        params=_params(review, **extra),
        url=_review_url(review),
        key=f"{kind}:{review.pk}:{count}",
        actor=actor,
    )


def on_sheet_submitted(*, assessment: Any, actor: Any, now: Any, resubmission: bool) -> None:
    """Called by the sheet's `submit` effect, in its transaction, on the locked sheet.

    First submission (no tier reviews yet): one review per chain step covering the unit, in
    position order; the first opens, the rest wait. Resubmission: the review that returned
    the sheet opens again. A sheet whose period has no chain (or whose unit no step covers)
    gets no reviews and is reviewed as before: every reviewer tier answers while submitted.
    """
    existing = list(TierReview.objects.filter(assessment=assessment).select_related("tier", "step"))
    if not existing:
        steps = steps_covering(assessment)
        reviews = [
            TierReview.objects.create(
                assessment=assessment, step=step, tier=step.tier, position=step.position
            )
            for step in steps
        ]
        if reviews:
            first = apply(TIER_REVIEW, reviews[0], "open", None, now=now, tier=reviews[0].tier)
            _handoff("review.opened", first, _team_users(first), actor)
        return
    for review in existing:
        if review.status == S.RETURNED:
            opened = apply(TIER_REVIEW, review, "resume", None, now=now, tier=review.tier)
            _handoff("sheet.resubmitted", opened, _team_users(opened), actor)


def on_sheet_returned(*, assessment: Any, review: Any, actor: Any, now: Any) -> None:
    """Called by the sheet's `return` effect, in its transaction: `review` (the holding
    tier's TierReview, None for a sheet without chain) moves to `returned`."""
    if review is None:
        return
    apply(TIER_REVIEW, review, "return", actor, now=now, tier=review.tier)


def open_next(
    assessment: Any, *, after: TierReview, actor: Any, now: Any = None
) -> TierReview | None:
    """Open the review after `after` when it waits and may open (the previous completed and
    forwarded, its selection round let the sheet through); returns it, else None."""
    later = (
        TierReview.objects.select_related("tier", "step", "assessment__unit")
        .filter(assessment_id=assessment.pk, position__gt=after.position)
        .order_by("position")
    )
    # The first later review not completed yet (a completed one may sit between: its tier
    # completed while this one was reopened).
    following = next((r for r in later if r.status != S.COMPLETED), None)
    if following is None or following.status != S.WAITING:
        return None
    if refusal(TIER_REVIEW, following, "open", actor, now=now) is not None:
        return None
    # The event's tier is the one the actor acted in (separation of duties reads it).
    opened = apply(TIER_REVIEW, following, "open", actor, now=now, tier=after.tier)
    _handoff("review.opened", opened, _team_users(opened), actor)
    return opened


def close_remaining(assessment: Any, *, after: TierReview, actor: Any, reason: str = "") -> int:
    """The sheet stops after `after` (not forwarded, not selected): every later review that
    waits or is open closes. Returns how many closed."""
    later = TierReview.objects.filter(
        assessment_id=assessment.pk,
        position__gt=after.position,
        status__in=[S.WAITING, S.OPEN],
    ).select_related("tier")
    closed = 0
    for review in later:
        apply(TIER_REVIEW, review, "close", actor, tier=after.tier, reason=reason)
        closed += 1
    return closed


# --- what people do ----------------------------------------------------------------------------


def _fresh(review: TierReview) -> TierReview:
    return TierReview.objects.select_related(
        "tier", "step", "assessment", "assessment__unit", "assessment__period"
    ).get(pk=review.pk)


def review_sign_off(
    *,
    actor: Any,
    review: TierReview,
    recommendation: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> TierReview:
    """The team lead signs the review off, where the step has a technical controller who
    completes it after them."""
    with transaction.atomic():
        signed = apply(
            TIER_REVIEW,
            review,
            "sign_off",
            actor,
            now=now,
            tier=review.tier,
            data={"recommendation": recommendation, "note": note},
        )
        controller = getattr(team_for(signed), "controller", None)
        if controller is not None:
            _handoff("review.signed_off", signed, [controller], actor)
    return _fresh(signed)


def review_complete(
    *,
    actor: Any,
    review: TierReview,
    recommendation: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> TierReview:
    """The tier's review is done: recorded with its recommendation and note; forwarded, the
    next tier opens (when its selection round allows); not forwarded, the sheet stops."""
    with transaction.atomic():
        done = apply(
            TIER_REVIEW,
            review,
            "complete",
            actor,
            now=now,
            tier=review.tier,
            data={"recommendation": recommendation, "note": note},
        )
        _handoff(
            "review.completed",
            done,
            _unit_users(done.assessment),
            actor,
            recommendation=done.recommendation,
        )
        from zona.workflow.selectors.selection import closed_round_without

        late = closed_round_without(done) if done.recommendation == "forward" else None
        if late is not None:
            # Completed after the tier's selection round closed: the round's result is final,
            # so the sheet is not selected, and says why (it would otherwise wait forever).
            closed_on = timezone.localtime(late.closed_at) if late.closed_at else None
            close_remaining(
                done.assessment,
                after=done,
                actor=actor,
                reason=_(
                    "Not selected: %(tier)s completed the sheet after its selection round "
                    "closed on %(date)s."
                )
                % {
                    "tier": done.tier.name,
                    "date": date_format(closed_on, "j F Y") if closed_on else "-",
                },
            )
        elif done.recommendation == "forward":
            open_next(done.assessment, after=done, actor=actor, now=now)
        else:
            close_remaining(
                done.assessment,
                after=done,
                actor=actor,
                reason=_("Not forwarded by %(tier)s.") % {"tier": done.tier.name},
            )
    return _fresh(done)


def review_send_back(
    *, actor: Any, review: TierReview, reason: str, now: dt.datetime | None = None
) -> TierReview:
    """The tier holding the sheet sends it back to the completed tier below, with a reason:
    that tier's review reopens, this one waits for it again."""
    with transaction.atomic():
        waiting = apply(
            TIER_REVIEW, review, "send_back", actor, now=now, tier=review.tier, reason=reason
        )
        lower = (
            TierReview.objects.select_related("tier", "step", "assessment__unit")
            .filter(assessment_id=review.assessment_id, position__lt=review.position, status=S.OPEN)
            .order_by("-position")
            .first()
        )
        if lower is not None:
            _handoff("review.sent_back", lower, _team_users(lower), actor, reason=reason.strip())
    return _fresh(waiting)


def reviews_layer_changed(assessment: Any, tier: Any, *, actor: Any = None) -> int:
    """A layer of the sheet changed (`tier` None: the unit's): every completed review of a
    higher tier rested on it and reopens, flagged stale. Returns how many reopened."""
    reviews = list(
        TierReview.objects.filter(assessment_id=assessment.pk).select_related(
            "tier", "step", "assessment__unit"
        )
    )
    if not reviews:
        return 0
    below = -1
    if tier is not None:
        own = next((r for r in reviews if r.tier_id == tier.pk), None)
        if own is None:
            return 0
        below = own.position
    reopened = 0
    for review in reviews:
        if review.position > below and review.status == S.COMPLETED:
            apply(
                TIER_REVIEW,
                review,
                "reopen",
                actor,
                tier=tier,
                reason=_("A lower layer changed after this review was completed."),
                data={"stale": True},
            )
            _handoff("review.stale", review, _team_users(review), actor)
            reopened += 1
    return reopened


# --- the layer lock ------------------------------------------------------------------------------


def reviews_layer_lock(assessment: Any, tier: Any, today: Any) -> Refusal | None:
    """Why the layer of `tier` on this sheet cannot change now, or None.

    With a chain, a tier answers only while its own review is open and today is within its
    step's window. A sheet without tier reviews (no chain) and the national tier follow the
    sheet's own state, as before.
    """
    if tier is None or getattr(tier, "agency_id", None) is None:
        return None
    reviews = list(
        TierReview.objects.filter(assessment_id=assessment.pk).select_related("tier", "step")
    )
    if not reviews:
        return None
    review = next((r for r in reviews if r.tier_id == tier.pk), None)
    if review is None:
        return Refusal(
            "not_in_chain",
            _("%(tier)s is not in the review chain of this sheet.") % {"tier": tier.name},
        )
    today = today or timezone.localdate()
    if review.status == S.WAITING:
        below = max(
            (r for r in reviews if r.position < review.position),
            default=None,
            key=lambda r: r.position,
        )
        return Refusal(
            "review_waiting",
            _("The review of %(tier)s opens once %(below)s completes its review.")
            % {"tier": tier.name, "below": below.tier.name if below else _("the tier below")},
        )
    if review.status == S.COMPLETED:
        return Refusal(
            "review_completed",
            _("%(tier)s has completed its review of this sheet.") % {"tier": tier.name},
        )
    if review.status == S.RETURNED:
        return Refusal(
            "returned",
            _(
                "The sheet is back with the unit for revision; reviewers answer again once the "
                "unit resubmits it."
            ),
        )
    if review.status == S.CLOSED:
        return Refusal(
            "review_closed",
            _("The sheet did not reach %(tier)s in this period.") % {"tier": tier.name},
        )
    step = review.step
    if today < step.opens_on:
        return Refusal(
            "window_not_open",
            _("The review of %(tier)s opens on %(date)s.")
            % {"tier": tier.name, "date": date_format(step.opens_on, "j F Y")},
        )
    if today > step.closes_on:
        return Refusal(
            "window_closed",
            _(
                "The review window of %(tier)s closed on %(date)s; ask your agency "
                "administrator to extend it."
            )
            % {"tier": tier.name, "date": date_format(step.closes_on, "j F Y")},
        )
    return None


def refuse(refused: Refusal | None) -> None:
    """Raise a refusal as the StateError services raise (for callers that check first)."""
    if refused is not None:
        raise StateError(refused.message, problems=refused.problems())
