"""The agency and subtree dashboard's reads (issue 12 §4), from STORED scores only.

One period of the agency at a time (its framework gives the areas and the minimums). The
sheets of the subtree are filtered (region, status, target) and ranked by their effective
total in SQL; the page reads the stored views of its own sheets, and the aggregates
(distribution, calibration gap, threshold alerts) read the stored views of every filtered
sheet in one query. The number of queries is the same at 50 units and at 5,000.

Minimums are the framework's predicate conditions (never constants): a condition on the
first top-level component is a Pengungkit minimum, one inside the second a Hasil minimum,
one whose nodes all lie in one working-group area an area minimum, one on TOTAL the total.
The verdicts stored with each view already say which conditions fail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.accounts.models import ReviewTier, Unit, UnitKind
from zona.assessments.models import Assessment, Period, StoredScore
from zona.assessments.selectors.scores import EFFECTIVE_KEY, tier_key
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.sheet import SheetSpec, sheet_spec, text
from zona.frameworks.schema.documents import TOTAL
from zona.frameworks.scoring import round_half_up
from zona.insight.models import AgencyTarget, TargetKind
from zona.national.models import Nomination, Predicate, PredicateStatus

PAGE_SIZE = 25
# Where the histogram's bins fall: a presentation choice (points of the total), not a rule.
HISTOGRAM_BINS = 10

NO_REGION = ""


# --- filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    period: Period
    region: Unit | None = None
    status: str | None = None
    target: str | None = None
    page: int = 1

    def as_query(self, **override: Any) -> dict[str, str]:
        values: dict[str, Any] = {
            "period": self.period.pk,
            "region": self.region.pk if self.region else None,
            "status": self.status,
            "target": self.target,
        }
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def agency_periods(agency: Unit) -> list[Period]:
    return list(
        Period.objects.filter(agency=agency).select_related("framework").order_by("-year", "-pk")
    )


def filtered(scope: Unit, filters: Filters) -> QuerySet[Assessment]:
    """The filtered sheets of the subtree."""
    qs = Assessment.objects.filter(period=filters.period, unit__path__startswith=scope.path)
    if filters.region is not None:
        qs = qs.filter(unit__path__startswith=filters.region.path)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.target:
        qs = qs.filter(target=filters.target)
    return qs


def sheets_in(scope: Unit, filters: Filters) -> QuerySet[Assessment]:
    """The filtered sheets with their effective total as `final`, ranked by it."""
    qs = filtered(scope, filters)
    effective = StoredScore.objects.filter(assessment=OuterRef("pk"), key=EFFECTIVE_KEY)
    return qs.annotate(
        final=Coalesce(
            Subquery(effective.values("total_after_deductions")[:1]),
            Subquery(effective.values("total")[:1]),
        )
    ).order_by(F("final").desc(nulls_last=True), "unit__name", "pk")


def regional_offices(scope: Unit) -> list[Unit]:
    """The regional offices (Kanwil) in the subtree: the dashboard's regions."""
    return list(
        Unit.objects.filter(path__startswith=scope.path, kind=UnitKind.REGIONAL_OFFICE).order_by(
            "name"
        )
    )


def region_of(path: str, offices: Sequence[Unit]) -> Unit | None:
    return next((o for o in offices if path.startswith(o.path)), None)


# --- the framework's layout: areas and minimums --------------------------------------------


@dataclass(frozen=True)
class AreaInfo:
    key: str
    title: str


@dataclass(frozen=True)
class Minimum:
    """A predicate condition the alerts watch."""

    predicate: str
    name: str
    title: str
    # "pengungkit", "hasil", "area" or "total".
    kind: str
    measure: str
    bound: Decimal
    area: str | None = None

    @property
    def kind_label(self) -> str:
        return {
            "pengungkit": _("Pengungkit"),
            "hasil": _("Hasil"),
            "area": _("Area"),
            "total": _("Total"),
        }[self.kind]


def enabler_areas(spec: SheetSpec) -> list[AreaInfo]:
    """The working-group areas inside the first top-level component (Pengungkit): the six
    areas, each its Pemenuhan and Reform parts together."""
    roots = [c for c, n in spec.nodes.items() if n.parent is None]
    inside = {
        node.area
        for code, node in spec.nodes.items()
        if node.area is not None and roots and roots[0] in _ancestors(spec, code)
    }
    return [AreaInfo(a.key, text(a.title)) for a in spec.areas if a.key in inside]


