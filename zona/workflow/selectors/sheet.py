"""Reads about the sheet's lifecycle: who acts next on it, and its history.

The history comes from `WorkflowEvent` (written by `engine.apply`, and carried over from
the audit log by migration 0002), never from audit JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.assessments.models import Assessment, AssessmentStatus
from zona.audit.labels import action_label
from zona.workflow.models import TierReview, WorkflowEvent

SHEET_KIND = "assessment"
TIER_REVIEW_KIND = "tier_review"

REVIEW_ROLES = (Role.REVIEWER, Role.NATIONAL_EVALUATOR)
UNIT_ROLES = (Role.UNIT_OPERATOR, Role.UNIT_HEAD)


def _covering(unit: Unit) -> Q:
    """Assignments whose scope includes `unit`: on it, or on an ancestor with its subtree."""
    paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return Q(unit=unit) | Q(unit__path__in=paths, covers_subtree=True)


def unit_people(unit: Unit) -> list[User]:
    """The unit's operators and head: who is told when its sheet comes back."""
    ids = (
        RoleAssignment.objects.filter(_covering(unit), role__in=UNIT_ROLES)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def unit_reviewers(unit: Unit, tier: ReviewTier | None = None) -> list[User]:
    """The unit's reviewers in `tier`; without a tier, in the first (lowest-ranked) of the
    agency's tiers that review the unit (who answers a sheet with no chain first)."""
    rows = list(
        RoleAssignment.objects.filter(
            Q(unit__isnull=True) | _covering(unit),
            role__in=REVIEW_ROLES,
            review_tier__isnull=False,
        )
        .filter(Q(review_tier__agency__isnull=True) | Q(review_tier__agency__path=unit.agency_path))
        .select_related("review_tier")
    )
    tiers = [r.review_tier for r in rows if r.review_tier is not None]
    if tier is None:
        ranked = [t for t in tiers if t.agency_id is not None] or tiers
        if not ranked:
            return []
        tier = min(ranked, key=lambda t: t.rank)
    ids = {r.user_id for r in rows if r.review_tier_id == tier.pk}
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# --- history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetEvent:
    """One step of the sheet's workflow: a submission, a return, or a tier's action."""

    kind: str
    action: str
    from_state: str
    to_state: str
    at: dt.datetime
    who: str
    tier: str
    tier_code: str
    reason: str
    # The items returned or revised (empty: the whole sheet, or a first submission).
    items: tuple[str, ...]

    @property
    def returned(self) -> bool:
        return self.kind == SHEET_KIND and self.action == "return"

    @property
    def resubmitted(self) -> bool:
        return (
            self.kind == SHEET_KIND
            and self.action == "submit"
            and self.from_state == AssessmentStatus.RETURNED
        )

    @property
    def name(self) -> str:
        """ "submitted", "resubmitted", "returned", or `<kind>.<action>` of another lifecycle."""
        if self.kind == SHEET_KIND and self.action in ("submit", "return"):
            if self.returned:
                return "returned"
            return "resubmitted" if self.resubmitted else "submitted"
        return f"{self.kind}.{self.action}"

    @property
    def label(self) -> str:
        return action_label(f"{self.kind}.{self.action}")


def sheet_history(assessment: Assessment, *, sheet_only: bool = True) -> list[SheetEvent]:
    """The sheet's submissions and returns, oldest first (one query); with
    `sheet_only=False` every workflow event about the sheet (its tiers' reviews too; one
    more query). A tier review's event names that review's tier (the event itself records
    the tier the actor acted in: Kanwil's completion opens Eselon I). Events of one
    transaction share their time: the sheet's own comes first (the submission, then the
    review it opened)."""
    rows = WorkflowEvent.objects.filter(assessment=assessment)
    review_tiers: dict[int, ReviewTier] = {}
    if sheet_only:
        rows = rows.filter(subject_kind=SHEET_KIND, subject_id=assessment.pk)
    else:
        review_tiers = {
            review.pk: review.tier
            for review in TierReview.objects.filter(assessment=assessment).select_related("tier")
        }
    ordered = sorted(
        rows.select_related("actor", "tier"),
        key=lambda ev: (ev.at, ev.subject_kind != SHEET_KIND, ev.pk),
    )
    events = []
    for ev in ordered:
        tier = ev.tier
        if ev.subject_kind == TIER_REVIEW_KIND:
            tier = review_tiers.get(ev.subject_id, tier)
        items = tuple(ev.items or ())
        if ev.subject_kind == SHEET_KIND and ev.action == "submit":
            # A submission names the items it revised (those the return had reopened).
            revised = ev.details.get("returned_items") if ev.from_state == "returned" else None
            items = tuple(revised or ())
        events.append(
            SheetEvent(
                kind=ev.subject_kind,
                action=ev.action,
                from_state=ev.from_state,
                to_state=ev.to_state,
                at=ev.at,
                who=ev.actor.display_name
                if ev.actor is not None
                else ev.details.get("actor_repr") or "—",
                tier=tier.name if tier is not None else ev.details.get("tier_name", ""),
                tier_code=tier.code if tier is not None else "",
                reason=ev.reason,
                items=items,
            )
        )
    return events
