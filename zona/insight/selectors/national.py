"""What the national view reads (issue 12 §5): nominations by agency and stage, how far each
year's nominations got, predicates by year, agency and province, and monitoring due.

Every function is a fixed number of aggregate queries whatever the number of agencies,
nominations and predicates: the database groups and counts, Python only arranges the few
grouped rows. A nomination's agency is its proposal's; a predicate's is the root of its
unit's tree (materialised path prefix).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from zona.accounts.models import Unit, UnitKind
from zona.assessments.models import Assessment
from zona.national.models import (
    Candidacy,
    CandidacyStatus,
    MonitoringRound,
    MonitoringStatus,
    Nomination,
    NominationStatus,
    Predicate,
    PredicateKind,
    PredicateStatus,
    Proposal,
)
from zona.national.selectors.core import add_months

# The nomination statuses as the agency table's columns, in the order of the TPN's stages.
STATUS_COLUMNS: tuple[str, ...] = (
    NominationStatus.ADMIN,
    NominationStatus.FOLLOW_UP,
    NominationStatus.APPEAL,
    NominationStatus.FAILED,
    NominationStatus.DESK,
    NominationStatus.FIELD,
    NominationStatus.CLEARANCE,
    NominationStatus.DETERMINATION,
    NominationStatus.AWARDED,
    NominationStatus.NOT_AWARDED,
    NominationStatus.ENDED,
)


@dataclass(frozen=True)
class NationalFilters:
    # None: every year.
    year: int | None = None
    # None: every agency.
    agency_id: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class AgencyRef:
    pk: int
    code: str
    name: str
    kind: str


@dataclass
class AgencyStageRow:
    agency: AgencyRef
    # Status -> nominations at it.
    by_status: dict[str, int] = field(default_factory=dict)
    # System administrators only (None for the TPN): designated candidates and submitted
    # sheets of the agency in the year(s) shown.
    candidates: int | None = None
    submitted_sheets: int | None = None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def status_counts(self) -> tuple[int, ...]:
        return tuple(self.by_status.get(s, 0) for s in STATUS_COLUMNS)


@dataclass(frozen=True)
class PredicateGroup:
    year: int
    agency: AgencyRef | None
    province: str
    wbk: int
    wbbm: int
    revoked: int

    @property
    def total(self) -> int:
        return self.wbk + self.wbbm


@dataclass(frozen=True)
class MonitoringDue:
    predicate_id: int
    due_on: dt.date
    overdue: bool
    # Set when the monitoring part's round exists.
    round_id: int | None = None


# --- filters ---------------------------------------------------------------------------------


def _nominations(filters: NationalFilters) -> QuerySet[Nomination]:
    qs = Nomination.objects.all()
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.agency_id is not None:
        qs = qs.filter(proposal__agency_id=filters.agency_id)
    if filters.kind:
        qs = qs.filter(target=filters.kind)
    return qs


def _agency_path_q(agency_id: int | None, prefix: str) -> Q:
    if agency_id is None:
        return Q()
    path = Unit.objects.filter(pk=agency_id, depth=1).values("path")
    return Q(**{f"{prefix}__in": path})


def years_known() -> tuple[list[int], list[int]]:
    """The years with a nomination, and those with a nomination or a predicate, newest
    first (two queries)."""
    # order_by(): the models' default ordering would make DISTINCT run over every row.
    nominated = set(Nomination.objects.order_by().values_list("year", flat=True).distinct())
    years = nominated | set(Predicate.objects.order_by().values_list("year", flat=True).distinct())
    return sorted(nominated, reverse=True), sorted(years, reverse=True)


def agencies_known() -> list[AgencyRef]:
    """The agencies with a proposal or a predicate, by name (one query)."""
    steplen = Unit.steplen
    with_predicates = (
        Predicate.objects.annotate(agency_path=Substr("unit__path", 1, steplen))
        .values("agency_path")
        .distinct()
    )
    rows = (
        Unit.objects.filter(depth=1)
        .filter(Q(proposals__isnull=False) | Q(path__in=with_predicates))
        .distinct()
        .order_by("name")
        .values_list("pk", "code", "name", "kind")
    )
    return [AgencyRef(*row) for row in rows]


# --- nominations -----------------------------------------------------------------------------


def nominations_by_agency(
    filters: NationalFilters, *, with_programme: bool = False
) -> list[AgencyStageRow]:
    """Nominations per agency and status (two queries), by agency name. `with_programme`
    adds, in two more queries, each agency's designated candidates and submitted sheets
    (the system administrator's view; the TPN sees nominations only)."""
    # Grouped by proposal (no join over the nominations), then the proposals' agencies.
    by_proposal: dict[int, dict[str, int]] = defaultdict(dict)
    for proposal_id, status, n in (
        _nominations(filters)
        .values_list("proposal_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_proposal[proposal_id][status] = n
    rows: dict[int, AgencyStageRow] = {}
    for proposal_id, pk, code, name, kind in Proposal.objects.filter(
        pk__in=list(by_proposal)
    ).values_list("pk", "agency_id", "agency__code", "agency__name", "agency__kind"):
        row = rows.setdefault(pk, AgencyStageRow(AgencyRef(pk, code, name, kind)))
        for status, n in by_proposal[proposal_id].items():
            row.by_status[status] = row.by_status.get(status, 0) + n
    if with_programme:
        _add_programme(rows, filters)
    return sorted(rows.values(), key=lambda r: (r.agency.name, r.agency.pk))


def _add_programme(rows: dict[int, AgencyStageRow], filters: NationalFilters) -> None:
    steplen = Unit.steplen
    candidates = Candidacy.objects.filter(status=CandidacyStatus.DESIGNATED)
    sheets = Assessment.objects.exclude(submitted_at__isnull=True)
    if filters.year is not None:
        candidates = candidates.filter(year=filters.year)
        sheets = sheets.filter(period__year=filters.year)
    if filters.kind:
        candidates = candidates.filter(target=filters.kind)
        sheets = sheets.filter(target=filters.kind)
    by_path: dict[str, dict[str, int]] = defaultdict(dict)
    for path, n in (
        candidates.annotate(agency_path=Substr("unit__path", 1, steplen))
        .filter(_agency_path_q(filters.agency_id, "agency_path"))
        .values_list("agency_path")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_path[path]["candidates"] = n
    for agency_id, n in (
        sheets.filter(
            **({"period__agency_id": filters.agency_id} if filters.agency_id is not None else {})
        )
        .values_list("period__agency_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_path[f"id:{agency_id}"]["sheets"] = n
    missing_paths = [p for p in by_path if not p.startswith("id:")]
    missing_ids = [int(p[3:]) for p in by_path if p.startswith("id:")]
    agencies = Unit.objects.filter(depth=1).filter(
        Q(path__in=missing_paths) | Q(pk__in=missing_ids)
    )
    for unit in agencies.only("pk", "path", "code", "name", "kind"):
        row = rows.get(unit.pk)
        if row is None:
            row = rows[unit.pk] = AgencyStageRow(
                AgencyRef(unit.pk, unit.code, unit.name, unit.kind)
            )
        row.candidates = by_path.get(unit.path, {}).get("candidates", 0)
        row.submitted_sheets = by_path.get(f"id:{unit.pk}", {}).get("sheets", 0)
    for row in rows.values():
        if row.candidates is None:
            row.candidates = 0
            row.submitted_sheets = 0


# --- predicates ------------------------------------------------------------------------------


def province_of(region: str, agency: AgencyRef | None) -> str:
    """A unit's province: its region as recorded, else its agency when the agency is a
    province (a provincial government), else empty."""
    if region:
        return region
    if agency is not None and agency.kind == UnitKind.PROVINCE:
        return agency.name
    return ""


def predicates_grouped(filters: NationalFilters) -> list[PredicateGroup]:
    """Predicates per year, agency and province (two queries: the groups, their agencies),
    newest year first, then agency and province by name."""
    steplen = Unit.steplen
    qs = Predicate.objects.annotate(agency_path=Substr("unit__path", 1, steplen))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    qs = qs.filter(_agency_path_q(filters.agency_id, "agency_path"))
    grouped = list(
        qs.values_list("year", "agency_path", "unit__region")
        .annotate(
            wbk=Count("id", filter=Q(kind=PredicateKind.WBK, status=PredicateStatus.HELD)),
            wbbm=Count("id", filter=Q(kind=PredicateKind.WBBM, status=PredicateStatus.HELD)),
            revoked=Count("id", filter=Q(status=PredicateStatus.REVOKED)),
        )
        .order_by()
    )
    agencies = {
        u.path: AgencyRef(u.pk, u.code, u.name, u.kind)
        for u in Unit.objects.filter(path__in={g[1] for g in grouped}).only(
            "pk", "path", "code", "name", "kind"
        )
    }
    merged: dict[tuple[int, int | None, str], list[int]] = {}
    refs: dict[int | None, AgencyRef | None] = {}
    for year, path, region, wbk, wbbm, revoked in grouped:
        agency = agencies.get(path)
        key = (year, agency.pk if agency else None, province_of(region or "", agency))
        refs[key[1]] = agency
        acc = merged.setdefault(key, [0, 0, 0])
        acc[0] += wbk
        acc[1] += wbbm
        acc[2] += revoked
    groups = [
        PredicateGroup(year, refs[agency_id], province, *acc)
        for (year, agency_id, province), acc in merged.items()
    ]
    groups.sort(key=lambda g: (-g.year, g.agency.name if g.agency else "", g.province))
    return groups


def predicates_by_year(groups: Sequence[PredicateGroup]) -> list[tuple[int, int, int, int]]:
    """(year, WBK held, WBBM held, revoked) per year, newest first, from the groups."""
    years: dict[int, list[int]] = {}
    for g in groups:
        acc = years.setdefault(g.year, [0, 0, 0])
        acc[0] += g.wbk
        acc[1] += g.wbbm
        acc[2] += g.revoked
    return [(y, *years[y]) for y in sorted(years, reverse=True)]  # type: ignore[misc]


def predicates_by_province(groups: Sequence[PredicateGroup]) -> list[tuple[str, int, int]]:
    """(province, WBK held, WBBM held) over the groups, by name."""
    provinces: dict[str, list[int]] = {}
    for g in groups:
        acc = provinces.setdefault(g.province, [0, 0])
        acc[0] += g.wbk
        acc[1] += g.wbbm
    return [(p, *provinces[p]) for p in sorted(provinces)]  # type: ignore[misc]


# --- monitoring ------------------------------------------------------------------------------


def subtree_q(paths: Sequence[str] | None, field: str = "unit__path") -> Q:
    """Rows whose unit lies under one of `paths` (None: everywhere; empty: nowhere)."""
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def monitoring_due(
    filters: NationalFilters,
    *,
    today: dt.date,
    horizon_days: int,
    cycle_months: int,
    unit_paths: Sequence[str] | None = None,
) -> list[MonitoringDue]:
    """Held predicates whose monitoring is due within `horizon_days` or overdue, the most
    overdue first (two queries: the predicates, their rounds).

    A predicate with an open round (scheduled or in progress) is due on that round's day.
    Without one, it is due on its next cycle day: the decree plus whole monitoring cycles,
    the first after every round it had (the rule `monitoring_rounds_create` creates rounds
    by), so a predicate whose round has not been created yet still shows.
    """
    qs = Predicate.objects.filter(status=PredicateStatus.HELD).filter(subtree_q(unit_paths))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.agency_id is not None:
        qs = qs.annotate(agency_path=Substr("unit__path", 1, Unit.steplen)).filter(
            _agency_path_q(filters.agency_id, "agency_path")
        )
    found: list[MonitoringDue] = []
    if cycle_months <= 0:
        return found
    horizon = today + dt.timedelta(days=horizon_days)
    past: dict[int, list[dt.date]] = defaultdict(list)
    open_rounds: dict[int, tuple[dt.date, int]] = {}
    for predicate_id, due_on, status, round_pk in (
        MonitoringRound.objects.filter(predicate__in=qs.values("pk"))
        .order_by("due_on")
        .values_list("predicate_id", "due_on", "status", "pk")
    ):
        if status == MonitoringStatus.CONCLUDED:
            past[predicate_id].append(due_on)
        else:
            open_rounds[predicate_id] = (due_on, round_pk)
    for pk, decree in qs.order_by().values_list("pk", "decree_date").iterator(chunk_size=5000):
        opened = open_rounds.get(pk)
        if opened is not None:
            due, found_round = opened[0], opened[1]
        else:
            due, found_round = _next_cycle(decree, past.get(pk, ()), cycle_months), None
        if due <= horizon:
            found.append(MonitoringDue(pk, due, due < today, found_round))
    found.sort(key=lambda d: (d.due_on, d.predicate_id))
    return found


def _next_cycle(decree: dt.date, rounds: Sequence[dt.date], cycle_months: int) -> dt.date:
    """The first cycle day after the decree (decree + k cycles, k >= 1) later than every
    round already held."""
    last = max(rounds, default=None)
    k = 1
    while True:
        due = add_months(decree, cycle_months * k)
        if last is None or due > last:
            return due
        k += 1


def predicates_by_id(ids: Sequence[int]) -> dict[int, Predicate]:
    """The predicates of one page with their units (one query)."""
    return {p.pk: p for p in Predicate.objects.filter(pk__in=list(ids)).select_related("unit")}


def agencies_by_path(paths: Sequence[str]) -> dict[str, AgencyRef]:
    return {
        u.path: AgencyRef(u.pk, u.code, u.name, u.kind)
        for u in Unit.objects.filter(path__in=set(paths)).only("pk", "path", "code", "name", "kind")
    }