def _ancestors(spec: SheetSpec, code: str) -> list[str]:
    chain = []
    node = spec.nodes.get(code)
    while node is not None:
        chain.append(node.code)
        node = spec.nodes.get(node.parent) if node.parent else None
    return chain


def minimums(spec: SheetSpec) -> list[Minimum]:
    """Each predicate's conditions, classified (the framework's own bounds)."""
    roots = [c for c, n in spec.nodes.items() if n.parent is None]
    enablers, results = [*roots, None, None][:2]
    result = []
    for predicate in spec.compiled.predicates:
        for condition in predicate.conditions:
            nodes = condition.nodes
            area: str | None = None
            if nodes == (TOTAL,):
                kind = "total"
            elif nodes and all(results in _ancestors(spec, c) for c in nodes):
                kind = "hasil"
            elif nodes == (enablers,):
                kind = "pengungkit"
            else:
                areas = {spec.nodes[c].area for c in nodes if c in spec.nodes}
                if len(areas) != 1 or None in areas:
                    continue
                kind, area = "area", next(iter(areas))
            result.append(
                Minimum(
                    predicate=predicate.key,
                    name=condition.name,
                    title=text(condition.title),
                    kind=kind,
                    measure=condition.measure,
                    bound=condition.bound,
                    area=area,
                )
            )
    return result


# --- the board ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class UnitRow:
    rank: int
    assessment: Assessment
    # The regional office above the unit ("" for none).
    region: str
    # Column key -> the view's stored total (after koefisien for the effective one).
    totals: dict[str, Decimal | None]
    pengungkit: Decimal | None
    hasil: Decimal | None
    passed: bool | None
    # Area key -> the effective score as a percentage of the area's weight.
    area_percent: dict[str, Decimal | None]

    @property
    def final(self) -> Decimal | None:
        return self.totals.get(EFFECTIVE_KEY)


@dataclass(frozen=True)
class GapRow:
    area: AreaInfo
    weight: Decimal
    # Column key -> the average stored score over the filtered sheets that have the view
    # (None: no sheet has it), and how many sheets that is.
    averages: dict[str, Decimal | None]
    counts: dict[str, int]
    # Column key -> the average of (the view's score - the unit's own) over the same sheets
    # (negative: the reviewers scored lower than the units did).
    gaps: dict[str, Decimal | None]

    def gap(self, key: str) -> Decimal | None:
        return self.gaps.get(key)


@dataclass(frozen=True)
class Alert:
    assessment_id: int
    unit_name: str
    region: str
    target: str
    minimum: Minimum


@dataclass(frozen=True)
class AlertCount:
    minimum: Minimum
    count: int


@dataclass(frozen=True)
class Histogram:
    edges: list[Decimal]
    # Column key -> sheets per bin.
    series: dict[str, list[int]]


@dataclass(frozen=True)
class Board:
    scope: Unit
    filters: Filters
    spec: SheetSpec
    columns: list[Column]
    areas: list[AreaInfo]
    page: Page
    rows: list[UnitRow]
    sheets: int
    passed: int
    gap: list[GapRow]
    histogram: Histogram
    minimums: list[Minimum]
    alerts: list[Alert]
    alert_counts: list[AlertCount]
    thresholds: list[Minimum]


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _pct(score: Decimal | None, weight: Decimal | None) -> Decimal | None:
    if score is None or not weight:
        return None
    return round_half_up(Decimal(100) * score / weight, 2)


def view_columns(agency: Unit) -> list[Column]:
    """The unit's own view, each of the agency's tiers and the national ones (by rank), and
    the effective view."""
    columns = [Column(UNIT_KEY, pgettext("score view", "Unit"))]
    for tier in ReviewTier.objects.filter(Q(agency=agency) | Q(agency__isnull=True)).order_by(
        "rank", "pk"
    ):
        columns.append(Column(tier_key(tier.pk), tier.name))
    columns.append(Column(EFFECTIVE_KEY, pgettext("score view", "Effective")))
    return columns


