"""Reads of the koefisien part, its access functions, and the one rule that reduces a total.

Who does what (docs: /tmp/s3/docs-koefisien.md):
- The agency administrator (UNIT_MANAGE on the agency root) defines the agency's kinds.
- A reviewer of the sheet's unit, in any of their tiers that reviews it (not only the tier
  holding the sheet: a KKN case or a viral story is a fact about the unit that whichever
  tier learns of it records, even while the sheet is at another tier), records events while
  the period is open and separation of duties holds (nobody records on their own unit, nobody
  acts for two tiers on one sheet). An event belongs to its tier: only that tier's reviewers
  withdraw it.
- Everyone who sees the sheet (the unit's people, viewers) sees the events, their evidence
  and the score before and after, never the internal note.

`deduction_breakdown` is the rule, pure: every factor first, then every subtraction, never
below 0 (the same order as `zona.frameworks.scoring.apply_penalties`, which the stored
scores use; the result does not depend on the order the events were recorded in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from zona.accounts.access import access_agency_by_id, review_tiers_for
from zona.accounts.models import ReviewTier, Unit
from zona.assessments.access import access_assessment_by_id
from zona.assessments.models import Assessment, PeriodStatus, StoredScore
from zona.assessments.selectors.scores import EFFECTIVE_KEY
from zona.core.api.params import int_or_none
from zona.core.errors import Refusal
from zona.frameworks.scoring import Penalty, apply_penalties
from zona.frameworks.scoring.decimals import CONTEXT
from zona.workflow.models import (
    DeductionMode,
    KoefisienEvent,
    KoefisienEventStatus,
    KoefisienKind,
)

ZERO = Decimal(0)

# --- the rule (pure) ----------------------------------------------------------------------------


def deduction_text(mode: str, value: Decimal) -> str:
    shown = f"{value.normalize():f}"
    return f"\u00d7 {shown}" if mode == DeductionMode.FACTOR else f"\u2212 {shown}"


@dataclass(frozen=True)
class Deduction:
    """One counted deduction: a factor (times the total) or points (off the total)."""

    mode: str  # DeductionMode
    value: Decimal
    label: str = ""
    event_id: int | None = None

    @property
    def is_factor(self) -> bool:
        return self.mode == DeductionMode.FACTOR

    @property
    def display(self) -> str:
        """The deduction as people read it: times 0.9, minus 5 (with the signs)."""
        return deduction_text(self.mode, self.value)

    def penalty(self) -> Penalty:
        if self.is_factor:
            return Penalty(kind="multiply", factor=self.value, label=self.label)
        return Penalty(kind="subtract", points=self.value, label=self.label)


@dataclass(frozen=True)
class Step:
    deduction: Deduction
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class Breakdown:
    """A total before and after the deductions, with each step in the order applied."""

    before: Decimal
    steps: tuple[Step, ...]
    after: Decimal

    @property
    def reduced(self) -> bool:
        return self.after != self.before


def ordered(deductions: Iterable[Deduction]) -> list[Deduction]:
    """Factors first, then points; each group in the order given (recorded order)."""
    items = list(deductions)
    return [d for d in items if d.is_factor] + [d for d in items if not d.is_factor]


def deduction_breakdown(total: Decimal, deductions: Iterable[Deduction]) -> Breakdown:
    """`total` reduced by `deductions`: every factor multiplies it, then every point count is
    subtracted, and it never goes below 0. The steps show the running total; `after` is
    exactly `apply_penalties` (what the stored effective view holds)."""
    steps: list[Step] = []
    running = total
    chosen = ordered(deductions)
    for d in chosen:
        with localcontext(CONTEXT):
            nxt = running * d.value if d.is_factor else running - d.value
        # Flooring each step gives the floor of the whole: subtractions only go down.
        nxt = max(nxt, ZERO)
        steps.append(Step(d, running, nxt))
        running = nxt
    after = apply_penalties(total, [d.penalty() for d in chosen]) if chosen else total
    return Breakdown(before=total, steps=tuple(steps), after=after)


def penalties_of(deductions: Iterable[Deduction]) -> list[Penalty]:
    """What the stored scores are fed (`scores_refresh(..., deductions=...)`)."""
    return [d.penalty() for d in ordered(deductions)]


def deductions_of(events: Iterable[KoefisienEvent]) -> list[Deduction]:
    """The counted events' deductions (withdrawn events do not count)."""
    return [
        Deduction(mode=e.mode, value=e.value, label=e.label, event_id=e.pk)
        for e in events
        if e.status == KoefisienEventStatus.RECORDED
    ]


# --- who may do what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KoefisienRights:
    """What one user may do with the koefisien of one sheet."""

    tiers: tuple[ReviewTier, ...]
    period_open: bool

    @property
    def is_reviewer(self) -> bool:
        return bool(self.tiers)

    def tier(self, code: str | None = None) -> ReviewTier | None:
        """The tier named by `code` among the user's, else their first; None when none."""
        if code:
            return next((t for t in self.tiers if t.code == code), None)
        return self.tiers[0] if self.tiers else None

    def acts_in(self, tier_id: int) -> bool:
        return any(t.pk == tier_id for t in self.tiers)


