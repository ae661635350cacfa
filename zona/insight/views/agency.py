"""The agency and subtree dashboard (issue 12 §4): every unit with its stored scores per
tier, filters and ranking, the heatmap of areas x units, the distribution, threshold
alerts, the calibration gap, the yearly targets and the funnel; each table as Excel. The
agency's administrators set the targets on their own page. Reads stored scores only."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zona.assessments.models import AssessmentStatus, Target
from zona.assessments.selectors.scores import EFFECTIVE_KEY
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.views._common import AuthedRequest, flash_error
from zona.core.errors import ValidationFailed, ZonaError
from zona.insight.agency import excel
from zona.insight.agency.access import (
    access_agency_dashboard,
    access_agency_target,
    can_set_targets,
)
from zona.insight.agency.board import chart_data, read_filters
from zona.insight.agency.targets import target_delete, target_set
from zona.insight.models import TargetKind
from zona.insight.selectors.agency import (
    Filters,
    agency_periods,
    agency_targets,
    all_rows,
    funnel_years,
    load_board,
    region_label,
    regional_offices,
    subtree_children,
    targets_view,
)
from zona.insight.selectors.funnel import Funnel, funnel

# How much the page lists before pointing to the Excel file (presentation, not a rule).
MAX_ALERTS = 50
MAX_CHILDREN = 60


def _filters(request: AuthedRequest, periods: list, offices: list) -> Filters:
    try:
        return read_filters(request.GET, periods, offices)
    except ValidationFailed as exc:
        if not periods:
            raise Http404 from None
        flash_error(request, exc)
        return Filters(period=periods[0])


def _stage_rate(flow: Funnel, index: int, year: int) -> Decimal | None:
    """The stage's share of the stage before, or None when it counts more than that stage: a
    review tier that covers only part of the subtree passes fewer sheets than the tier after
    it, and a share above 100% would read as nonsense."""
    if index and flow.stages[index].count(year) > flow.stages[index - 1].count(year):
        return None
    return flow.rate(index, year)


@login_required
@require_GET
def dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    agency, scope = access_agency_dashboard(request.user, pk, request.GET.get("unit"))
    periods = agency_periods(agency)
    if not periods:
        return render(
            request,
            "insight/agency/dashboard.html",
            {"agency": agency, "scope": scope, "board": None},
        )
    offices = regional_offices(scope)
    filters = _filters(request, periods, offices)
    board = load_board(scope, agency, filters)
    year = filters.period.year
    flow = funnel(scope, funnel_years(periods, year))
    targets = targets_view(scope, agency, year)
    query = filters.as_query(unit=scope.pk if scope.pk != agency.pk else None)
    edges = board.histogram.edges
    series = board.histogram.series
    return render(
        request,
        "insight/agency/dashboard.html",
        {
            "agency": agency,
            "scope": scope,
            "board": board,
            "funnel": flow,
            "funnel_rows": [
                (stage, [(stage.count(y), _stage_rate(flow, i, y)) for y in flow.years])
                for i, stage in enumerate(flow.stages)
            ],
            "pass_rates": [(y, flow.pass_rate(y)) for y in flow.years],
            "targets": targets,
            "periods": periods,
            "regions": offices,
            "statuses": AssessmentStatus.choices,
            "target_choices": Target.choices,
            "query": query,
            "can_set_targets": can_set_targets(request.user, agency),
            "children": subtree_children(scope, MAX_CHILDREN),
            "heatmap_height": 80 + 28 * max(1, len(board.rows)),
            "histogram_rows": [
                (
                    f"{edges[i]:.0f}\u2013{edges[i + 1]:.0f}",
                    series[UNIT_KEY][i],
                    series[EFFECTIVE_KEY][i],
                )
                for i in range(len(edges) - 1)
            ],
            "alerts": board.alerts[:MAX_ALERTS],
            "alerts_more": max(0, len(board.alerts) - MAX_ALERTS),
            "gap_rows": [
                (g, [(g.averages[c.key], g.gap(c.key)) for c in board.columns]) for g in board.gap
            ],
            "region_rows": [(region_label(r.region), r) for r in targets.regions],
            "chart_json": json.dumps(chart_data(board, flow, scope)),
        },
    )


@login_required
@require_GET
def dashboard_xlsx(request: AuthedRequest, pk: int, table: str) -> HttpResponse:
    if table not in excel.TABLES:
        raise Http404
    agency, scope = access_agency_dashboard(request.user, pk, request.GET.get("unit"))
    periods = agency_periods(agency)
    if not periods:
        raise Http404
    try:
        filters = read_filters(request.GET, periods, regional_offices(scope))
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    if table == "units":
        columns, rows = all_rows(scope, agency, filters)
        board = load_board(scope, agency, filters, page_size=1)
        data = excel.units_workbook(board, columns, rows)
    elif table in ("alerts", "gap"):
        board = load_board(scope, agency, filters, page_size=1)
        data = excel.alerts_workbook(board) if table == "alerts" else excel.gap_workbook(board)
    elif table == "funnel":
        data = excel.funnel_workbook(funnel(scope, funnel_years(periods, filters.period.year)))
    else:
        data = excel.targets_workbook(targets_view(scope, agency, filters.period.year))
    stamp = f"{timezone.localdate():%Y%m%d}"
    name = f"{table}-{slugify(scope.code)}-{filters.period.year}-{stamp}.xlsx"
    response = HttpResponse(data, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TargetForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=gettext_lazy("Target"), choices=TargetKind.choices)
    number = forms.IntegerField(label=gettext_lazy("Number"), min_value=0, max_value=100_000)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthedRequest, pk: int) -> HttpResponse:
    agency, _scope = access_agency_dashboard(request.user, pk)
    if agency != _scope or not can_set_targets(request.user, agency):
        raise Http404
    periods = agency_periods(agency)
    year = periods[0].year if periods else timezone.localdate().year
    form = TargetForm(request.POST or None, initial={"year": year})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target_set(
                    actor=request.user,
                    agency=agency,
                    year=form.cleaned_data["year"],
                    kind=form.cleaned_data["kind"],
                    number=form.cleaned_data["number"],
                    note=form.cleaned_data["note"],
                )
            except ZonaError as exc:
                flash_error(request, exc)
                status = 400
            else:
                messages.success(request, _("The target is saved."))
                return redirect("insight:agency_targets", pk=agency.pk)
        else:
            status = 400
    rows = agency_targets(agency)
    checks = {}
    for y in sorted({t.year for t in rows}, reverse=True):
        for check in targets_view(agency, agency, y).checks:
            checks[check.target.pk] = check
    return render(
        request,
        "insight/agency/targets.html",
        {
            "agency": agency,
            "form": form,
            "targets": [(t, checks.get(t.pk)) for t in rows],
            "dashboard_url": reverse("insight:agency_dashboard", args=[agency.pk]),
        },
        status=status,
    )


@login_required
@require_POST
def target_remove(request: AuthedRequest, pk: int, target_id: int) -> HttpResponse:
    agency, _scope = access_agency_dashboard(request.user, pk)
    target = access_agency_target(request.user, agency, target_id)
    try:
        target_delete(actor=request.user, target=target)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The target is removed."))
    return redirect("insight:agency_targets", pk=agency.pk)


urlpatterns = [
    path("agencies/<int:pk>/dashboard/", dashboard, name="agency_dashboard"),
    path(
        "agencies/<int:pk>/dashboard/<slug:table>.xlsx",
        dashboard_xlsx,
        name="agency_dashboard_xlsx",
    ),
    path("agencies/<int:pk>/targets/", targets, name="agency_targets"),
    path(
        "agencies/<int:pk>/targets/<int:target_id>/delete/",
        target_remove,
        name="agency_target_delete",
    ),
]
