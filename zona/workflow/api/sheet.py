"""The sheet's lifecycle in the API: submit, return, and its workflow history.

The paths stay under /api/v1/assessments/<id>/ with the request and response shapes they had
in the assessments API; the same services and transition table as the pages.
"""

from __future__ import annotations

from typing import cast

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import access_assessment_by_id, reviewer_tier
from zona.assessments.api.serializers import AssessmentSerializer
from zona.workflow.selectors.sheet import sheet_history
from zona.workflow.services.sheet import sheet_return, sheet_submit


def _actor(request: Request) -> User:
    return cast(User, request.user)


class SubmitSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100_000),
        required=False,
        help_text="The counts you confirm, as `submission_counts` in the sheet's detail "
        "(unanswered, no_evidence, failing); if the sheet changed since, 409 and nothing "
        "is submitted.",
    )


class ReturnSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Item codes to reopen; empty or missing returns the whole sheet",
    )
    reason = serializers.CharField(help_text="What the unit should revise")
    tier = serializers.CharField(
        required=False,
        help_text="The review tier you act in (default: the tier that holds the sheet, or "
        "for a sheet without chain your first that may act now)",
    )


class EventSerializer(serializers.Serializer):
    action = serializers.CharField(
        source="name",
        help_text="submitted, returned or resubmitted; another lifecycle's step as "
        "`<kind>.<action>` (e.g. `tier_review.complete`)",
    )
    action_label = serializers.CharField(
        source="label", help_text="The step in the reader's language"
    )
    at = serializers.DateTimeField()
    by = serializers.CharField(source="who")
    tier = serializers.CharField(help_text="The review tier that acted (name; may be empty)")
    tier_code = serializers.CharField()
    items = serializers.ListField(
        child=serializers.CharField(),
        help_text="Items returned or revised (empty: the whole sheet, or a first submission)",
    )
    reason = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()


class SheetSubmitView(APIView):
    @extend_schema(
        request=SubmitSerializer,
        responses=AssessmentSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submitted = sheet_submit(
            actor=_actor(request),
            assessment=assessment,
            confirmed=data.validated_data.get("counts"),
        )
        return Response(AssessmentSerializer(submitted).data)


class SheetReturnView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=ReturnSerializer,
        responses=AssessmentSerializer,
        description="A reviewer of the tier that holds the sheet returns the whole sheet "
        "(`items` empty) or the listed items for revision, with a reason. `tier`: the review "
        "tier acted in; its window applies.",
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tier = reviewer_tier(_actor(request), assessment.unit, v["tier"]) if v.get("tier") else None
        returned = sheet_return(
            actor=_actor(request),
            assessment=assessment,
            items=v.get("items", []),
            reason=v["reason"],
            tier=tier,
        )
        return Response(AssessmentSerializer(returned).data)


class SheetTimelineView(APIView):
    @extend_schema(
        responses=EventSerializer(many=True),
        description="The sheet's workflow history, oldest first: submissions, returns and "
        "every tier's steps.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        events = sheet_history(assessment, sheet_only=False)
        return Response(EventSerializer(events, many=True).data)


urlpatterns = [
    path(
        "assessments/<int:pk>/submit/",
        SheetSubmitView.as_view(),
        name="api-workflow-sheet-submit",
    ),
    path(
        "assessments/<int:pk>/return/",
        SheetReturnView.as_view(),
        name="api-workflow-sheet-return",
    ),
    path(
        "assessments/<int:pk>/timeline/",
        SheetTimelineView.as_view(),
        name="api-workflow-sheet-timeline",
    ),
]