def koefisien_rights(user: Any, assessment: Assessment) -> KoefisienRights:
    return KoefisienRights(
        tiers=tuple(review_tiers_for(user, assessment.unit)),
        period_open=assessment.period.status != PeriodStatus.CLOSED,
    )


def access_koefisien_sheet(user: Any, assessment_id: object) -> tuple[Assessment, KoefisienRights]:
    """A sheet the user sees, with their koefisien rights; 404 otherwise."""
    assessment = access_assessment_by_id(user, assessment_id)
    return assessment, koefisien_rights(user, assessment)


def access_event_by_id(user: Any, assessment: Assessment, event_id: object) -> KoefisienEvent:
    """An event of an already-authorised sheet; else 404."""
    pk = int_or_none(event_id)
    event = (
        KoefisienEvent.objects.select_related("kind", "tier", "recorded_by", "withdrawn_by")
        .filter(pk=pk, assessment=assessment)
        .first()
        if pk is not None
        else None
    )
    if event is None:
        raise Http404
    event.assessment = assessment
    return event


def access_koefisien_agency(user: Any, unit_id: object) -> Unit:
    """An agency whose kinds the user manages (agency administrator); else 404."""
    pk = int_or_none(unit_id)
    if pk is None:
        raise Http404
    return access_agency_by_id(user, pk)


def access_kind_by_id(user: Any, agency: Unit, kind_id: object) -> KoefisienKind:
    """A kind of an already-authorised agency; else 404."""
    pk = int_or_none(kind_id)
    kind = KoefisienKind.objects.filter(pk=pk, agency=agency).first() if pk is not None else None
    if kind is None:
        raise Http404
    return kind


def record_refusal(user: Any, assessment: Assessment, tier: ReviewTier | None) -> Refusal | None:
    """Why `user` may not record an event on the sheet in `tier` now, or None. The page
    (form shown or not), the service and the API share it."""
    if tier is None or not any(t.pk == tier.pk for t in review_tiers_for(user, assessment.unit)):
        return Refusal("not_tier_reviewer", _("You do not review this unit in that tier."))
    if assessment.period.status == PeriodStatus.CLOSED:
        return Refusal(
            "period_closed", _("The period is closed; the sheet can no longer be changed.")
        )
    from zona.workflow.selectors.chain import separation_refusal

    return separation_refusal(user, assessment, tier)


# --- reads ------------------------------------------------------------------------------------


def agency_of(assessment: Assessment) -> Unit:
    """The agency whose kinds apply to the sheet (its period's)."""
    return assessment.period.agency


def kinds_of(agency: Unit | int, *, active_only: bool = False) -> list[KoefisienKind]:
    rows = KoefisienKind.objects.filter(agency=agency)
    if active_only:
        rows = rows.filter(active=True)
    return list(rows.order_by("position", "name", "pk"))


def events_of(assessment: Assessment) -> list[KoefisienEvent]:
    """The sheet's events, counted and withdrawn, oldest first (one query)."""
    rows = list(
        KoefisienEvent.objects.filter(assessment=assessment)
        .select_related("kind", "tier", "recorded_by", "withdrawn_by")
        .order_by("recorded_at", "pk")
    )
    for e in rows:
        e.assessment = assessment
    return rows


@dataclass(frozen=True)
class KoefisienSummary:
    """The sheet's effective score before and after its koefisien, as stored.

    `before`/`after` are None while the sheet has no stored score yet (nothing answered).
    The verdicts are those on the sheet's target predicate.
    """

    breakdown: Breakdown | None
    before: Decimal | None
    after: Decimal | None
    passed_before: bool | None
    passed_after: bool | None
    events: tuple[KoefisienEvent, ...]

    @property
    def counted(self) -> list[KoefisienEvent]:
        return [e for e in self.events if e.status == KoefisienEventStatus.RECORDED]

    @property
    def verdict_changed(self) -> bool:
        return self.passed_before is not None and self.passed_before != self.passed_after


def koefisien_summary(
    assessment: Assessment, events: Sequence[KoefisienEvent] | None = None
) -> KoefisienSummary:
    """Events and the stored effective score before/after them. Two queries (one when the
    events are given)."""
    if events is None:
        events = events_of(assessment)
    rows = list(StoredScore.objects.filter(assessment=assessment).select_related("tier"))
    effective = next((r for r in rows if r.key == EFFECTIVE_KEY), None)
    # The effective sheet before the koefisien is the highest view below it: the
    # highest-ranked tier with a layer, else the unit's (selectors.scores.score_views).
    tiers = [r for r in rows if r.tier_id is not None and r.tier is not None]
    highest = (
        max(tiers, key=lambda r: r.tier.rank)  # type: ignore[union-attr]
        if tiers
        else next((r for r in rows if r.key == "unit"), None)
    )
    if effective is None:
        return KoefisienSummary(None, None, None, None, None, tuple(events))
    breakdown = deduction_breakdown(effective.total, deductions_of(events))
    after = (
        effective.total_after_deductions
        if effective.total_after_deductions is not None
        else breakdown.after
    )
    return KoefisienSummary(
        breakdown=breakdown,
        before=effective.total,
        after=after,
        passed_before=highest.passed if highest is not None else effective.passed,
        passed_after=effective.passed,
        events=tuple(events),
    )
