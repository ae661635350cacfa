"""Lists of sheets: answered counts and totals per sheet, the home page's task list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from zona.accounts.access import lke_areas_for, review_tiers_for
from zona.accounts.models import ReviewTier, User
from zona.assessments.models import Assessment, AssessmentStatus, EvidenceLink
from zona.assessments.ports import chain_windows
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    StoredView,
    empty_view,
    stored_scores,
)
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.selectors.submission import deadline_for, submission_window
from zona.assessments.sheet import sheet_spec


@dataclass(frozen=True)
class SheetProgress:
    """One sheet in a list: how far the unit got and what its own answers score (stored)."""

    assessment: Assessment
    # The unit's view as stored (`selectors.scores.stored_scores`).
    unit_view: StoredView
    with_evidence: int
    items: int
    # The effective view's total (after koefisien); None while the sheet has no stored rows.
    effective_total: Decimal | None = None
    # Whether the user reviews the unit (the list then opens the review page).
    review: bool = False

    @property
    def answered(self) -> int:
        return self.unit_view.answered

    @property
    def total(self) -> Decimal:
        return self.unit_view.total

    @property
    def passed(self) -> bool | None:
        return self.unit_view.passed

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.items) if self.items else 0


def assessments_with_progress(assessments: Iterable[Assessment]) -> list[SheetProgress]:
    """Rows for assessment lists from the stored scores: two queries, no sheet rescored."""
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    stored = stored_scores(ids, keys=[UNIT_KEY, EFFECTIVE_KEY])
    evidence: dict[int, set[str]] = defaultdict(set)
    for assessment_id, item_code in EvidenceLink.objects.filter(
        assessment_id__in=ids, unlinked_at__isnull=True
    ).values_list("assessment_id", "item_code"):
        evidence[assessment_id].add(item_code)
    result = []
    for assessment in assessments:
        spec = sheet_spec(assessment.period.framework)
        views = stored.get(assessment.pk, {})
        unit = views.get(UNIT_KEY) or empty_view(assessment)
        effective = views.get(EFFECTIVE_KEY)
        result.append(
            SheetProgress(
                assessment=assessment,
                unit_view=unit,
                with_evidence=len(evidence.get(assessment.pk, set()) & set(spec.items)),
                items=len(spec.items),
                effective_total=effective.final_total if effective else None,
            )
        )
    return result


# --- the home page's task list ---------------------------------------------------------------

# Deadlines this close (in days) are highlighted on the home page.
URGENT_DAYS = 7


@dataclass(frozen=True)
class Task:
    assessment: Assessment
    review: bool  # True: the user reviews it; False: the user fills it in
    deadline: dt.date
    days_left: int
    answered: int
    items: int
    percent: int
    # The LKE areas the progress counts, for a working-group member (empty: the whole sheet).
    areas: tuple[str, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def urgent(self) -> bool:
        return self.days_left <= URGENT_DAYS


def task_deadline(
    assessment: Assessment,
    tiers: Iterable[ReviewTier],
    *,
    review: bool,
    open_steps: Mapping[int, dt.date] | None = None,
) -> dt.date:
    """The date that binds this user on this sheet.

    The unit works to its fill (or, after a return, revision) deadline. Under a review
    chain a reviewer works to the closing date of the step whose review of the sheet is
    open in one of their tiers (`open_steps`: tier id -> that date, from the
    `ChainWindows` port); the queue shows the same date. Without a chain the agency's
    reviewers work to the review deadline of the unit's tree level. A national tier
    evaluates after the agency's review and is bound only by the period's closing date.
    """
    period = assessment.period
    if not review:
        return submission_window(assessment).closes_on
    tiers = list(tiers)
    tier_ids = {t.pk for t in tiers}
    mine = [day for tier_id, day in (open_steps or {}).items() if tier_id in tier_ids]
    if mine:
        return min(mine)
    if tiers and all(t.agency_id is None for t in tiers):
        return period.closes_on
    deadline = deadline_for(period, assessment.unit.depth)
    return (deadline.review_deadline if deadline else None) or period.closes_on


def assessment_tasks(
    user: User, assessments: QuerySet[Assessment], *, limit: int = 20, today: dt.date | None = None
) -> tuple[list[Task], int]:
    """The first `limit` tasks by deadline and the number of all of them.

    `assessments` comes from `access.assessment_tasks_for`. Six queries whatever their
    number: the sheets, their periods' deadlines, the chain's open steps, then stored
    scores and evidence links of the ones shown (the user's role assignments are read once
    per request).
    """
    today = today or timezone.localdate()
    open_steps = chain_windows().open_steps(assessments)
    dated = []
    for assessment in assessments.prefetch_related("period__deadlines"):
        tiers = review_tiers_for(user, assessment.unit)
        review = assessment.status == AssessmentStatus.SUBMITTED
        deadline = task_deadline(
            assessment, tiers, review=review, open_steps=open_steps.get(assessment.pk)
        )
        dated.append((deadline, review, assessment))
    dated.sort(key=lambda t: (t[0], t[2].unit.path, t[2].pk))
    shown = dated[:limit]
    progress = {row.assessment.pk: row for row in assessments_with_progress(a for _, _, a in shown)}
    tasks = []
    for deadline, review, assessment in shown:
        row = progress[assessment.pk]
        answered, items = row.answered, row.items
        areas = None if review else lke_areas_for(user, assessment.unit)
        if areas is not None:
            # A working-group member's task is her areas, not the whole sheet.
            spec = sheet_spec(assessment.period.framework)
            items = sum(1 for item in spec.items.values() if item.area in areas)
            answered = row.unit_view.area_answered(areas)
        tasks.append(
            Task(
                assessment=assessment,
                review=review,
                deadline=deadline,
                days_left=(deadline - today).days,
                answered=answered,
                items=items,
                percent=round(100 * answered / items) if items else 0,
                areas=tuple(sorted(areas)) if areas is not None else (),
            )
        )
    return tasks, len(dated)
