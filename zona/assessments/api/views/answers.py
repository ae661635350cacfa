"""Answers of one sheet, per layer (`?layer=`), and each item's history."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.assessments.access import (
    access_assessment_by_id,
    review_tier_code_known,
    reviewer_tier,
)
from zona.assessments.api import serializers as s
from zona.assessments.api.views._common import LAYER_PARAM, actor
from zona.assessments.selectors import AnswerRow, item_history, load_sheet_state
from zona.assessments.services import UNSET, answer_save
from zona.core.errors import NotFound


class AnswerListView(APIView):
    @extend_schema(parameters=[LAYER_PARAM], responses=s.AnswerSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state = load_sheet_state(assessment)
        code = request.query_params.get("layer", "unit")
        layer = state.layer_named(code)
        if layer is None:
            if code == "unit" or review_tier_code_known(assessment.unit, code):
                return Response([])
            raise NotFound(_("This sheet has no layer %(layer)s.") % {"layer": code})
        rows = list(state.answers.get(layer.id, {}).values())
        return Response(s.AnswerSerializer(rows, many=True).data)


class AnswerDetailView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(parameters=[LAYER_PARAM], responses=s.AnswerSerializer)
    def get(self, request: Request, pk: int, code: str) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state = load_sheet_state(assessment)
        if code not in state.spec.items:
            raise Http404
        wanted = request.query_params.get("layer", "unit")
        layer = state.layer_named(wanted)
        row = state.answer(layer, code) if layer else None
        return Response(s.AnswerSerializer(row or AnswerRow(item_code=code)).data)

    @extend_schema(
        parameters=[LAYER_PARAM],
        request=s.AnswerWriteSerializer,
        responses={200: s.AnswerSerializer, 409: OpenApiTypes.OBJECT},
        description="Save an answer and/or note. Send the revision you started from; if "
        "someone saved the item since, nothing changes and 409 carries their value.",
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        data = s.AnswerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        layer = request.query_params.get("layer", "unit")
        answer_save(
            actor=actor(request),
            assessment=assessment,
            item_code=code,
            revision=v["revision"],
            value=v.get("value", UNSET),
            note=v.get("note", UNSET),
            tier=None if layer == "unit" else reviewer_tier(actor(request), assessment.unit, layer),
            via="api",
        )
        return self.get(request, pk, code)


class AnswerHistoryView(APIView):
    @extend_schema(responses=s.ChangeSerializer(many=True))
    def get(self, request: Request, pk: int, code: str) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        return Response(s.ChangeSerializer(item_history(assessment, code), many=True).data)
