"""Assessments: the list, one sheet's detail, its scores and layers (submitting and returning
are the workflow's: zona/workflow/api/sheet.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import review_tiers_for
from zona.assessments.access import (
    access_assessment_by_id,
    assessments_visible_to,
)
from zona.assessments.api import serializers as s
from zona.assessments.api.views._common import actor
from zona.assessments.models import Assessment
from zona.assessments.ports import review_gate
from zona.assessments.selectors import (
    LayerInfo,
    SubmissionCounts,
    SurveyOffer,
    Window,
    item_layers,
    load_sheet_state,
    sheet_scores,
    submission_counts,
    submission_refusal,
    submission_window,
    survey_indices,
    survey_offers,
)
from zona.core.api.params import query_id
from zona.core.errors import Refusal
from zona.frameworks.scoring import Scorecard

# The sheet's actions the workflow decides (zona/workflow/tables/sheet.py), asked through the
# port for `allowed_actions`.
SHEET_ACTIONS = ("submit", "return")


class AssessmentListView(generics.ListAPIView):
    serializer_class = s.AssessmentSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.INT),
            OpenApiParameter("unit", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Assessment]:
        qs = assessments_visible_to(actor(self.request)).order_by(
            "-period__year", "unit__path", "id"
        )
        params = self.request.query_params
        for key in ("period", "unit"):
            value = query_id(params, key)
            if value is not None:
                qs = qs.filter(**{f"{key}_id": value})
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs


@dataclass(frozen=True)
class AssessmentDetail:
    """One sheet with what its detail adds to the list's fields.

    The assessment's own fields are read through it, so `AssessmentDetailSerializer` (a
    model serializer of the list's fields plus these) renders it as it is.
    """

    assessment: Assessment
    layers: list[LayerInfo]
    window: Window
    submission_refusal: str | None
    survey_suggestions: dict[str, SurveyOffer]
    submission_counts: SubmissionCounts
    your_tiers: list[str]
    # Sheet action -> None (the user may) or the refusal, from the workflow's table.
    allowed_actions: dict[str, Refusal | None]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.assessment, name)


class AssessmentDetailView(APIView):
    @extend_schema(responses=s.AssessmentDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        # Reading never writes: a survey index is offered, not put into the sheet.
        state, indices = load_sheet_state(assessment), survey_indices(assessment)
        detail = AssessmentDetail(
            assessment=assessment,
            layers=state.layers,
            window=submission_window(assessment),
            submission_refusal=str(refusal)
            if (refusal := submission_refusal(assessment))
            else None,
            survey_suggestions=survey_offers(state, indices),
            submission_counts=submission_counts(state, indices),
            your_tiers=[t.code for t in review_tiers_for(actor(request), assessment.unit)],
            allowed_actions={
                action: review_gate().refusal(assessment, action, actor(request))
                for action in SHEET_ACTIONS
            },
        )
        return Response(s.AssessmentDetailSerializer(detail).data)


@dataclass(frozen=True)
class LayerScores:
    target: str
    # By the layer's code as the API names layers (`?layer=`); scored by tier.
    layers: dict[str, Scorecard]
    effective: Scorecard


class AssessmentScoresView(APIView):
    @extend_schema(responses=s.ScoresSerializer)
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state = load_sheet_state(assessment)
        scores = sheet_scores(state)
        out = LayerScores(
            target=scores.target,
            layers={layer.code: scores.layers[layer.key] for layer in state.layers},
            effective=scores.effective,
        )
        return Response(s.ScoresSerializer(out).data)


@dataclass(frozen=True)
class SheetLayers:
    layers: list[LayerInfo]
    items: list[Any]


class AssessmentLayersView(APIView):
    @extend_schema(
        responses=s.LayersSerializer,
        description="Every layer's answer and note per item side by side, the answer that "
        "counts in the effective score (the highest tier that answered) and whether a reviewer "
        "layer differs from the unit's answer. Same access rules as the review page.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state = load_sheet_state(assessment)
        out = SheetLayers(layers=state.layers, items=item_layers(state))
        return Response(s.LayersSerializer(out).data)
