"""A unit's attempts across years (issue 11 §5): per year the target, each tier's verdict
and score (the stored scores of its sheet), the selection outcome, the TPN's stages (the
nomination and its workflow events), the predicate, its monitoring and its revocation.

Every table is read in a fixed number of queries for any number of units (`histories`),
so the agency's list costs the same for 5 units or 500.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator

from zona.accounts.models import ReviewTier, Unit
from zona.assessments.models import Assessment
from zona.assessments.selectors.scores import EFFECTIVE_KEY, stored_scores
from zona.national.models import (
    Candidacy,
    MonitoringRound,
    Nomination,
    NominationStatus,
    Predicate,
)
from zona.workflow.models import SelectionRound, WorkflowEvent

PER_PAGE = 25


@dataclass(frozen=True)
class TierResult:
    tier: str
    rank: int
    total: Decimal | None
    passed: bool | None


@dataclass(frozen=True)
class SelectionOutcome:
    tier: str
    selected: bool
    why: str
    closed: bool


def _action_label(action: str) -> str:
    from zona.national.tables.nomination import NOMINATION

    transition = NOMINATION.transitions.get(action)
    return str(transition.label) if transition is not None and transition.label else action


@dataclass(frozen=True)
class StageEvent:
    action: str
    # What was decided (the transition's label), then the stage it led to.
    action_display: str
    to_state: str
    to_display: str
    at: dt.datetime
    reason: str


@dataclass
class PredicateHistory:
    predicate: Predicate
    rounds: list[MonitoringRound] = field(default_factory=list)

    @property
    def revocation(self) -> Any:
        return getattr(self.predicate, "revocation", None)


@dataclass
class Attempt:
    year: int
    target: str = ""
    assessment: Assessment | None = None
    tiers: list[TierResult] = field(default_factory=list)
    effective_total: Decimal | None = None
    effective_passed: bool | None = None
    selection: list[SelectionOutcome] = field(default_factory=list)
    candidate: bool = False
    nomination: Nomination | None = None
    stages: list[StageEvent] = field(default_factory=list)
    predicates: list[PredicateHistory] = field(default_factory=list)


def histories(unit_ids: Iterable[int]) -> dict[int, list[Attempt]]:
    """Unit id -> its attempts, newest year first. Nine queries whatever the number of units."""
    ids = list(unit_ids)
    attempts: dict[int, dict[int, Attempt]] = defaultdict(dict)

    def attempt(unit_id: int, year: int) -> Attempt:
        found = attempts[unit_id].get(year)
        if found is None:
            found = attempts[unit_id][year] = Attempt(year=year)
        return found

    # 1. The sheets (the latest sheet of each year).
    sheets = list(
        Assessment.objects.filter(unit_id__in=ids).select_related("period").order_by("pk")
    )
    for sheet in sheets:
        a = attempt(sheet.unit_id, sheet.period.year)
        a.assessment = sheet
        a.target = a.target or sheet.target.upper()
    chosen = [a.assessment for per in attempts.values() for a in per.values() if a.assessment]
    # 2. Their stored scores; 3. the tiers those name.
    views = stored_scores([s.pk for s in chosen])
    tier_ids = {v.tier_id for per in views.values() for v in per.values() if v.tier_id}
    tiers = {t.pk: t for t in ReviewTier.objects.filter(pk__in=tier_ids)}
    # 4. The selection rounds of their periods (confirmed or closed: a result).
    rounds = list(
        SelectionRound.objects.filter(
            period_id__in={s.period_id for s in chosen}, status__in=["confirmed", "closed"]
        ).select_related("step__tier")
    )
    by_sheet: dict[int, list[SelectionOutcome]] = defaultdict(list)
    for rnd in rounds:
        for row in (rnd.result or {}).get("rows", []):
            by_sheet[int(row.get("assessment", 0))].append(
                SelectionOutcome(
                    tier=rnd.step.tier.name,
                    selected=bool(row.get("selected")),
                    why=str(row.get("why", "")),
                    closed=rnd.status == "closed",
                )
            )
    for per in attempts.values():
        for a in per.values():
            if a.assessment is None:
                continue
            sheet_views = views.get(a.assessment.pk, {})
            for key, view in sheet_views.items():
                if key.startswith("tier:") and view.tier_id in tiers:
                    tier = tiers[view.tier_id]
                    a.tiers.append(TierResult(tier.name, tier.rank, view.total, view.passed))
            a.tiers.sort(key=lambda t: t.rank)
            eff = sheet_views.get(EFFECTIVE_KEY)
            if eff is not None:
                a.effective_total = (
                    eff.total_after_deductions
                    if eff.total_after_deductions is not None
                    else eff.total
                )
                a.effective_passed = eff.passed
            a.selection = by_sheet.get(a.assessment.pk, [])
    # 5. Candidacies.
    for unit_id, year, target in Candidacy.objects.filter(
        unit_id__in=ids, status="designated"
    ).values_list("unit_id", "year", "target"):
        a = attempt(unit_id, year)
        a.candidate = True
        a.target = target
    # 6. Nominations; 7. their stage events.
    nominations = list(Nomination.objects.filter(unit_id__in=ids).order_by("pk"))
    for nom in nominations:
        a = attempt(nom.unit_id, nom.year)
        a.nomination = nom
        a.target = nom.target
    labels = dict(NominationStatus.choices)
    events: dict[int, list[StageEvent]] = defaultdict(list)
    for ev in WorkflowEvent.objects.filter(
        subject_kind="nomination", subject_id__in=[n.pk for n in nominations]
    ).order_by("at", "pk"):
        events[ev.subject_id].append(
            StageEvent(
                action=ev.action,
                action_display=_action_label(ev.action),
                to_state=ev.to_state,
                to_display=str(labels.get(ev.to_state, ev.to_state)),
                at=ev.at,
                reason=ev.reason,
            )
        )
    for nom in nominations:
        attempt(nom.unit_id, nom.year).stages = events.get(nom.pk, [])
    # 8. Predicates (with their revocation); 9. their monitoring rounds.
    predicates = list(
        Predicate.objects.filter(unit_id__in=ids).select_related("revocation").order_by("kind")
    )
    by_predicate: dict[int, PredicateHistory] = {}
    for p in predicates:
        entry = PredicateHistory(p)
        by_predicate[p.pk] = entry
        attempt(p.unit_id, p.year).predicates.append(entry)
        a = attempts[p.unit_id][p.year]
        a.target = a.target or p.kind
    for mon in MonitoringRound.objects.filter(predicate_id__in=list(by_predicate)).order_by(
        "due_on"
    ):
        by_predicate[mon.predicate_id].rounds.append(mon)
    return {
        unit_id: sorted(attempts.get(unit_id, {}).values(), key=lambda a: a.year, reverse=True)
        for unit_id in ids
    }


def unit_history(unit: Unit) -> list[Attempt]:
    return histories([unit.pk])[unit.pk]


@dataclass(frozen=True)
class AgencyRow:
    unit: Unit
    attempts: Sequence[Attempt]

    @property
    def latest(self) -> Attempt | None:
        return self.attempts[0] if self.attempts else None


def _units_with_attempts(agency: Unit, year: int | None) -> set[int]:
    inside = {"unit__path__startswith": agency.path}
    found: set[int] = set()
    for model, year_field in (
        (Assessment, "period__year"),
        (Candidacy, "year"),
        (Nomination, "year"),
        (Predicate, "year"),
    ):
        rows = model.objects.filter(**inside)
        if year is not None:
            rows = rows.filter(**{year_field: year})
        found.update(rows.values_list("unit_id", flat=True).distinct())
    return found


def agency_history(
    agency: Unit, *, year: int | None = None, page: int | str = 1
) -> tuple[Page, list[AgencyRow]]:
    """The agency's units that made an attempt (in `year`, when given), a page of them with
    their attempts (only `year`'s when given), newest first."""
    ids = _units_with_attempts(agency, year)
    units = Unit.objects.filter(pk__in=ids).order_by("path")
    paginator = Paginator(units, PER_PAGE)
    current = paginator.get_page(page)
    page_units = list(current.object_list)
    found = histories([u.pk for u in page_units])
    rows = []
    for unit in page_units:
        attempts = found.get(unit.pk, [])
        if year is not None:
            attempts = [a for a in attempts if a.year == year]
        rows.append(AgencyRow(unit, attempts))
    return current, rows


def history_years(agency: Unit) -> list[int]:
    years: set[int] = set()
    inside = {"unit__path__startswith": agency.path}
    years.update(Predicate.objects.filter(**inside).values_list("year", flat=True).distinct())
    years.update(
        Assessment.objects.filter(**inside).values_list("period__year", flat=True).distinct()
    )
    years.update(Nomination.objects.filter(**inside).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)