def _final(row: Mapping[str, Any]) -> Decimal | None:
    value = row.get("total_after_deductions")
    if value is None:
        value = row.get("total")
    return _d(value)


def load_board(scope: Unit, agency: Unit, filters: Filters, *, page_size: int = PAGE_SIZE) -> Board:
    spec = sheet_spec(filters.period.framework)
    columns = view_columns(agency)
    keys = [c.key for c in columns]
    areas = enabler_areas(spec)
    mins = minimums(spec)
    offices = regional_offices(scope)

    sheets = sheets_in(scope, filters).select_related("unit")
    paginator = Paginator(sheets, page_size)
    page = paginator.get_page(filters.page)
    on_page: list[Assessment] = list(page.object_list)

    # Every filtered sheet's stored views (aggregates), in one query; the page's rows are
    # among them.
    stored: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    units: dict[int, tuple[str, str, str]] = {}
    for row in StoredScore.objects.filter(
        assessment__in=filtered(scope, filters).values("pk"), key__in=keys
    ).values(
        "assessment_id",
        "key",
        "total",
        "total_after_deductions",
        "pengungkit",
        "hasil",
        "areas",
        "passed",
        "verdicts",
        "assessment__unit__name",
        "assessment__unit__path",
        "assessment__target",
    ):
        sheet = row["assessment_id"]
        stored[sheet][row["key"]] = dict(row)
        units[sheet] = (
            row["assessment__unit__name"],
            row["assessment__unit__path"],
            row["assessment__target"],
        )

    rows = []
    first = (page.number - 1) * page_size
    for i, assessment in enumerate(on_page):
        views = stored.get(assessment.pk, {})
        effective = views.get(EFFECTIVE_KEY, {})
        area_fields = effective.get("areas") or {}
        rows.append(
            UnitRow(
                rank=first + i + 1,
                assessment=assessment,
                region=getattr(region_of(assessment.unit.path, offices), "name", ""),
                totals={k: _final(views[k]) if k in views else None for k in keys},
                pengungkit=_d(effective.get("pengungkit")),
                hasil=_d(effective.get("hasil")),
                passed=effective.get("passed"),
                area_percent={
                    a.key: _pct(
                        _d(area_fields.get(a.key, {}).get("score")),
                        _d(area_fields.get(a.key, {}).get("weight")),
                    )
                    for a in areas
                },
            )
        )

    # The calibration gap: per area and view, the average over the sheets with that view,
    # and the average difference from the unit's own score on those same sheets.
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    diffs: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    weights: dict[str, Decimal] = {}
    for views in stored.values():
        own = (views.get(UNIT_KEY) or {}).get("areas") or {}
        for key, view in views.items():
            for area, fields in (view.get("areas") or {}).items():
                value = Decimal(str(fields.get("score", "0")))
                sums[(area, key)] += value
                counts[(area, key)] += 1
                if area in own:
                    diffs[(area, key)] += value - Decimal(str(own[area].get("score", "0")))
                weights.setdefault(area, Decimal(str(fields.get("weight", "0"))))

    def mean(total: Decimal, n: int) -> Decimal | None:
        return round_half_up(total / n, 2) if n else None

    gap = [
        GapRow(
            area=a,
            weight=weights.get(a.key, Decimal(0)),
            averages={k: mean(sums[(a.key, k)], counts[(a.key, k)]) for k in keys},
            counts={k: counts[(a.key, k)] for k in keys},
            gaps={
                k: mean(diffs[(a.key, k)], counts[(a.key, k)]) if k != UNIT_KEY else None
                for k in keys
            },
        )
        for a in areas
    ]

    # Distribution of the totals: the unit's own and the effective.
    thresholds = [m for m in mins if m.kind == "total"]
    top = sum((n.weight or Decimal(0) for n in spec.nodes.values() if n.parent is None), Decimal(0))
    top = top or Decimal(100)
    step = top / HISTOGRAM_BINS
    edges = [round_half_up(step * i, 2) for i in range(HISTOGRAM_BINS + 1)]
    series: dict[str, list[int]] = {
        UNIT_KEY: [0] * HISTOGRAM_BINS,
        EFFECTIVE_KEY: [0] * HISTOGRAM_BINS,
    }
    for views in stored.values():
        for key, bins in series.items():
            if key in views:
                value = _final(views[key]) or Decimal(0)
                bins[min(HISTOGRAM_BINS - 1, max(0, int(value / step)))] += 1

    # Threshold alerts: each filtered sheet's failing conditions of its own target, in the
    # effective view's stored verdicts.
    watched = {(m.predicate, m.name): m for m in mins if m.kind != "total"}
    alerts: list[Alert] = []
    per_minimum: dict[tuple[str, str], int] = defaultdict(int)
    passed = 0
    for sheet, views in stored.items():
        eff = views.get(EFFECTIVE_KEY)
        if eff is None:
            continue
        passed += bool(eff.get("passed"))
        name, unit_path, target = units[sheet]
        office = region_of(unit_path, offices)
        region = office.name if office else ""
        verdict = (eff.get("verdicts") or {}).get(target) or {}
        for condition in verdict.get("failing", []):
            minimum = watched.get((target, condition))
            if minimum is None:
                continue
            per_minimum[(target, condition)] += 1
            alerts.append(Alert(sheet, name, region, target, minimum))
    alerts.sort(key=lambda a: (a.unit_name, a.minimum.kind, a.minimum.name))
    alert_counts = [
        AlertCount(m, per_minimum[(m.predicate, m.name)])
        for m in mins
        if (m.predicate, m.name) in watched and per_minimum[(m.predicate, m.name)]
    ]
    return Board(
        scope=scope,
        filters=filters,
        spec=spec,
        columns=columns,
        areas=areas,
        page=page,
        rows=rows,
        sheets=paginator.count,
        passed=passed,
        gap=gap,
        histogram=Histogram(edges, series),
        minimums=mins,
        alerts=alerts,
        alert_counts=alert_counts,
        thresholds=thresholds,
    )


