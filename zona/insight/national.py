"""The national view (issue 12 §5): for the TPN and the national administrator, nominations
by agency and stage, the funnel's pass rates per stage and year, predicates by year, agency
and province, and monitoring due and overdue.

Who sees what: the national administrator (system administrator) sees the whole programme,
the agencies' own chain included (candidates, submitted sheets, each agency tier of the
funnel). A TPN member (national evaluator) evaluates nominations, not agencies' sheets: the
view shows them the figures of nominations and what followed them (the funnel from the
proposal on, predicates, monitoring), never the agencies' internal counts. Anyone else gets
a 404, as for any object outside their scope.

The page costs a fixed number of queries whatever the number of agencies, nominations and
predicates: every figure is a grouped count, and the long tables paginate (the grouped rows
in memory, the monitoring rounds in the database).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.accounts.access import AnyUser, assignments_of, is_system_admin
from zona.accounts.models import Role, Unit
from zona.core.api.params import query_int
from zona.core.spreadsheets import xlsx_append
from zona.insight.selectors.funnel import Funnel, funnel
from zona.insight.selectors.national import (
    STATUS_COLUMNS,
    AgencyRef,
    AgencyStageRow,
    MonitoringDue,
    NationalFilters,
    PredicateGroup,
    agencies_known,
    monitoring_due,
    nominations_by_agency,
    predicates_by_id,
    predicates_by_province,
    predicates_by_year,
    predicates_grouped,
    years_known,
)
from zona.national.models import NominationStatus, Predicate
from zona.national.selectors.core import national_settings
from zona.national.selectors.predicates import create_days_before_due

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows per page of each table.
PAGE_SIZE = 25
MAX_HORIZON_DAYS = 3660


def default_horizon() -> int:
    """The monitoring list looks as far ahead as rounds are created before their due day
    (zona/national/data/monitoring.yaml)."""
    return create_days_before_due()


# --- access ----------------------------------------------------------------------------------


def national_audience(user: AnyUser) -> str | None:
    """ "admin" for the national administrator, "tpn" for a TPN member, else None."""
    if is_system_admin(user):
        return "admin"
    if any(a.role == Role.NATIONAL_EVALUATOR and a.unit is None for a in assignments_of(user)):
        return "tpn"
    return None


def access_national_view(user: AnyUser) -> str:
    """The audience of the national view for `user`; 404 for anyone else."""
    audience = national_audience(user)
    if audience is None:
        raise Http404
    return audience


def read_filters(params: Mapping[str, Any]) -> tuple[NationalFilters, int]:
    """The page's filters from the query string; ValidationFailed names a bad one."""
    year = query_int(params, "year", minimum=2000, maximum=2100)
    agency = query_int(params, "agency", minimum=1)
    horizon = query_int(params, "horizon", minimum=0, maximum=MAX_HORIZON_DAYS)
    return (
        NationalFilters(year=year, agency_id=agency),
        default_horizon() if horizon is None else horizon,
    )


# --- the board -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCell:
    count: int
    # Percent of the stage before (None for the first stage, or nothing before).
    rate: Decimal | None


@dataclass(frozen=True)
class StageLine:
    key: str
    label: str
    phase: str
    # Year -> cell, in the board's years order.
    cells: tuple[StageCell, ...]
    total: StageCell


@dataclass(frozen=True)
class MonitoringLine:
    predicate: Predicate
    due_on: dt.date
    overdue: bool
    days: int
    # The monitoring round, once created.
    round_id: int | None = None


@dataclass(frozen=True)
class NationalBoard:
    audience: str
    filters: NationalFilters
    horizon_days: int
    today: dt.date
    years: tuple[int, ...]
    year_choices: list[int]
    agencies: list[AgencyRef]
    agency_page: Page
    status_totals: dict[str, int]
    funnel: Funnel
    stage_lines: tuple[StageLine, ...]
    predicate_page: Page
    predicate_years: list[tuple[int, int, int, int]]
    provinces: list[tuple[str, int, int]]
    monitoring_page: Page
    monitoring_due: int
    monitoring_overdue: int
    cycle_months: int

    @property
    def sees_programme(self) -> bool:
        """The agencies' own chain (candidates, sheets, agency tiers): administrators only."""
        return self.audience == "admin"

    @property
    def nominations(self) -> int:
        return sum(self.status_totals.values())

    @property
    def average_pass_rate(self) -> Decimal | None:
        return self.funnel.average_pass_rate


