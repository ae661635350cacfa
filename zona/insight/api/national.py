"""REST API of the national view (issue 12 §5): the figures of `/national/` for the TPN and
the national administrator (anyone else: 404, as the page). The TPN gets the nominations'
figures only: no agency candidates or sheets, and the funnel from the proposal on."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Page
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.insight.national import (
    NationalBoard,
    access_national_view,
    load_national,
    read_filters,
)


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, **kwargs)


class NationalPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    count = serializers.IntegerField()


class NationalAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text="nomination status -> nominations"
    )
    total = serializers.IntegerField()
    candidates = serializers.IntegerField(
        allow_null=True, help_text="designated candidates (national administrator only)"
    )
    submitted_sheets = serializers.IntegerField(
        allow_null=True, help_text="submitted sheets (national administrator only)"
    )


class NationalStageCellSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    rate = _rate(help_text="percent of the stage before")


class NationalStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    phase = serializers.CharField(help_text="agency (the agency's chain) or tpn")
    years = NationalStageCellSerializer(many=True)
    total = serializers.IntegerField()
    total_rate = _rate()


class NationalPredicateGroupSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    agency = serializers.CharField(allow_blank=True, help_text="agency code")
    province = serializers.CharField(allow_blank=True)
    wbk = serializers.IntegerField(help_text="WBK held")
    wbbm = serializers.IntegerField(help_text="WBBM held")
    revoked = serializers.IntegerField()


class NationalMonitoringSerializer(serializers.Serializer):
    predicate = serializers.IntegerField()
    unit = serializers.CharField(help_text="unit code")
    kind = serializers.CharField()
    year = serializers.IntegerField()
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()


class NationalSerializer(serializers.Serializer):
    audience = serializers.CharField(help_text="admin (national administrator) or tpn")
    years = serializers.ListField(child=serializers.IntegerField())
    nominations = serializers.IntegerField()
    average_pass_rate = _rate(help_text="mean of the yearly awarded / proposed percentages")
    satker_total = serializers.IntegerField()
    satker_holding = serializers.IntegerField(help_text="satker holding a WBK or WBBM today")
    agencies = NationalAgencySerializer(many=True)
    agencies_page = NationalPageSerializer()
    stages = NationalStageSerializer(many=True)
    predicates = NationalPredicateGroupSerializer(many=True)
    predicates_page = NationalPageSerializer()
    monitoring_due = serializers.IntegerField()
    monitoring_overdue = serializers.IntegerField()
    monitoring = NationalMonitoringSerializer(many=True)
    monitoring_page = NationalPageSerializer()


def _page(page: Page) -> dict[str, int]:
    return {
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


def national_data(board: NationalBoard) -> dict[str, Any]:
    return {
        "audience": board.audience,
        "years": list(board.years),
        "nominations": board.nominations,
        "average_pass_rate": board.average_pass_rate,
        "satker_total": board.funnel.units_total,
        "satker_holding": board.funnel.units_holding,
        "agencies": [
            {
                "id": r.agency.pk,
                "code": r.agency.code,
                "name": r.agency.name,
                "by_status": r.by_status,
                "total": r.total,
                "candidates": r.candidates,
                "submitted_sheets": r.submitted_sheets,
            }
            for r in board.agency_page.object_list
        ],
        "agencies_page": _page(board.agency_page),
        "stages": [
            {
                "key": line.key,
                "label": line.label,
                "phase": line.phase,
                "years": [
                    {"year": y, "count": c.count, "rate": c.rate}
                    for y, c in zip(board.years, line.cells, strict=True)
                ],
                "total": line.total.count,
                "total_rate": line.total.rate,
            }
            for line in board.stage_lines
        ],
        "predicates": [
            {
                "year": g.year,
                "agency": g.agency.code if g.agency else "",
                "province": g.province,
                "wbk": g.wbk,
                "wbbm": g.wbbm,
                "revoked": g.revoked,
            }
            for g in board.predicate_page.object_list
        ],
        "predicates_page": _page(board.predicate_page),
        "monitoring_due": board.monitoring_due,
        "monitoring_overdue": board.monitoring_overdue,
        "monitoring": [
            {
                "predicate": m.predicate.pk,
                "unit": m.predicate.unit.code,
                "kind": m.predicate.kind,
                "year": m.predicate.year,
                "due_on": m.due_on,
                "overdue": m.overdue,
            }
            for m in board.monitoring_page.object_list
        ],
        "monitoring_page": _page(board.monitoring_page),
    }


def _int_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, required=False, description=description)


class NationalView(APIView):
    @extend_schema(
        parameters=[
            _int_param("year", "one year (default: every year)"),
            _int_param("agency", "one agency's id (default: every agency)"),
            _int_param("horizon", "monitoring due within this many days (default 90)"),
            _int_param("apage", "page of the agencies"),
            _int_param("ppage", "page of the predicate groups"),
            _int_param("mpage", "page of the monitoring list"),
        ],
        responses=NationalSerializer,
        description="The national view: nominations by agency and stage, the funnel with "
        "pass rates per stage and year, predicates by year, agency and province, and "
        "monitoring due and overdue. For the TPN and the national administrator; the TPN "
        "sees the nominations' figures only.",
    )
    def get(self, request: Request) -> Response:
        audience = access_national_view(cast(User, request.user))
        filters, horizon = read_filters(request.query_params)
        board = load_national(
            audience,
            filters,
            today=timezone.localdate(),
            horizon_days=horizon,
            pages={k: request.query_params.get(k) for k in ("apage", "ppage", "mpage")},
        )
        return Response(NationalSerializer(national_data(board)).data)


urlpatterns = [
    path("national/", NationalView.as_view(), name="api-insight-national"),
]
