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

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.accounts.models import ReviewTier, Unit, UnitKind
from zona.assessments.models import Assessment, Period, StoredAreaScore, StoredScore
from zona.assessments.selectors.scores import EFFECTIVE_KEY, area_weights, tier_key
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


# The area figures are summed as decimals of the stored precision.
_SCORE = DecimalField(max_digits=12, decimal_places=4)


class JsonPath(Func):
    """A value inside a JSON field by its object keys, read in SQL: text (`as_text`) or JSON.
    Keys are always object keys (area "1" is a key, not an array index, unlike KT's)."""

    def __init__(self, field: str, *keys: str, as_text: bool = True) -> None:
        self.keys = keys
        self.as_text = as_text
        super().__init__(F(field), output_field=TextField() if as_text else JSONField())

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        lhs, params = compiler.compile(self.source_expressions[0])
        path = "$" + "".join(f".{json.dumps(k)}" for k in self.keys)
        return f"JSON_EXTRACT({lhs}, %s)", (*params, path)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        lhs, params = compiler.compile(self.source_expressions[0])
        operator = "#>>" if self.as_text else "#>"
        return f"({lhs} {operator} %s)", (*params, list(self.keys))


def failing_on_target(verdicts: str, target: str, targets: Sequence[str]) -> Case:
    """In SQL, the names of the conditions a stored view fails on its sheet's own target:
    the `failing` list of `verdicts[<target>]`, where `target` is the field holding the
    sheet's target (one branch per predicate in `targets`; NULL otherwise)."""
    return Case(
        *(
            When(**{target: t}, then=JsonPath(verdicts, t, "failing", as_text=False))
            for t in targets
        ),
        default=None,
        output_field=JSONField(),
    )


def _offices_by_path(offices: Sequence[Unit]) -> Callable[[str], str]:
    """The name of the regional office above a unit path ("" for none), by its prefixes
    (no scan of the offices per unit)."""
    by_path = {o.path: o.name for o in offices}
    lengths = sorted({len(p) for p in by_path})

    def region(path: str) -> str:
        for length in lengths:
            name = by_path.get(path[:length])
            if name is not None:
                return name
        return ""

    return region


def _page_views(sheet_ids: Any, keys: Sequence[str]) -> dict[int, dict[str, dict[str, Any]]]:
    """The stored views of the page's sheets: the totals of every view, and the area
    figures of the effective one only (the heatmap)."""
    views: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in (
        StoredScore.objects.filter(assessment__in=sheet_ids, key__in=keys)
        .annotate(
            effective_areas=Case(
                When(key=EFFECTIVE_KEY, then=F("areas")), default=None, output_field=JSONField()
            )
        )
        .values(
            "assessment_id",
            "key",
            "total",
            "total_after_deductions",
            "pengungkit",
            "hasil",
            "passed",
            "effective_areas",
        )
    ):
        views[row["assessment_id"]][row["key"]] = dict(row)
    return views


