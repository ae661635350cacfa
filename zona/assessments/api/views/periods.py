"""Periods and the assessments created in them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import Perm, access_unit_by_id
from zona.assessments.access import (
    access_period_by_id,
    periods_visible_to,
    units_of_agency_by_ids,
)
from zona.assessments.api import serializers as s
from zona.assessments.api.views._common import actor
from zona.assessments.services import (
    DeadlineInput,
    assessment_create_many,
    period_create,
    period_update,
)
from zona.core.errors import ValidationFailed
from zona.frameworks.models import Framework


class PeriodListView(generics.ListCreateAPIView):
    serializer_class = s.PeriodSerializer

    def get_queryset(self) -> QuerySet:
        return (
            periods_visible_to(actor(self.request))
            .prefetch_related("deadlines")
            .order_by("-year", "id")
        )

    @extend_schema(request=s.PeriodWriteSerializer, responses={201: s.PeriodSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.PeriodWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = access_unit_by_id(actor(request), v["agency"], perm=Perm.PERIOD_MANAGE)
        framework = Framework.objects.filter(pk=v["framework"]).first()
        if framework is None:
            raise ValidationFailed("unknown framework")
        period = period_create(
            actor=actor(request),
            agency=agency,
            year=v["year"],
            title=v["title"],
            framework=framework,
            opens_on=v["opens_on"],
            closes_on=v["closes_on"],
            deadlines=[DeadlineInput(**d) for d in v.get("deadlines", [])],
        )
        return Response(s.PeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class PeriodDetailView(APIView):
    @extend_schema(responses=s.PeriodSerializer)
    def get(self, request: Request, pk: int) -> Response:
        period = access_period_by_id(actor(request), pk, perm=Perm.ASSESSMENT_VIEW)
        return Response(s.PeriodSerializer(period).data)

    @extend_schema(request=s.PeriodUpdateSerializer, responses=s.PeriodSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        """Change a period (its manager only). New dates that would leave a review chain
        step's window outside the period are refused (`chain_window_outside`), and so is a
        level deadline after the period closes, given or kept (`deadline_after_close`)."""
        period = access_period_by_id(actor(request), pk)
        data = s.PeriodUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if "deadlines" in v:
            deadlines = [DeadlineInput(**d) for d in v["deadlines"]]
        else:
            deadlines = [
                DeadlineInput(d.level, d.fill_deadline, d.review_deadline, d.revision_deadline)
                for d in period.deadlines.all()
            ]
        updated = period_update(
            actor=actor(request),
            period=period,
            title=v.get("title", period.title),
            opens_on=v.get("opens_on", period.opens_on),
            closes_on=v.get("closes_on", period.closes_on),
            deadlines=deadlines,
            status=v.get("status"),
            require_complete=v.get("require_complete"),
        )
        return Response(s.PeriodSerializer(updated).data)


class PeriodAssessmentListView(APIView):
    @extend_schema(
        request=s.BulkCreateSerializer, responses={201: s.AssessmentSerializer(many=True)}
    )
    def post(self, request: Request, pk: int) -> Response:
        period = access_period_by_id(actor(request), pk)
        data = s.BulkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = {row["unit"]: row["target"] for row in data.validated_data["units"]}
        units = units_of_agency_by_ids(period.agency, list(wanted))
        missing = [pk for pk in wanted if pk not in units]
        if missing:
            raise ValidationFailed(f"unknown units: {missing}")
        result = assessment_create_many(
            actor=actor(request),
            period=period,
            targets={units[pk]: target for pk, target in wanted.items()},
            carry_forward=data.validated_data["carry_forward"],
        )
        return Response(
            s.AssessmentSerializer(result.created, many=True).data, status=status.HTTP_201_CREATED
        )
