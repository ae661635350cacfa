"""Reviewer tools in the API: the work queue, comments on items, marks on evidence files.

Every sheet is fetched through `access_assessment_by_id` (404 when missing or forbidden);
comments are listed as the user may read them (internal ones only for the unit's
reviewers); a tier named in a request must be one the user reviews the unit in.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import (
    access_assessment_by_id,
    access_evidence_link_by_id,
    reviewer_tier,
)
from zona.core.api.params import int_or_none
from zona.core.errors import Problem, ValidationFailed
from zona.workflow.models.comments import CommentKind, EvidenceMark, EvidenceVerdict, ItemComment
from zona.workflow.selectors.comments import (
    QUEUE_FILTERS,
    QueueRow,
    comment_with_people,
    comments_visible_to,
    filter_queue,
    review_queue,
    sheet_marks,
)
from zona.workflow.services.comments import (
    comment_add,
    comment_reopen,
    comment_reply,
    comment_resolve,
    evidence_mark,
)


def _actor(request: Request) -> User:
    return cast(User, request.user)


class _Ref(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class QueueRowSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment.pk")
    unit = _Ref(source="assessment.unit")
    period = serializers.SerializerMethodField()
    tier = _Ref()
    due = serializers.DateField()
    chained = serializers.BooleanField()
    items = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    differing = serializers.IntegerField()
    returned = serializers.IntegerField()
    revised = serializers.IntegerField()
    waiting = serializers.IntegerField()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get_period(self, row: QueueRow) -> dict[str, Any]:
        period = row.assessment.period
        return {"id": period.pk, "title": period.title, "year": period.year}


class QueueView(GenericAPIView):
    serializer_class = QueueRowSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "show",
                OpenApiTypes.STR,
                enum=list(QUEUE_FILTERS),
                description="Keep the sheets where this count is above zero.",
            )
        ],
        description="The sheets waiting for the user in each tier they review, by due date, "
        "with per sheet the items reviewed, differing from the layer below, in the last "
        "return, revised by the unit since that return, and still waiting.",
    )
    def get(self, request: Request) -> Response:
        show = request.query_params.get("show", "")
        if show and show not in QUEUE_FILTERS:
            message = _("Unknown filter; use one of: %(names)s.") % {
                "names": ", ".join(QUEUE_FILTERS)
            }
            raise ValidationFailed(message, problems=[Problem("invalid_choice", message, "show")])
        rows = filter_queue(review_queue(_actor(request)), show)
        page = self.paginate_queryset(rows)
        data = QueueRowSerializer(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


# --- comments ----------------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.code")
    tier_name = serializers.CharField(source="tier.name")
    author = serializers.CharField(source="author.display_name")
    resolved_by = serializers.CharField(
        source="resolved_by.display_name", allow_null=True, default=None
    )

    class Meta:
        model = ItemComment
        fields = [
            "id",
            "item_code",
            "tier",
            "tier_name",
            "parent",
            "kind",
            "from_unit",
            "author",
            "body",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolution_note",
        ]


class CommentCreateSerializer(serializers.Serializer):
    item_code = serializers.CharField(required=False, max_length=64)
    tier = serializers.CharField(required=False, max_length=32)
    kind = serializers.ChoiceField(choices=CommentKind.choices, required=False)
    body = serializers.CharField(max_length=4000)
    reply_to = serializers.IntegerField(
        required=False,
        help_text="The id of a thread's first comment: reply on it (item, tier and kind are "
        "the thread's).",
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class CommentListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[OpenApiParameter("item", OpenApiTypes.STR)],
        responses=CommentSerializer(many=True),
        description="The sheet's comments the user may read, oldest first: internal ones only "
        "for the unit's reviewers.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        qs = comments_visible_to(_actor(request), assessment)
        item = request.query_params.get("item")
        if item:
            qs = qs.filter(item_code=item)
        return Response(CommentSerializer(qs, many=True).data)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
        description="A reviewer opens a thread on an item in their tier (`item_code`, `tier`, "
        "`kind`: to_unit, internal or must_fix); with `reply_to`, a reviewer or the unit "
        "replies on a thread they can read.",
    )
    def post(self, request: Request, pk: int) -> Response:
        actor = _actor(request)
        assessment = access_assessment_by_id(actor, pk)
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v.get("reply_to") is not None:
            thread = _comment_or_404(request, pk, v["reply_to"])
            made = comment_reply(actor=actor, thread=thread, body=v["body"])
        else:
            missing = [f for f in ("item_code", "tier", "kind") if not v.get(f)]
            if missing:
                message = _("Name the item, the tier and the kind of comment.")
                raise ValidationFailed(
                    message, problems=[Problem("required", message, f) for f in missing]
                )
            tier = reviewer_tier(actor, assessment.unit, v["tier"])
            made = comment_add(
                actor=actor,
                assessment=assessment,
                item_code=v["item_code"],
                tier=tier,
                kind=v["kind"],
                body=v["body"],
            )
        made = comment_with_people(made.pk)
        return Response(CommentSerializer(made).data, status=201)


def _comment_or_404(request: Request, pk: int, comment_id: object) -> ItemComment:
    assessment = access_assessment_by_id(_actor(request), pk)
    wanted = int_or_none(comment_id)
    if wanted is None:
        raise Http404
    comment = comments_visible_to(_actor(request), assessment).filter(pk=wanted).first()
    if comment is None:
        raise Http404
    comment.assessment = assessment
    return comment


class _SettleView(APIView):
    parser_classes = [JSONParser]
    resolve = True

    @extend_schema(request=NoteSerializer, responses=CommentSerializer)
    def post(self, request: Request, pk: int, comment_id: int) -> Response:
        comment = _comment_or_404(request, pk, comment_id)
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data.get("note", "")
        settle = comment_resolve if self.resolve else comment_reopen
        done = settle(actor=_actor(request), comment=comment, note=note)
        done = comment_with_people(done.pk)
        return Response(CommentSerializer(done).data)


class CommentResolveView(_SettleView):
    """A reviewer of the thread's tier resolves it (a must-fix stops blocking the tier)."""

    resolve = True


