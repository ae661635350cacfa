"""Reads about tier reviews (the reviews workstream extends this module)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zona.accounts.access import national_scope
from zona.accounts.models import RoleAssignment
from zona.assessments.models import AnswerChange, Assessment, AssessmentStatus, EvidenceLink
from zona.assessments.sheet import display_value, sheet_spec
from zona.workflow.models import TierReview, TierReviewStatus


def holding_review(assessment: Assessment) -> TierReview | None:
    """The tier review that holds the sheet now: the first of its chain (by position) that
    is open or has returned the sheet to the unit; None when no tier holds it (no chain,
    not yet submitted, or every tier done)."""
    return (
        TierReview.objects.select_related("tier", "step")
        .filter(
            assessment=assessment,
            status__in=[TierReviewStatus.OPEN, TierReviewStatus.RETURNED],
        )
        .order_by("position")
        .first()
    )


# --- the sheet's tier reviews -------------------------------------------------------------------


def reviews_of(assessment: Assessment) -> list[TierReview]:
    """The sheet's tier reviews in chain order (empty: the sheet has no chain)."""
    return list(
        TierReview.objects.select_related("tier", "step", "completed_by")
        .filter(assessment=assessment)
        .order_by("position")
    )


# --- return rounds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundChange:
    item_code: str
    field: str  # "value", "note", "file_added", "file_removed"
    before: str
    after: str
    by: str
    at: dt.datetime | None


@dataclass(frozen=True)
class ReturnRound:
    """One return of the sheet to the unit and what the unit did until it resubmitted."""

    number: int
    returned_at: dt.datetime
    returned_by: str
    tier: str
    items: tuple[str, ...]  # empty: the whole sheet
    reason: str
    resubmitted_at: dt.datetime | None
    changes: tuple[RoundChange, ...] = ()

    @property
    def revised_items(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(change.item_code for change in self.changes))


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(getattr(user, "display_name", "") or user.get_username())


def return_rounds(assessment: Assessment, events: Sequence[Any] | None = None) -> list[ReturnRound]:
    """Every return of the sheet (from its WorkflowEvents), oldest first, each with the
    unit's answer and file changes between the return and the resubmission that followed.

    `events` are the sheet's submissions and returns as `selectors.sheet.sheet_history`
    reads them (read here when not given); then two queries, only when there was a return.
    """
    spec = sheet_spec(assessment.period.framework)
    if events is None:
        from zona.workflow.selectors.sheet import sheet_history

        events = sheet_history(assessment)
    events = [e for e in events if e.kind == "assessment" and e.action in ("submit", "return")]
    returns = [e for e in events if e.action == "return"]
    if not returns:
        return []
    start = returns[0].at
    changes = list(
        AnswerChange.objects.filter(
            assessment=assessment, layer__tier__isnull=True, changed_at__gte=start
        )
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )
    links = list(
        EvidenceLink.objects.filter(assessment=assessment)
        .filter(Q(linked_at__gte=start) | Q(unlinked_at__gte=start))
        .select_related("evidence", "linked_by", "unlinked_by")
    )
    rounds = []
    for number, event in enumerate(returns, start=1):
        resubmit = next((e for e in events if e.action == "submit" and e.at > event.at), None)
        end = resubmit.at if resubmit else None

        def within(at: dt.datetime | None, begin: dt.datetime = event.at, until: Any = end) -> bool:
            return at is not None and at >= begin and (until is None or at <= until)

        found: list[RoundChange] = []
        for change in changes:
            if within(change.changed_at):
                item = spec.items.get(change.item_code)
                is_value = change.field == "value" and item is not None

                def show(value: Any, item: Any = item, is_value: bool = is_value) -> str:
                    # Answers as the unit sees them (PCT counts by label, never raw keys).
                    return display_value(item, value) if is_value else str(value or "")

                found.append(
                    RoundChange(
                        change.item_code,
                        str(change.field),
                        show(change.before),
                        show(change.after),
                        _name(change.changed_by),
                        change.changed_at,
                    )
                )
        for link in links:
            title = link.evidence.title
            if within(link.linked_at):
                found.append(
                    RoundChange(
                        link.item_code,
                        "file_added",
                        "",
                        title,
                        _name(link.linked_by),
                        link.linked_at,
                    )
                )
            if within(link.unlinked_at):
                found.append(
                    RoundChange(
                        link.item_code,
                        "file_removed",
                        title,
                        "",
                        _name(link.unlinked_by),
                        link.unlinked_at,
                    )
                )
        found.sort(key=lambda c: (c.at or event.at, c.item_code))
        rounds.append(
            ReturnRound(
                number=number,
                returned_at=event.at,
                returned_by=event.who,
                tier=event.tier,
                items=tuple(event.items),
                reason=event.reason,
                resubmitted_at=end,
                changes=tuple(found),
            )
        )
    return rounds