def all_rows(scope: Unit, agency: Unit, filters: Filters) -> tuple[list[Column], list[UnitRow]]:
    """Every filtered sheet as a ranked row (the Excel download), in three queries."""
    board = load_board(scope, agency, filters, page_size=10**9)
    return board.columns, board.rows


# --- targets compared with the data --------------------------------------------------------


@dataclass(frozen=True)
class RegionFigures:
    region: str
    satker: int
    proposed: int
    new_wbk: int
    new_wbbm: int

    def value(self, kind: str) -> int:
        return {
            TargetKind.NEW_WBK_PER_REGION: self.new_wbk,
            TargetKind.NEW_WBBM_PER_REGION: self.new_wbbm,
            TargetKind.PROPOSED_PER_REGION: self.proposed,
            TargetKind.NEW_WBK: self.new_wbk,
            TargetKind.NEW_WBBM: self.new_wbbm,
            TargetKind.PROPOSED: self.proposed,
        }[TargetKind(kind)]


@dataclass(frozen=True)
class TargetCheck:
    target: AgencyTarget
    # Per region targets: the regions that reached the number, of all regions; otherwise
    # the scope's figure against the number.
    actual: int
    reached: bool
    regions_reached: int | None = None
    regions: int | None = None


@dataclass(frozen=True)
class TargetsView:
    year: int
    regions: list[RegionFigures]
    total: RegionFigures
    checks: list[TargetCheck]