def _pages(items: list[Any], number: str | None) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(number)


def _stage_lines(board_funnel: Funnel, years: tuple[int, ...], audience: str) -> list[StageLine]:
    lines: list[StageLine] = []
    for index, stage in enumerate(board_funnel.stages):
        if audience != "admin" and stage.phase != "tpn":
            continue
        # The first line shown has nothing before it on this board.
        first = not lines
        cells = tuple(
            StageCell(stage.count(y), None if first else board_funnel.rate(index, y)) for y in years
        )
        total = StageCell(stage.total, None if first else board_funnel.rate(index))
        lines.append(StageLine(stage.key, stage.label, stage.phase, cells, total))
    return lines


def load_national(
    audience: str,
    filters: NationalFilters,
    *,
    today: dt.date,
    horizon_days: int | None = None,
    pages: dict[str, str | None] | None = None,
) -> NationalBoard:
    pages = pages or {}
    if horizon_days is None:
        horizon_days = default_horizon()
    nominated_years, known_years = years_known()
    years = (filters.year,) if filters.year is not None else tuple(sorted(nominated_years))
    agencies = agencies_known()
    scope = None
    if filters.agency_id is not None:
        scope = Unit.objects.filter(pk=filters.agency_id, depth=1).first()
    rows = nominations_by_agency(filters, with_programme=audience == "admin")
    status_totals: dict[str, int] = {}
    for row in rows:
        for status, n in row.by_status.items():
            status_totals[status] = status_totals.get(status, 0) + n
    board_funnel = funnel(scope, years)
    groups = predicates_grouped(filters)
    cycle = national_settings().monitoring_cycle_months
    due = monitoring_due(filters, today=today, horizon_days=horizon_days, cycle_months=cycle)
    monitoring_page = _pages(due, pages.get("mpage"))
    shown: list[MonitoringDue] = list(monitoring_page.object_list)
    predicates = predicates_by_id([d.predicate_id for d in shown])
    monitoring_page.object_list = [
        MonitoringLine(
            predicates[d.predicate_id],
            d.due_on,
            d.overdue,
            abs((today - d.due_on).days),
            d.round_id,
        )
        for d in shown
        if d.predicate_id in predicates
    ]
    return NationalBoard(
        audience=audience,
        filters=filters,
        horizon_days=horizon_days,
        today=today,
        years=years,
        year_choices=known_years,
        agencies=agencies,
        agency_page=_pages(rows, pages.get("apage")),
        status_totals=status_totals,
        funnel=board_funnel,
        stage_lines=tuple(_stage_lines(board_funnel, years, audience)),
        predicate_page=_pages(groups, pages.get("ppage")),
        predicate_years=predicates_by_year(groups),
        provinces=predicates_by_province(groups),
        monitoring_page=monitoring_page,
        monitoring_due=sum(1 for d in due if not d.overdue),
        monitoring_overdue=sum(1 for d in due if d.overdue),
        cycle_months=cycle,
    )


def status_label(status: str) -> str:
    return str(NominationStatus(status).label)


def chart_data(board: NationalBoard) -> dict[str, Any]:
    """What the page's charts draw (the same figures as its tables)."""
    rows: list[AgencyStageRow] = list(board.agency_page.object_list)
    return {
        "statuses": [{"key": s, "label": status_label(s)} for s in STATUS_COLUMNS],
        "agencies": {
            "names": [r.agency.name for r in rows],
            "counts": [[r.by_status.get(s, 0) for s in STATUS_COLUMNS] for r in rows],
        },
        "funnel": {
            "stages": [line.label for line in board.stage_lines],
            "counts": [line.total.count for line in board.stage_lines],
        },
        "predicates": {
            "years": [y for y, *_rest in reversed(board.predicate_years)],
            "wbk": [wbk for _y, wbk, _wbbm, _r in reversed(board.predicate_years)],
            "wbbm": [wbbm for _y, _wbk, wbbm, _r in reversed(board.predicate_years)],
            "revoked": [r for _y, _wbk, _wbbm, r in reversed(board.predicate_years)],
        },
        "labels": {
            "wbk": "WBK",
            "wbbm": "WBBM",
            "revoked": pgettext("predicate", "Revoked"),
        },
    }


