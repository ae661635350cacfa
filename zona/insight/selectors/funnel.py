"""The funnel from candidate to predicate, per year, for an agency subtree or the nation.

candidates (designated for the year) -> sheets submitted -> passed each agency tier (a
completed review that forwards the sheet; a selection round after a tier shows in the next
tier's count) -> proposed to the TPN (nominations) -> each TPN stage reached -> awarded.

Everything comes from a handful of aggregate queries (GROUP BY year and stage), whatever the
number of units, sheets or nominations: one per source table, plus one for the units that
hold a predicate today ("241 of 634 satker hold WBK/WBBM"). A nomination stores only the
stage it stands at, so "reached a stage" means standing at it or at a later one; the order
of the TPN's stages is `TPN_STAGES` below (the nomination table's lifecycle).

`funnel(scope, years)` is the one entry point (the national view builds on it): keep its
signature stable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zona.accounts.models import Unit, UnitKind
from zona.assessments.models import Assessment
from zona.frameworks.scoring import round_half_up
from zona.national.models import (
    Candidacy,
    CandidacyStatus,
    Nomination,
    NominationStatus,
    Predicate,
    PredicateStatus,
)
from zona.workflow.models import Recommendation, TierReview, TierReviewStatus

S = NominationStatus

# Each TPN stage of the funnel and the nomination statuses that have reached it (standing
# at it or beyond). A failed administrative selection that is appealed and then passes
# moves on to the desk evaluation, so it counts from there.
TPN_STAGES: tuple[tuple[str, Promise, frozenset[str]], ...] = (
    (
        "tpn:admin_passed",
        _("Passed the administrative selection"),
        frozenset(
            {
                S.FOLLOW_UP,
                S.DESK,
                S.FIELD,
                S.CLEARANCE,
                S.DETERMINATION,
                S.AWARDED,
                S.NOT_AWARDED,
            }
        ),
    ),
    (
        "tpn:desk",
        _("Desk evaluation"),
        frozenset({S.DESK, S.FIELD, S.CLEARANCE, S.DETERMINATION, S.AWARDED, S.NOT_AWARDED}),
    ),
    (
        "tpn:field",
        _("Field evaluation"),
        frozenset({S.FIELD, S.CLEARANCE, S.DETERMINATION, S.AWARDED, S.NOT_AWARDED}),
    ),
    (
        "tpn:clearance",
        _("Clearance (KPK and Ombudsman)"),
        frozenset({S.CLEARANCE, S.DETERMINATION, S.AWARDED, S.NOT_AWARDED}),
    ),
    (
        "tpn:determination",
        _("Determination"),
        frozenset({S.DETERMINATION, S.AWARDED, S.NOT_AWARDED}),
    ),
)
AWARDED_STATUSES = frozenset({S.AWARDED})


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return round_half_up(Decimal(100) * part / whole, 2)


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    # Year -> units (or sheets, nominations) that reached the stage.
    counts: dict[int, int]
    # "agency" (the agency's own chain) or "tpn" (the national stage).
    phase: str = "agency"

    def count(self, year: int) -> int:
        return self.counts.get(year, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Funnel:
    scope: Unit | None
    years: tuple[int, ...]
    stages: tuple[FunnelStage, ...]
    # Satker in scope (active) and those holding a WBK or WBBM today.
    units_total: int
    units_holding: int
    # Holding units per predicate kind (a unit with both counts under each).
    holding_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def holding_percent(self) -> Decimal | None:
        return _percent(self.units_holding, self.units_total)

    def stage(self, key: str) -> FunnelStage:
        return next(s for s in self.stages if s.key == key)

    def rate(self, index: int, year: int | None = None) -> Decimal | None:
        """Stage `index` as a percentage of the stage before it (in `year`, or all years)."""
        if index == 0:
            return None
        here, before = self.stages[index], self.stages[index - 1]
        if year is None:
            return _percent(here.total, before.total)
        return _percent(here.count(year), before.count(year))

    def pass_rate(self, year: int) -> Decimal | None:
        """Awarded as a percentage of those proposed to the TPN in `year`."""
        return _percent(self.stage("awarded").count(year), self.stage("proposed").count(year))

    @property
    def pass_rate_years(self) -> tuple[int, ...]:
        """The years with nominations (the others have no TPN pass rate)."""
        proposed = self.stage("proposed")
        return tuple(y for y in self.years if proposed.count(y))

    @property
    def average_pass_rate(self) -> Decimal | None:
        """The mean of the yearly pass rates over the years with nominations."""
        rates = [self.pass_rate(y) for y in self.pass_rate_years]
        values = [r for r in rates if r is not None]
        if not values:
            return None
        return round_half_up(sum(values, Decimal(0)) / len(values), 2)

    @property
    def pooled_pass_rate(self) -> Decimal | None:
        """Awarded over proposed, all the years together."""
        return _percent(self.stage("awarded").total, self.stage("proposed").total)


def _scoped(qs: Any, scope: Unit | None, unit_field: str) -> Any:
    if scope is None:
        return qs
    prefix = f"{unit_field}__" if unit_field else ""
    return qs.filter(**{f"{prefix}path__startswith": scope.path})


def funnel(scope: Unit | None, years: Iterable[int]) -> Funnel:
    """The funnel of `scope`'s subtree (None: the whole nation) for `years`, in six queries."""
    year_list: Sequence[int] = sorted({int(y) for y in years})
    stages: list[FunnelStage] = []

    candidates: dict[int, int] = {}
    for row in (
        _scoped(Candidacy.objects, scope, "unit")
        .filter(year__in=year_list, status=CandidacyStatus.DESIGNATED)
        .values("year")
        .annotate(n=Count("unit", distinct=True))
        .order_by()
    ):
        candidates[row["year"]] = row["n"]
    stages.append(FunnelStage("candidates", str(_("Candidates designated")), candidates))

    submitted: dict[int, int] = {}
    for row in (
        _scoped(Assessment.objects, scope, "unit")
        .filter(period__year__in=year_list, submitted_at__isnull=False)
        .values("period__year")
        .annotate(n=Count("unit", distinct=True))
        .order_by()
    ):
        submitted[row["period__year"]] = row["n"]
    stages.append(FunnelStage("submitted", str(_("Sheets submitted")), submitted))

    # Per position in the agency's chain: the sheets a tier completed and forwarded. The
    # national tier (no agency) is the TPN's desk evaluation, counted from the nominations.
    per_position: dict[int, dict[int, int]] = defaultdict(dict)
    names: dict[int, set[str]] = defaultdict(set)
    for row in (
        _scoped(TierReview.objects, scope, "assessment__unit")
        .filter(
            assessment__period__year__in=year_list,
            tier__agency__isnull=False,
            status=TierReviewStatus.COMPLETED,
            recommendation=Recommendation.FORWARD,
        )
        .values("assessment__period__year", "position", "tier__name")
        .annotate(n=Count("assessment", distinct=True))
        .order_by()
    ):
        year, position = row["assessment__period__year"], row["position"]
        per_position[position][year] = per_position[position].get(year, 0) + row["n"]
        names[position].add(row["tier__name"])
    for position in sorted(per_position):
        label = " / ".join(sorted(names[position]))
        stages.append(
            FunnelStage(
                f"tier:{position}",
                str(_("Passed %(tier)s") % {"tier": label}),
                per_position[position],
            )
        )

    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        _scoped(Nomination.objects, scope, "unit")
        .filter(year__in=year_list)
        .values("year", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_status[row["year"]][row["status"]] = row["n"]

    def reached(statuses: frozenset[str] | None) -> dict[int, int]:
        return {
            year: sum(n for s, n in counts.items() if statuses is None or s in statuses)
            for year, counts in by_status.items()
        }

    stages.append(FunnelStage("proposed", str(_("Proposed to the TPN")), reached(None), "tpn"))
    for key, stage_label, statuses in TPN_STAGES:
        stages.append(FunnelStage(key, str(stage_label), reached(statuses), "tpn"))
    stages.append(
        FunnelStage(
            "awarded", str(pgettext_lazy("funnel", "Awarded")), reached(AWARDED_STATUSES), "tpn"
        )
    )

    units = _scoped(Unit.objects, scope, "").filter(kind=UnitKind.SATKER, is_active=True)
    held = Q(predicates__status=PredicateStatus.HELD)
    counted = units.aggregate(
        total=Count("pk", distinct=True), holding=Count("pk", filter=held, distinct=True)
    )
    holding_by_kind = {
        row["kind"]: row["n"]
        for row in _scoped(Predicate.objects, scope, "unit")
        .filter(status=PredicateStatus.HELD, unit__kind=UnitKind.SATKER, unit__is_active=True)
        .values("kind")
        .annotate(n=Count("unit", distinct=True))
        .order_by()
    }
    return Funnel(
        scope=scope,
        years=tuple(year_list),
        stages=tuple(stages),
        units_total=counted["total"] or 0,
        units_holding=counted["holding"] or 0,
        holding_by_kind=holding_by_kind,
    )
