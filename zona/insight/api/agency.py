"""REST API of the agency and subtree dashboard (issue 12 §4): the page's figures, from
stored scores, and the agency's yearly targets. The agency and the subtree are fetched
through `access_agency_dashboard` (missing, another agency's, a unit operator: the same
404); only the agency's administrators set targets."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.insight.agency.access import access_agency_dashboard, can_set_targets
from zona.insight.agency.board import read_filters
from zona.insight.agency.targets import target_set
from zona.insight.models import AgencyTarget, TargetKind
from zona.insight.selectors.agency import (
    Board,
    TargetsView,
    agency_periods,
    agency_targets,
    funnel_years,
    load_board,
    regional_offices,
    targets_view,
)
from zona.insight.selectors.funnel import Funnel, funnel


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=4, **kwargs)


def _percent(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, **kwargs)


class AgencyDashboardColumnSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="unit, tier:<id> or effective")
    label = serializers.CharField()  # type: ignore[assignment]


class AgencyDashboardUnitSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    assessment = serializers.IntegerField()
    unit = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(allow_blank=True, help_text="the regional office above")
    status = serializers.CharField()
    target = serializers.CharField()
    totals = serializers.DictField(
        child=_decimal(allow_null=True),
        help_text="column key -> the view's stored total (effective: after koefisien)",
    )
    pengungkit = _decimal(allow_null=True)
    hasil = _decimal(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    area_percent = serializers.DictField(
        child=_percent(), help_text="area key -> effective score as % of the area's maximum"
    )


class AgencyDashboardGapSerializer(serializers.Serializer):
    area = serializers.CharField()
    title = serializers.CharField()
    weight = _decimal()
    averages = serializers.DictField(child=_percent(), help_text="column key -> average score")
    gaps = serializers.DictField(
        child=_percent(), help_text="column key -> average (view - unit's own), same sheets"
    )
    counts = serializers.DictField(child=serializers.IntegerField())


class AgencyDashboardMinimumSerializer(serializers.Serializer):
    predicate = serializers.CharField()
    condition = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField(help_text="pengungkit, hasil, area or total")
    measure = serializers.CharField()
    bound = _decimal(help_text="from the framework's predicate conditions")
    units_below = serializers.IntegerField()


class AgencyDashboardAlertSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    unit = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    predicate = serializers.CharField()
    condition = serializers.CharField()


class AgencyDashboardHistogramSerializer(serializers.Serializer):
    edges = serializers.ListField(child=_decimal())
    series = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="column key (unit, effective) -> sheets per band",
    )


class AgencyDashboardStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    phase = serializers.CharField(help_text="agency or tpn")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="year -> count")
    rates = serializers.DictField(
        child=_percent(), help_text="year -> % of the stage before (null: nothing before)"
    )


class AgencyDashboardFunnelSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    stages = AgencyDashboardStageSerializer(many=True)
    pass_rates = serializers.DictField(child=_percent(), help_text="year -> awarded / proposed")
    average_pass_rate = _percent(help_text="mean of the yearly rates (years with nominations)")
    units_total = serializers.IntegerField(help_text="active satker in scope")
    units_holding = serializers.IntegerField(help_text="of them, holding a WBK or WBBM")
    holding_percent = _percent()


class AgencyDashboardRegionSerializer(serializers.Serializer):
    region = serializers.CharField(allow_blank=True)
    satker = serializers.IntegerField()
    proposed = serializers.IntegerField()
    new_wbk = serializers.IntegerField()
    new_wbbm = serializers.IntegerField()


class AgencyDashboardTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.CharField(help_text=", ".join(TargetKind.values))
    number = serializers.IntegerField(min_value=0, max_value=100_000)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class AgencyDashboardTargetCheckSerializer(serializers.Serializer):
    target = AgencyDashboardTargetSerializer()
    actual = serializers.IntegerField()
    reached = serializers.BooleanField()
    regions_reached = serializers.IntegerField(allow_null=True)
    regions = serializers.IntegerField(allow_null=True)


class AgencyDashboardTargetsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    regions = AgencyDashboardRegionSerializer(many=True)
    checks = AgencyDashboardTargetCheckSerializer(many=True)


class AgencyDashboardSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    scope = serializers.IntegerField()
    period = serializers.IntegerField()
    year = serializers.IntegerField()
    sheets = serializers.IntegerField(help_text="filtered sheets (all pages)")
    passed = serializers.IntegerField(help_text="of them, meeting their target predicate")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    columns = AgencyDashboardColumnSerializer(many=True)
    units = AgencyDashboardUnitSerializer(many=True)
    gap = AgencyDashboardGapSerializer(many=True)
    histogram = AgencyDashboardHistogramSerializer()
    minimums = AgencyDashboardMinimumSerializer(many=True)
    alerts = AgencyDashboardAlertSerializer(many=True)
    targets = AgencyDashboardTargetsSerializer()
    funnel = AgencyDashboardFunnelSerializer()


def _target(t: AgencyTarget) -> dict[str, Any]:
    return {"id": t.pk, "year": t.year, "kind": t.kind, "number": t.number, "note": t.note}


def _funnel(f: Funnel) -> dict[str, Any]:
    return {
        "years": list(f.years),
        "stages": [
            {
                "key": s.key,
                "label": s.label,
                "phase": s.phase,
                "counts": {str(y): s.count(y) for y in f.years},
                "rates": {str(y): f.rate(i, y) for y in f.years},
            }
            for i, s in enumerate(f.stages)
        ],
        "pass_rates": {str(y): f.pass_rate(y) for y in f.years},
        "average_pass_rate": f.average_pass_rate,
        "units_total": f.units_total,
        "units_holding": f.units_holding,
        "holding_percent": f.holding_percent,
    }


def _targets(view: TargetsView) -> dict[str, Any]:
    return {
        "year": view.year,
        "regions": [
            {
                "region": r.region,
                "satker": r.satker,
                "proposed": r.proposed,
                "new_wbk": r.new_wbk,
                "new_wbbm": r.new_wbbm,
            }
            for r in view.regions
        ],
        "checks": [
            {
                "target": _target(c.target),
                "actual": c.actual,
                "reached": c.reached,
                "regions_reached": c.regions_reached,
                "regions": c.regions,
            }
            for c in view.checks
        ],
    }


def dashboard_data(board: Board, flow: Funnel, targets: TargetsView, agency_id: int) -> dict:
    per_minimum = {(a.minimum.predicate, a.minimum.name): a.count for a in board.alert_counts}
    return {
        "agency": agency_id,
        "scope": board.scope.pk,
        "period": board.filters.period.pk,
        "year": board.filters.period.year,
        "sheets": board.sheets,
        "passed": board.passed,
        "page": board.page.number,
        "pages": board.page.paginator.num_pages,
        "columns": [{"key": c.key, "label": c.label} for c in board.columns],
        "units": [
            {
                "rank": r.rank,
                "assessment": r.assessment.pk,
                "unit": r.assessment.unit_id,
                "code": r.assessment.unit.code,
                "name": r.assessment.unit.name,
                "region": r.region,
                "status": r.assessment.status,
                "target": r.assessment.target,
                "totals": r.totals,
                "pengungkit": r.pengungkit,
                "hasil": r.hasil,
                "passed": r.passed,
                "area_percent": r.area_percent,
            }
            for r in board.rows
        ],
        "gap": [
            {
                "area": g.area.key,
                "title": g.area.title,
                "weight": g.weight,
                "averages": g.averages,
                "gaps": g.gaps,
                "counts": g.counts,
            }
            for g in board.gap
        ],
        "histogram": {"edges": board.histogram.edges, "series": board.histogram.series},
        "minimums": [
            {
                "predicate": m.predicate,
                "condition": m.name,
                "title": m.title,
                "kind": m.kind,
                "measure": m.measure,
                "bound": m.bound,
                "units_below": per_minimum.get((m.predicate, m.name), 0),
            }
            for m in board.minimums
        ],
        "alerts": [
            {
                "assessment": a.assessment_id,
                "unit": a.unit_name,
                "region": a.region,
                "predicate": a.minimum.predicate,
                "condition": a.minimum.name,
            }
            for a in board.alerts
        ],
        "targets": _targets(targets),
        "funnel": _funnel(flow),
    }


FILTERS = [
    OpenApiParameter("unit", OpenApiTypes.INT, description="a subtree of the agency"),
    OpenApiParameter("period", OpenApiTypes.INT, description="one of the agency's periods"),
    OpenApiParameter("year", OpenApiTypes.INT, description="the period of that year"),
    OpenApiParameter("region", OpenApiTypes.INT, description="a regional office's id"),
    OpenApiParameter("status", OpenApiTypes.STR, description="draft, submitted or returned"),
    OpenApiParameter("target", OpenApiTypes.STR, description="wbk or wbbm"),
    OpenApiParameter("page", OpenApiTypes.INT, description="the page of ranked units"),
]


class AgencyDashboardView(APIView):
    @extend_schema(
        parameters=FILTERS,
        responses=AgencyDashboardSerializer,
        description="The agency (or subtree) dashboard: the filtered sheets ranked by their "
        "effective total with each view's stored total, the calibration gap per area, the "
        "distribution of the totals, the units below a Pengungkit, Hasil or area minimum of "
        "their target (the framework's conditions), the year's targets against the data per "
        "regional office and the funnel with pass rates per stage and year.",
    )
    def get(self, request: Request, pk: int) -> Response:
        agency, scope = access_agency_dashboard(
            cast(User, request.user), pk, request.query_params.get("unit")
        )
        periods = agency_periods(agency)
        if not periods:
            raise Http404
        filters = read_filters(request.query_params, periods, regional_offices(scope))
        board = load_board(scope, agency, filters)
        flow = funnel(scope, funnel_years(periods, filters.period.year))
        targets = targets_view(scope, agency, filters.period.year)
        data = dashboard_data(board, flow, targets, agency.pk)
        return Response(AgencyDashboardSerializer(data).data)


class AgencyTargetsView(APIView):
    @extend_schema(
        responses=AgencyDashboardTargetSerializer(many=True),
        description="The agency's yearly targets (everyone who may open its dashboard).",
    )
    def get(self, request: Request, pk: int) -> Response:
        agency, _scope = access_agency_dashboard(cast(User, request.user), pk)
        rows = agency_targets(agency)
        return Response(AgencyDashboardTargetSerializer([_target(t) for t in rows], many=True).data)

    @extend_schema(
        request=AgencyDashboardTargetSerializer,
        responses={201: AgencyDashboardTargetSerializer},
        description="Set a target (the agency's administrators): one per kind and year, "
        "replaced when set again.",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = cast(User, request.user)
        agency, scope = access_agency_dashboard(user, pk)
        if scope != agency or not can_set_targets(user, agency):
            raise Http404
        form = AgencyDashboardTargetSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        target = target_set(
            actor=user,
            agency=agency,
            year=values["year"],
            kind=values["kind"],
            number=values["number"],
            note=values.get("note", ""),
        )
        return Response(
            AgencyDashboardTargetSerializer(_target(target)).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path(
        "agencies/<int:pk>/dashboard/",
        AgencyDashboardView.as_view(),
        name="api-insight-agency-dashboard",
    ),
    path(
        "agencies/<int:pk>/targets/", AgencyTargetsView.as_view(), name="api-insight-agency-targets"
    ),
]