def _calibration(
    sheets: QuerySet[Assessment], spec: SheetSpec, keys: Sequence[str], areas: Sequence[AreaInfo]
) -> list[GapRow]:
    """Per area and view: the average stored score over the filtered sheets that have the
    view, and the average difference from the unit's own score on those same sheets. One
    query grouped per view and area over the narrow area rows (`StoredAreaScore`, whose
    `difference` is stored with the view): no JSON is read."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {
        (row["key"], row["area"]): dict(row)
        for row in StoredAreaScore.objects.filter(
            assessment__in=sheets.values("pk"), key__in=keys, area__in=[a.key for a in areas]
        )
        .values("key", "area")
        .annotate(n=Count("pk"), score=Sum("score"), difference=Sum("difference"))
        .order_by()
    }

    def mean(total: Any, n: int) -> Decimal | None:
        value = _d(total)
        return round_half_up(value / n, 2) if n and value is not None else None

    weights = area_weights(spec.compiled)
    gap = []
    for area in areas:
        rows: dict[str, dict[str, Any]] = {k: grouped.get((k, area.key), {}) for k in keys}
        counts = {k: int(rows[k].get("n") or 0) for k in keys}
        gap.append(
            GapRow(
                area=area,
                weight=weights.get(area.key, Decimal(0)),
                averages={k: mean(rows[k].get("score"), counts[k]) for k in keys},
                counts=counts,
                gaps={
                    k: mean(rows[k].get("difference"), counts[k]) if k != UNIT_KEY else None
                    for k in keys
                },
            )
        )
    return gap


def _totals_and_alerts(
    sheets: QuerySet[Assessment],
    spec: SheetSpec,
    mins: Sequence[Minimum],
    region: Callable[[str], str],
) -> tuple[Histogram, int, list[Alert], list[AlertCount]]:
    """Over every filtered sheet, in one query of the unit's and the effective views'
    narrow columns (and, of the effective view's JSON, only the list of failing conditions
    of the sheet's own target): the histogram of the two totals (after koefisien), how many
    sheets meet their target, and the threshold alerts with their counts."""
    top = sum((n.weight or Decimal(0) for n in spec.nodes.values() if n.parent is None), Decimal(0))
    top = top or Decimal(100)
    step = top / HISTOGRAM_BINS
    edges = [round_half_up(step * i, 2) for i in range(HISTOGRAM_BINS + 1)]
    series: dict[str, list[int]] = {
        UNIT_KEY: [0] * HISTOGRAM_BINS,
        EFFECTIVE_KEY: [0] * HISTOGRAM_BINS,
    }
    watched = {(m.predicate, m.name): m for m in mins if m.kind != "total"}
    predicates = sorted({m.predicate for m in mins})
    effective_failing = Case(
        When(
            key=EFFECTIVE_KEY, then=failing_on_target("verdicts", "assessment__target", predicates)
        ),
        default=None,
        output_field=JSONField(),
    )
    rows = (
        StoredScore.objects.filter(
            assessment__in=sheets.values("pk"), key__in=[UNIT_KEY, EFFECTIVE_KEY]
        )
        .annotate(final=Coalesce("total_after_deductions", "total"), failing=effective_failing)
        .values_list(
            "assessment_id",
            "key",
            "final",
            "passed",
            "assessment__unit__name",
            "assessment__unit__path",
            "assessment__target",
            "failing",
        )
    )
    alerts: list[Alert] = []
    per_minimum: dict[tuple[str, str], int] = defaultdict(int)
    passed = 0
    for sheet, key, final, meets, name, path, target, names in rows:
        value = final or Decimal(0)
        series[key][min(HISTOGRAM_BINS - 1, max(0, int(value / step)))] += 1
        if key != EFFECTIVE_KEY:
            continue
        passed += bool(meets)
        if not names:
            continue
        office = region(path)
        for condition in names:
            minimum = watched.get((target, condition))
            if minimum is None:
                continue
            per_minimum[(target, condition)] += 1
            alerts.append(Alert(sheet, name, office, target, minimum))
    alerts.sort(key=lambda a: (a.unit_name, a.minimum.kind, a.minimum.name))
    counts = [
        AlertCount(m, per_minimum[(m.predicate, m.name)])
        for m in mins
        if (m.predicate, m.name) in watched and per_minimum[(m.predicate, m.name)]
    ]
    return Histogram(edges, series), passed, alerts, counts


def load_board(scope: Unit, agency: Unit, filters: Filters, *, page_size: int = PAGE_SIZE) -> Board:
    """The dashboard's data in seven queries whatever the size of the subtree: the views'
    tiers, the regional offices, the page (count and sheets), the page's stored views, and
    two reads over every filtered sheet: the calibration gap summed in SQL over the narrow
    area rows, and the unit's and effective views' totals with the effective view's
    failing conditions (only that list of each view's JSON is read)."""
    spec = sheet_spec(filters.period.framework)
    columns = view_columns(agency)
    keys = [c.key for c in columns]
    areas = enabler_areas(spec)
    mins = minimums(spec)
    region = _offices_by_path(regional_offices(scope))

    sheets = sheets_in(scope, filters).select_related("unit")
    paginator = Paginator(sheets, page_size)
    page = paginator.get_page(filters.page)
    on_page: list[Assessment] = list(page.object_list)
    every = filtered(scope, filters)

    # The page's views (the whole list for the Excel download: then by the filter, not by a
    # list of ids).
    whole = len(on_page) >= paginator.count
    stored = _page_views(every.values("pk") if whole else [a.pk for a in on_page], keys)
    rows = []
    first = (page.number - 1) * page_size
    for i, assessment in enumerate(on_page):
        views = stored.get(assessment.pk, {})
        effective = views.get(EFFECTIVE_KEY, {})
        area_fields = effective.get("effective_areas") or {}
        rows.append(
            UnitRow(
                rank=first + i + 1,
                assessment=assessment,
                region=region(assessment.unit.path),
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

    histogram, passed, alerts, alert_counts = _totals_and_alerts(every, spec, mins, region)
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
        gap=_calibration(every, spec, keys, areas),
        histogram=histogram,
        minimums=mins,
        alerts=alerts,
        alert_counts=alert_counts,
        thresholds=[m for m in mins if m.kind == "total"],
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
