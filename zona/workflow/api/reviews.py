"""A sheet's tier reviews in the API: the chain with each review's status and what the caller
may do, and the actions of a tier (sign-off, completion, sending back to the tier below).

The same services and transition table as the review page: a refused action answers 409 with
the refusal's code (`not_team_lead`, `window_closed`, `wrong_state` ...) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import access_assessment_by_id
from zona.workflow.engine import refusal
from zona.workflow.models import Recommendation, TierReview
from zona.workflow.selectors.reviews import access_tier_review, reviews_with_sign_offs
from zona.workflow.services.reviews import review_complete, review_send_back, review_sign_off
from zona.workflow.tables.reviews import PEOPLE_ACTIONS, TIER_REVIEW


def _actor(request: Request) -> User:
    return cast(User, request.user)


class SignOffSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="lead or controller")
    by = serializers.CharField(source="signed_by.display_name")
    at = serializers.DateTimeField()
    recommendation = serializers.CharField()
    note = serializers.CharField()


class TierReviewActionSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    code = serializers.CharField(help_text="The refusal's code; empty when allowed")
    message = serializers.CharField(help_text="Why not, in the reader's language")


class TierReviewSerializer(serializers.Serializer):
    tier = serializers.CharField(source="tier.code")
    tier_name = serializers.CharField(source="tier.name")
    position = serializers.IntegerField()
    status = serializers.CharField(help_text="waiting, open, completed, returned or closed")
    status_label = serializers.CharField(source="get_status_display")
    stale = serializers.BooleanField(
        help_text="Reopened because a lower layer changed after its completion"
    )
    recommendation = serializers.CharField(help_text="forward, hold or empty")
    note = serializers.CharField()
    opens_on = serializers.DateField(source="step.opens_on")
    closes_on = serializers.DateField(source="step.closes_on")
    opened_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = serializers.CharField(
        source="completed_by.display_name", allow_null=True, default=None
    )
    sign_offs = SignOffSerializer(many=True, source="sign_offs.all")
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=TierReviewActionSerializer()))
    def get_allowed_actions(self, review: TierReview) -> dict[str, dict[str, Any]]:
        """sign_off, complete and send_back, each as {allowed, code, message} for the caller
        (only the actions the review's state offers)."""
        actor = self.context["actor"]
        result = {}
        for action in PEOPLE_ACTIONS:
            if review.status not in TIER_REVIEW.transition(action).sources:
                continue
            refused = refusal(
                TIER_REVIEW,
                review,
                action,
                actor,
                tier=review.tier,
                data={"recommendation": Recommendation.FORWARD},
                reason="-" if action == "send_back" else "",
            )
            result[action] = {
                "allowed": refused is None,
                "code": refused.code if refused else "",
                "message": refused.message if refused else "",
            }
        return result


class CompleteSerializer(serializers.Serializer):
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices,
        required=False,
        allow_blank=True,
        help_text="forward or hold; a technical controller may leave it out to keep the lead's",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class SendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=20_000, help_text="Why the tier below should look again"
    )


def _one(request: Request, review: TierReview) -> Response:
    fresh = reviews_with_sign_offs(review.assessment, review.pk)[0]
    return Response(TierReviewSerializer(fresh, context={"actor": _actor(request)}).data)


ReviewAction = Callable[[User, TierReview, dict[str, Any]], TierReview]


def _act(
    request: Request,
    pk: int,
    tier: str,
    shape: type[serializers.Serializer],
    action: ReviewAction,
) -> Response:
    """A tier's action: the review through access (404 before the body is read), the body
    checked against `shape`, the service called, and the review as it now stands."""
    review = access_tier_review(_actor(request), pk, tier)
    data = shape(data=request.data)
    data.is_valid(raise_exception=True)
    return _one(request, action(_actor(request), review, data.validated_data))


def _with_verdict(service: Callable[..., TierReview]) -> ReviewAction:
    """A completion or a sign-off: the service given the body's recommendation and note
    (both may be left out)."""

    def action(actor: User, review: TierReview, data: dict[str, Any]) -> TierReview:
        return service(
            actor=actor,
            review=review,
            recommendation=data.get("recommendation", ""),
            note=data.get("note", ""),
        )

    return action


class TierReviewListView(APIView):
    @extend_schema(
        responses=TierReviewSerializer(many=True),
        description="The sheet's tier reviews in chain order, each with its status, "
        "recommendation, sign-offs and the actions the caller may take now (empty list: the "
        "sheet's period has no chain).",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        rows = reviews_with_sign_offs(assessment)
        return Response(
            TierReviewSerializer(rows, many=True, context={"actor": _actor(request)}).data
        )


class TierReviewCompleteView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=CompleteSerializer,
        responses=TierReviewSerializer,
        description="Complete the tier's review (the team lead; where the step uses a "
        "technical controller, the controller after the lead signed off). Forwarded, the "
        "next tier opens; not forwarded, the sheet stops.",
    )
    def post(self, request: Request, pk: int, tier: str) -> Response:
        return _act(request, pk, tier, CompleteSerializer, _with_verdict(review_complete))


class TierReviewSignOffView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=CompleteSerializer,
        responses=TierReviewSerializer,
        description="The team lead signs the review off, where the step uses a technical "
        "controller (who then completes it).",
    )
    def post(self, request: Request, pk: int, tier: str) -> Response:
        return _act(request, pk, tier, CompleteSerializer, _with_verdict(review_sign_off))


class TierReviewSendBackView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=SendBackSerializer,
        responses=TierReviewSerializer,
        description="The tier holding the sheet (its team lead) sends it back to the completed "
        "tier below with a reason: that review reopens and this one waits for it.",
    )
    def post(self, request: Request, pk: int, tier: str) -> Response:
        return _act(
            request,
            pk,
            tier,
            SendBackSerializer,
            lambda actor, review, data: review_send_back(
                actor=actor, review=review, reason=data["reason"]
            ),
        )


urlpatterns = [
    path(
        "assessments/<int:pk>/reviews/",
        TierReviewListView.as_view(),
        name="api-workflow-reviews-list",
    ),
    path(
        "assessments/<int:pk>/reviews/<str:tier>/complete/",
        TierReviewCompleteView.as_view(),
        name="api-workflow-reviews-complete",
    ),
    path(
        "assessments/<int:pk>/reviews/<str:tier>/sign-off/",
        TierReviewSignOffView.as_view(),
        name="api-workflow-reviews-sign-off",
    ),
    path(
        "assessments/<int:pk>/reviews/<str:tier>/send-back/",
        TierReviewSendBackView.as_view(),
        name="api-workflow-reviews-send-back",
    ),
]
