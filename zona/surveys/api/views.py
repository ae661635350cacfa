"""Read API for survey campaigns, their results and the indices the LKE takes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import Perm, access_unit_by_id
from zona.core.api.params import query_id, query_int
from zona.surveys.access import access_campaign_by_id
from zona.surveys.api.serializers import (
    CampaignDetailSerializer,
    CampaignResultsSerializer,
    CampaignSerializer,
    IndexResultSerializer,
    SurveyIndicesSerializer,
)
from zona.surveys.models import Campaign
from zona.surveys.reporting import figures_from_k, shown_services
from zona.surveys.selectors import (
    campaign_progress,
    campaign_results,
    campaigns_for,
    progress_by_campaign,
    results_by_service,
    survey_indices_for,
    with_instruments,
)


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, description="Only campaigns of this year."),
        OpenApiParameter("unit", int, description="Only campaigns of this unit."),
    ]
)
class CampaignListView(generics.ListAPIView):
    """Survey campaigns of units where the caller may see surveys, newest first."""

    serializer_class = CampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        qs = with_instruments(campaigns_for(self.request.user)).order_by("-year", "-opens_on", "pk")
        params = self.request.query_params
        year, unit = query_int(params, "year", maximum=9999), query_id(params, "unit")
        if year is not None:
            qs = qs.filter(year=year)
        if unit is not None:
            qs = qs.filter(unit_id=unit)
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        # Counts for the whole page in two queries, not two per campaign.
        context = {
            **self.get_serializer_context(),
            "progress": progress_by_campaign(c.pk for c in rows),
        }
        data = CampaignSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class CampaignDetailView(APIView):
    @extend_schema(responses=CampaignDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        campaign = access_campaign_by_id(request.user, pk)
        progress = campaign_progress(campaign)
        serializer = CampaignDetailSerializer(
            campaign,
            context={
                "request": request,
                "progress": {campaign.pk: (progress.counted, progress.target)},
                "service_progress": progress,
            },
        )
        return Response(serializer.data)


class CampaignResultsView(APIView):
    """Indices of the campaign: per instrument, per item and per service (counted responses;
    a service is left out while it, or what it would give away, has fewer than
    ZONA_SURVEY_MIN_GROUP responses)."""

    @extend_schema(responses=CampaignResultsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        campaign = access_campaign_by_id(request.user, pk)
        progress = campaign_progress(campaign)
        services = results_by_service(campaign)
        visible = shown_services(services)
        data = {
            "campaign": campaign.pk,
            "counted": progress.counted,
            "excluded": progress.excluded,
            "results": [
                IndexResultSerializer.from_result(r)
                for r in figures_from_k(campaign_results(campaign))
            ],
            "by_service": [
                {
                    "service_code": s.service.code,
                    "service_name": s.service.name,
                    "respondents": s.respondents,
                    "results": [
                        IndexResultSerializer.from_result(r) for r in figures_from_k(s.results)
                    ],
                }
                for s in services
                # Figures of groups under ZONA_SURVEY_MIN_GROUP are never shown (reporting.py).
                if s.respondents == 0 or s.service.code in visible
            ],
        }
        return Response(CampaignResultsSerializer(data).data)


class UnitIndicesView(APIView):
    """What the unit's LKE takes from its surveys of a year: IPAK (B.I.a), IPKP (B.II.a) and
    the number of SKM rounds (suggested for A.I.6.iv.a)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="Default: the current year.")],
        responses=SurveyIndicesSerializer,
    )
    def get(self, request: Request, unit_id: int) -> Response:
        unit = access_unit_by_id(request.user, unit_id, perm=Perm.SURVEY_VIEW)
        year = query_int(request.query_params, "year", maximum=9999)
        if year is None:
            year = timezone.localdate().year
        data = {"unit": unit.pk, "year": year, **survey_indices_for(unit, year)}
        return Response(SurveyIndicesSerializer(data).data)