def _per_office(
    qs: QuerySet[Any], path_field: str, offices: Sequence[Unit], extra: Sequence[str] = ()
) -> dict[tuple[str, ...], int]:
    """Counts of `qs` grouped by the regional office above each row's unit (one query per
    depth at which the offices sit: one in a regular tree); "" for rows under none."""
    result: dict[tuple[str, ...], int] = defaultdict(int)
    lengths = sorted({len(o.path) for o in offices}) or [0]
    by_path = {o.path: o for o in offices}
    for length in lengths:
        if not length and not extra:
            # No regional office in the subtree: one bucket.
            result[("",)] += qs.count()
            continue
        if length:
            grouped = qs.annotate(prefix=Substr(path_field, 1, length)).values("prefix", *extra)
        else:
            grouped = qs.values(*extra)
        for row in grouped.annotate(n=Count("pk")).order_by():
            office = by_path.get(row.get("prefix", ""))
            if office is None and len(lengths) > 1:
                continue
            key = (office.path if office else "", *(str(row[e]) for e in extra))
            result[key] += row["n"]
    if len(lengths) > 1:
        # Rows under no office at any depth: the total less what was placed.
        placed: dict[tuple[str, ...], int] = defaultdict(int)
        for key, n in result.items():
            placed[key[1:]] += n
        totals = (
            [((), qs.count())]
            if not extra
            else [
                (tuple(str(row[e]) for e in extra), row["n"])
                for row in qs.values(*extra).annotate(n=Count("pk")).order_by()
            ]
        )
        for rest, n in totals:
            missing = n - placed.get(rest, 0)
            if missing:
                result[("", *rest)] += missing
    return result


def targets_view(scope: Unit, agency: Unit, year: int) -> TargetsView:
    """The year's targets of the agency against the subtree's nominations and predicates,
    per regional office (a handful of grouped queries, whatever the number of units)."""
    offices = regional_offices(scope)
    names = {o.path: o.name for o in offices}
    figures: dict[str, dict[str, int]] = {o.path: defaultdict(int) for o in offices}
    satker = Unit.objects.filter(path__startswith=scope.path, kind=UnitKind.SATKER, is_active=True)
    for (office, *_rest), n in _per_office(satker, "path", offices).items():
        figures.setdefault(office, defaultdict(int))["satker"] += n
    nominations = Nomination.objects.filter(unit__path__startswith=scope.path, year=year)
    for (office, *_rest), n in _per_office(nominations, "unit__path", offices).items():
        figures.setdefault(office, defaultdict(int))["proposed"] += n
    predicates = Predicate.objects.filter(
        unit__path__startswith=scope.path, year=year, status=PredicateStatus.HELD
    )
    for (office, kind), n in _per_office(predicates, "unit__path", offices, ["kind"]).items():
        figures.setdefault(office, defaultdict(int))[f"new_{kind.lower()}"] += n
    regions = [
        RegionFigures(
            region=names.get(path, NO_REGION),
            satker=values["satker"],
            proposed=values["proposed"],
            new_wbk=values["new_wbk"],
            new_wbbm=values["new_wbbm"],
        )
        for path, values in sorted(
            figures.items(), key=lambda kv: (kv[0] == "", names.get(kv[0], ""))
        )
        if path or any(values.values())
    ]
    total = RegionFigures(
        region=_("All regions"),
        satker=sum(r.satker for r in regions),
        proposed=sum(r.proposed for r in regions),
        new_wbk=sum(r.new_wbk for r in regions),
        new_wbbm=sum(r.new_wbbm for r in regions),
    )
    checks = []
    for target in AgencyTarget.objects.filter(agency=agency, year=year).order_by("kind"):
        if target.per_region:
            named = [r for r in regions if r.region != NO_REGION]
            reached = sum(1 for r in named if r.value(target.kind) >= target.number)
            checks.append(
                TargetCheck(
                    target=target,
                    actual=total.value(target.kind),
                    reached=bool(named) and reached == len(named),
                    regions_reached=reached,
                    regions=len(named),
                )
            )
        else:
            actual = total.value(target.kind)
            checks.append(
                TargetCheck(target=target, actual=actual, reached=actual >= target.number)
            )
    return TargetsView(year=year, regions=regions, total=total, checks=checks)


def subtree_children(scope: Unit, limit: int) -> list[Unit]:
    """The scope's direct sub-units that have units below (the subtrees to open)."""
    return list(
        Unit.objects.filter(
            path__startswith=scope.path, depth=scope.depth + 1, numchild__gt=0
        ).order_by("name")[:limit]
    )


def agency_targets(agency: Unit) -> list[AgencyTarget]:
    return list(
        AgencyTarget.objects.filter(agency=agency)
        .select_related("updated_by")
        .order_by("-year", "kind")
    )


def funnel_years(periods: Sequence[Period], year: int) -> list[int]:
    return sorted({p.year for p in periods} | {year})


def region_label(region: str) -> str:
    return region or _("(no region)")


def choices(values: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in values]