class CommentReopenView(_SettleView):
    """A reviewer of the thread's tier reopens it."""

    resolve = False


# --- evidence marks ------------------------------------------------------------------------------


class EvidenceMarkSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="tier.code")
    tier_name = serializers.CharField(source="tier.name")
    item_code = serializers.CharField(source="link.item_code")
    marked_by = serializers.CharField(source="marked_by.display_name")
    latest = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceMark
        fields = [
            "id",
            "link",
            "item_code",
            "tier",
            "tier_name",
            "verdict",
            "note",
            "marked_by",
            "marked_at",
            "latest",
        ]

    def get_latest(self, mark: EvidenceMark) -> bool:
        """Whether this is the tier's current mark on the file (later ones supersede it)."""
        latest: dict[tuple[int, int], int] = self.context.get("latest", {})
        return latest.get((mark.link_id, mark.tier_id)) == mark.pk


class EvidenceMarkCreateSerializer(serializers.Serializer):
    link = serializers.IntegerField(help_text="The evidence link (file on an item) marked.")
    tier = serializers.CharField(max_length=32)
    verdict = serializers.ChoiceField(choices=EvidenceVerdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class EvidenceMarkListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        responses=EvidenceMarkSerializer(many=True),
        description="Every mark on the sheet's evidence files, oldest first; `latest` is the "
        "tier's current mark on that file. The unit sees them too, notes included.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        marks = sheet_marks(assessment)
        latest = {(m.link_id, m.tier_id): m.pk for m in marks}
        return Response(EvidenceMarkSerializer(marks, many=True, context={"latest": latest}).data)

    @extend_schema(request=EvidenceMarkCreateSerializer, responses={201: EvidenceMarkSerializer})
    def post(self, request: Request, pk: int) -> Response:
        actor = _actor(request)
        assessment = access_assessment_by_id(actor, pk)
        data = EvidenceMarkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        link = access_evidence_link_by_id(actor, assessment.pk, v["link"])
        tier = reviewer_tier(actor, assessment.unit, v["tier"])
        mark = evidence_mark(
            actor=actor, link=link, tier=tier, verdict=v["verdict"], note=v.get("note", "")
        )
        mark = next(m for m in sheet_marks(assessment) if m.pk == mark.pk)
        out = EvidenceMarkSerializer(
            mark, context={"latest": {(mark.link_id, mark.tier_id): mark.pk}}
        )
        return Response(out.data, status=201)


urlpatterns = [
    path("review/queue/", QueueView.as_view(), name="api-workflow-comments-queue"),
    path(
        "assessments/<int:pk>/comments/",
        CommentListView.as_view(),
        name="api-workflow-comments-list",
    ),
    path(
        "assessments/<int:pk>/comments/<int:comment_id>/resolve/",
        CommentResolveView.as_view(),
        name="api-workflow-comments-resolve",
    ),
    path(
        "assessments/<int:pk>/comments/<int:comment_id>/reopen/",
        CommentReopenView.as_view(),
        name="api-workflow-comments-reopen",
    ),
    path(
        "assessments/<int:pk>/evidence-marks/",
        EvidenceMarkListView.as_view(),
        name="api-workflow-comments-marks",
    ),
]