def revised_since_return(rounds: list[ReturnRound]) -> frozenset[str]:
    """The items the unit changed in the last return round, once it resubmitted (the
    reviewer's "revised since return" markers)."""
    if not rounds or rounds[-1].resubmitted_at is None:
        return frozenset()
    return frozenset(rounds[-1].revised_items)


# --- access -------------------------------------------------------------------------------------


def access_tier_review(user: Any, assessment_id: object, tier_code: str) -> TierReview:
    """The sheet's review in the tier `tier_code`, when `user` may see the sheet and reviews
    its unit in that tier; else 404 (the same for missing and forbidden)."""
    from django.http import Http404

    from zona.assessments.access import access_assessment_by_id, sheet_rights

    assessment = access_assessment_by_id(user, assessment_id)
    chosen = sheet_rights(user, assessment).review_tier(tier_code)
    if chosen is None:
        raise Http404
    found = (
        TierReview.objects.select_related(
            "tier", "step", "assessment", "assessment__unit", "assessment__period"
        )
        .filter(assessment=assessment, tier=chosen)
        .first()
    )
    if found is None:
        raise Http404
    return found


def reviews_with_sign_offs(assessment: Assessment, pk: int | None = None) -> list[TierReview]:
    """The sheet's reviews in chain order (or the one `pk`), with their sign-offs and people,
    for the API (three queries)."""
    rows = (
        TierReview.objects.filter(assessment=assessment)
        .select_related("tier", "step", "completed_by", "assessment__unit")
        .prefetch_related("sign_offs__signed_by")
        .order_by("position")
    )
    if pk is not None:
        rows = rows.filter(pk=pk)
    return list(rows)


def waiting_for_user(user: Any, sheets: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Among `sheets` (a user's tasks), drop the submitted ones whose chain does not wait
    for one of the user's tiers now: in a chain, a sheet is a reviewer's task only while
    their tier's review of it is open (the queue's rule); a sheet without a chain stays.
    A national tier's member (TPN) gets the sheets whose nomination is at desk evaluation
    (the national scope), not every submitted sheet of the units they cover."""
    mine = RoleAssignment.objects.filter(user_id=user.pk, review_tier__isnull=False)
    tiers = mine.values("review_tier_id")
    chained = Exists(TierReview.objects.filter(assessment_id=OuterRef("pk")))
    mine_open = Exists(
        TierReview.objects.filter(
            assessment_id=OuterRef("pk"), status=TierReviewStatus.OPEN, tier_id__in=tiers
        )
    )
    kinds = {
        agency_id is None for agency_id in mine.values_list("review_tier__agency_id", flat=True)
    }
    waiting = Q(mine_open)
    if False in kinds or not kinds:
        waiting |= ~Q(chained)
    if True in kinds:
        waiting |= Q(pk__in=national_scope().desk_sheet_ids())
    return sheets.exclude(Q(status=AssessmentStatus.SUBMITTED) & ~waiting)