# --- Excel -----------------------------------------------------------------------------------


def _all(page: Page) -> list[Any]:
    return list(page.paginator.object_list)


def national_workbook(board: NationalBoard, *, monitoring: list[MonitoringLine]) -> bytes:
    """Every table of the board, unpaginated, one worksheet each (fixed sheet names, so a
    program reading the file finds them in either language)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    agencies = book.create_sheet("Nominasi")
    head = [_("Agency code"), _("Agency")]
    head += [status_label(s) for s in STATUS_COLUMNS]
    head.append(_("Total"))
    if board.sees_programme:
        head += [_("Candidates designated"), _("Sheets submitted")]
    xlsx_append(agencies, head)
    for row in _all(board.agency_page):
        values: list[Any] = [row.agency.code, row.agency.name]
        values += [row.by_status.get(s, 0) for s in STATUS_COLUMNS]
        values.append(row.total)
        if board.sees_programme:
            values += [row.candidates, row.submitted_sheets]
        xlsx_append(agencies, values)

    stages = book.create_sheet("Tahapan")
    head = [_("Stage")]
    for year in board.years:
        head += [str(year), f"{year} %"]
    head += [_("All years"), _("All years") + " %"]
    xlsx_append(stages, head)
    for line in board.stage_lines:
        values = [line.label]
        for cell in line.cells:
            values += [cell.count, cell.rate]
        values += [line.total.count, line.total.rate]
        xlsx_append(stages, values)
    xlsx_append(stages, [])
    xlsx_append(stages, [_("Average pass rate over the years"), board.average_pass_rate])

    predicates = book.create_sheet("Predikat")
    xlsx_append(
        predicates,
        [
            _("Year"),
            _("Agency code"),
            _("Agency"),
            _("Province"),
            "WBK",
            "WBBM",
            pgettext("predicate", "Revoked"),
        ],
    )
    group: PredicateGroup
    for group in _all(board.predicate_page):
        xlsx_append(
            predicates,
            [
                group.year,
                group.agency.code if group.agency else "",
                group.agency.name if group.agency else "",
                group.province,
                group.wbk,
                group.wbbm,
                group.revoked,
            ],
        )

    watch = book.create_sheet("Pemantauan")
    xlsx_append(
        watch,
        [
            _("Unit code"),
            _("Unit"),
            _("Predicate"),
            _("Year"),
            _("Decree number"),
            _("Due on"),
            _("Overdue"),
        ],
    )
    for watch_line in monitoring:
        p = watch_line.predicate
        xlsx_append(
            watch,
            [
                p.unit.code,
                p.unit.name,
                p.kind,
                p.year,
                p.decree_number,
                watch_line.due_on,
                _("yes") if watch_line.overdue else _("no"),
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def monitoring_lines(board: NationalBoard) -> list[MonitoringLine]:
    """Every monitoring line of the board (not only the page's), for the download."""
    due: list[MonitoringDue] = list(board.monitoring_page.paginator.object_list)
    predicates = predicates_by_id([d.predicate_id for d in due])
    return [
        MonitoringLine(
            predicates[d.predicate_id],
            d.due_on,
            d.overdue,
            abs((board.today - d.due_on).days),
            d.round_id,
        )
        for d in due
        if d.predicate_id in predicates
    ]


# --- the home page's summary -----------------------------------------------------------------


@dataclass(frozen=True)
class SummaryLink:
    label: str
    url: str


@dataclass(frozen=True)
class HomeSummary:
    """What an agency or national user's home page leads with: their scope's counts for
    the year, the alerts, and where to look further."""

    audience: str  # "admin", "tpn" or "agency"
    year: int
    # Agency users: the units whose subtrees they oversee (None: the whole nation).
    roots: list[Unit] | None
    # (status, label, count); None for the TPN (they see nominations, not sheets).
    sheets: list[tuple[str, str, int]] | None
    sheets_total: int
    sheets_below: int
    nominations: list[tuple[str, str, int]]
    nominations_total: int
    follow_up: int
    candidates: int | None
    predicates_held: int
    monitoring_due: int
    monitoring_overdue: int
    links: list[SummaryLink]

    @property
    def alerts(self) -> int:
        return self.sheets_below + self.follow_up + self.monitoring_overdue


def summary_roots(user: AnyUser) -> list[Unit]:
    """The units whose whole subtree the user oversees through an assignment that covers
    sub-units, outermost only, in tree order."""
    roots: list[Unit] = []
    for a in sorted(
        (a for a in assignments_of(user) if a.unit is not None and a.covers_subtree),
        key=lambda a: a.unit.path,  # type: ignore[union-attr]
    ):
        unit = a.unit
        assert unit is not None
        if not any(unit.path.startswith(r.path) for r in roots):
            roots.append(unit)
    return roots


def _links(audience: str, roots: list[Unit] | None) -> list[SummaryLink]:
    from django.urls import NoReverseMatch, reverse

    links: list[SummaryLink] = []
    if audience in ("admin", "tpn"):
        links.append(SummaryLink(_("National view"), reverse("insight:national")))
    agencies = {
        u.path: u.pk
        for u in Unit.objects.filter(path__in={r.agency_path for r in roots or []}).only("path")
    }
    for root in roots or []:
        agency_id = agencies.get(root.agency_path)
        if agency_id is None:
            continue
        try:
            url = reverse("insight:agency_dashboard", args=[agency_id])
        except NoReverseMatch:
            # The agency dashboard is not built in this version: no dead link.
            continue
        if not root.is_agency:
            url += f"?unit={root.pk}"
        links.append(SummaryLink(_("Dashboard: %(unit)s") % {"unit": root.name}, url))
    return links


def home_summary(user: AnyUser, *, today: dt.date) -> HomeSummary | None:
    """The summary for an agency or national user (None for anyone else). A fixed number of
    grouped counts over the scope, whatever its size."""
    from django.db.models import Count

    from zona.assessments.models import Assessment, AssessmentStatus
    from zona.assessments.selectors.scores import EFFECTIVE_KEY
    from zona.insight.selectors.national import subtree_q
    from zona.national.models import Candidacy, CandidacyStatus, Nomination, PredicateStatus

    audience = national_audience(user)
    roots: list[Unit] | None = None
    if audience is None:
        roots = summary_roots(user)
        if not roots:
            return None
        audience = "agency"
    paths = None if roots is None else [r.path for r in roots]
    year = today.year
    sheets: list[tuple[str, str, int]] | None = None
    sheets_total = sheets_below = 0
    candidates: int | None = None
    if audience != "tpn":
        in_scope = Assessment.objects.filter(period__year=year).filter(subtree_q(paths))
        counts = dict(in_scope.values_list("status").annotate(n=Count("id")).order_by())
        sheets = [(s.value, str(s.label), counts.get(s.value, 0)) for s in AssessmentStatus]
        sheets_total = sum(counts.values())
        sheets_below = in_scope.filter(
            status=AssessmentStatus.SUBMITTED,
            stored_scores__key=EFFECTIVE_KEY,
            stored_scores__passed=False,
        ).count()
        candidates = (
            Candidacy.objects.filter(year=year, status=CandidacyStatus.DESIGNATED)
            .filter(subtree_q(paths))
            .count()
        )
    by_status = dict(
        Nomination.objects.filter(year=year)
        .filter(subtree_q(paths))
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    nominations = [(s, status_label(s), by_status[s]) for s in STATUS_COLUMNS if by_status.get(s)]
    held = Predicate.objects.filter(status=PredicateStatus.HELD).filter(subtree_q(paths)).count()
    due = monitoring_due(
        NationalFilters(),
        today=today,
        horizon_days=default_horizon(),
        cycle_months=national_settings().monitoring_cycle_months,
        unit_paths=paths,
    )
    return HomeSummary(
        audience=audience,
        year=year,
        roots=roots,
        sheets=sheets,
        sheets_total=sheets_total,
        sheets_below=sheets_below,
        nominations=nominations,
        nominations_total=sum(by_status.values()),
        follow_up=by_status.get(NominationStatus.FOLLOW_UP, 0),
        candidates=candidates,
        predicates_held=held,
        monitoring_due=sum(1 for d in due if not d.overdue),
        monitoring_overdue=sum(1 for d in due if d.overdue),
        links=_links(audience, roots),
    )
