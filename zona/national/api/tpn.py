"""REST API of the TPN's stages (under /api/v1/): nominations (list, detail), each stage's
decision, the follow-up upload and acceptance, the appeal, the field evaluation, the
clearances, the determination and the sampling plan. Every endpoint fetches through
zona/national/access_tpn.py (missing and forbidden: the same 404)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.core.api.params import int_or_none
from zona.national.access_tpn import (
    access_nomination_by_id,
    is_tpn_member,
    nominations_visible_to,
)
from zona.national.models import (
    ClearanceBody,
    ClearanceResult,
    FieldMode,
    FollowUpKind,
    Nomination,
    NominationStatus,
    SamplingMethod,
)
from zona.national.selectors.tpn import QueueFilters, follow_up_item, queue, records_of
from zona.national.services.tpn import (
    DECISIONS,
    ClearanceInput,
    FieldInput,
    clearance_record,
    field_save,
    follow_up_accept,
    follow_up_upload,
    nomination_appeal,
    nomination_award,
    nomination_decide,
    sampling_set,
)
from zona.national.tables.nomination import NOMINATION
from zona.workflow.engine import refusal


def _actor(request: Request) -> User:
    return cast(User, request.user)


class NominationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    agency = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.CharField()
    stage = serializers.ChoiceField(choices=NominationStatus.choices)
    stage_display = serializers.CharField()
    sampled = serializers.BooleanField(allow_null=True)
    assessment = serializers.IntegerField()


class NominationStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    action = serializers.CharField()
    held_on = serializers.DateField()
    members = serializers.ListField(child=serializers.IntegerField())
    notes = serializers.CharField()


class NominationFollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FollowUpKind.choices)
    request = serializers.CharField()
    due_on = serializers.DateField()
    file_name = serializers.CharField()
    uploaded_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)


class NominationClearanceSerializer(serializers.Serializer):
    body = serializers.ChoiceField(choices=ClearanceBody.choices)
    result = serializers.ChoiceField(choices=ClearanceResult.choices)
    issued_on = serializers.DateField()
    reference = serializers.CharField()
    note = serializers.CharField()


class NominationDetailSerializer(NominationSerializer):
    stages = NominationStageSerializer(many=True)
    follow_ups = NominationFollowUpSerializer(many=True)
    clearances = NominationClearanceSerializer(many=True)
    appeal = serializers.DictField(allow_null=True)
    field_evaluation = serializers.DictField(allow_null=True)
    predicate = serializers.DictField(allow_null=True)
    allowed_actions = serializers.DictField(child=serializers.CharField(allow_null=True))


def _row(n: Nomination) -> dict[str, Any]:
    return {
        "id": n.pk,
        "unit": n.unit.code,
        "unit_name": n.unit.name,
        "agency": n.proposal.agency.code,
        "year": n.year,
        "target": n.target,
        "stage": n.status,
        "stage_display": str(n.get_status_display()),
        "sampled": n.sampled,
        "assessment": n.assessment_id,
    }


def _detail(n: Nomination, user: Any) -> dict[str, Any]:
    r = records_of(n)
    allowed: dict[str, str | None] = {}
    if is_tpn_member(user):
        for action in NOMINATION.actions_from(n.status):
            refused = refusal(NOMINATION, n, action, user, data={"held_on": None})
            allowed[action] = (
                None if refused is None or refused.code == "date_required" else refused.message
            )
    return {
        **_row(n),
        "stages": [
            {
                "stage": s.stage,
                "action": s.action,
                "held_on": s.held_on,
                "members": [m.pk for m in s.members.all()],
                "notes": s.notes,
            }
            for s in r.stages
        ],
        "follow_ups": [
            {
                "id": i.pk,
                "kind": i.kind,
                "request": i.request,
                "due_on": i.due_on,
                "file_name": i.file_name,
                "uploaded_at": i.uploaded_at,
                "accepted_at": i.accepted_at,
            }
            for i in r.follow_ups
        ],
        "clearances": [
            {
                "body": c.body,
                "result": c.result,
                "issued_on": c.issued_on,
                "reference": c.reference,
                "note": c.note,
            }
            for c in r.clearances
        ],
        "appeal": {
            "reason": r.appeal.reason,
            "filed_at": r.appeal.filed_at.isoformat(),
            "evidence": r.appeal.evidence_name,
            "decision": r.appeal.decision,
            "decision_reason": r.appeal.decision_reason,
        }
        if r.appeal
        else None,
        "field_evaluation": {
            "scheduled_on": r.field.scheduled_on.isoformat(),
            "mode": r.field.mode,
            "place": r.field.place,
            "interviews": r.field.interviews,
            "observations": r.field.observations,
            "findings": r.field.findings,
            "findings_file": r.field.findings_name,
        }
        if r.field
        else None,
        "predicate": {
            "kind": r.predicate.kind,
            "year": r.predicate.year,
            "decree_number": r.predicate.decree_number,
            "decree_date": r.predicate.decree_date.isoformat(),
        }
        if r.predicate
        else None,
        "allowed_actions": allowed,
    }


def _fresh(request: Request, n: Nomination) -> Response:
    return Response(
        NominationDetailSerializer(
            _detail(access_nomination_by_id(request.user, n.pk), request.user)
        ).data
    )


class NominationListView(ListAPIView):
    serializer_class = NominationSerializer

    def get_queryset(self) -> Any:
        p = self.request.query_params
        stage = p.get("stage", "")
        return queue(
            nominations_visible_to(self.request.user),
            QueueFilters(
                year=int_or_none(p.get("year")),
                agency=int_or_none(p.get("agency")),
                stage=stage if stage in NominationStatus.values else "",
            ),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [_row(n) for n in (page or [])]
        return self.get_paginated_response(NominationSerializer(rows, many=True).data)


class NominationDetailView(APIView):
    @extend_schema(responses=NominationDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """One nomination: its stage, the stage records, and what the TPN may do now."""
        n = access_nomination_by_id(request.user, pk)
        return Response(NominationDetailSerializer(_detail(n, request.user)).data)


class TpnDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(DECISIONS))
    held_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    members = serializers.ListField(child=serializers.IntegerField(), required=False)
    follow_up = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False
    )


class NominationDecideView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=TpnDecisionSerializer, responses=NominationDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """A TPN decision on the stage (pass, pass_with_notes with follow_up items, fail,
        resolve, close_follow_up, close_appeal, uphold, reject_appeal, desk_done,
        field_done, not_award)."""
        n = access_nomination_by_id(request.user, pk)
        data = TpnDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        nomination_decide(
            actor=_actor(request),
            nomination=n,
            action=d["action"],
            held_on=d.get("held_on"),
            notes=d.get("notes", ""),
            members=d.get("members") or [],
            follow_up=d.get("follow_up") or [],
        )
        return _fresh(request, n)


class TpnAwardSerializer(serializers.Serializer):
    decree_number = serializers.CharField(required=False, allow_blank=True, default="")
    decree_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    members = serializers.ListField(child=serializers.IntegerField(), required=False)


class NominationAwardView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=TpnAwardSerializer, responses=NominationDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """The determination: the predicate by its decree (number and date)."""
        n = access_nomination_by_id(request.user, pk)
        data = TpnAwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        nomination_award(
            actor=_actor(request),
            nomination=n,
            decree_number=d.get("decree_number", ""),
            decree_date=d.get("decree_date"),
            notes=d.get("notes", ""),
            members=d.get("members") or [],
        )
        return _fresh(request, n)


class NominationAppealSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    evidence = serializers.FileField(required=False)


class NominationAppealView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": NominationAppealSerializer},
        responses=NominationDetailSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        """The agency's appeal of a failed selection (its administrator or head), within
        the year's window, with the reason and data dukung."""
        n = access_nomination_by_id(request.user, pk)
        data = NominationAppealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nomination_appeal(
            actor=_actor(request),
            nomination=n,
            reason=data.validated_data["reason"],
            evidence=data.validated_data.get("evidence"),
        )
        return _fresh(request, n)


class NominationFileSerializer(serializers.Serializer):
    file = serializers.FileField()


class NominationFollowUpUploadView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": NominationFileSerializer},
        responses=NominationDetailSerializer,
    )
    def post(self, request: Request, pk: int, item_id: int) -> Response:
        """The unit sends the corrected document of one follow-up item."""
        n = access_nomination_by_id(request.user, pk)
        item = follow_up_item(n, item_id)
        if item is None:
            raise Http404
        data = NominationFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up_upload(actor=_actor(request), item=item, upload=data.validated_data["file"])
        return _fresh(request, n)


class NominationFollowUpAcceptView(APIView):
    @extend_schema(request=None, responses=NominationDetailSerializer)
    def post(self, request: Request, pk: int, item_id: int) -> Response:
        """The TPN accepts a sent document (the last one completes the follow-up)."""
        n = access_nomination_by_id(request.user, pk)
        item = follow_up_item(n, item_id)
        if item is None:
            raise Http404
        follow_up_accept(actor=_actor(request), item=item)
        return _fresh(request, n)


class TpnFieldSerializer(serializers.Serializer):
    scheduled_on = serializers.DateField(allow_null=True)
    # Not an enum in the schema: "mode" names other choice sets elsewhere (the service
    # refuses anything but these values).
    mode = serializers.CharField(help_text=" | ".join(FieldMode.values))
    place = serializers.CharField(required=False, allow_blank=True, default="")
    interviews = serializers.CharField(required=False, allow_blank=True)
    observations = serializers.CharField(required=False, allow_blank=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    findings_file = serializers.FileField(required=False)


class NominationFieldView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": TpnFieldSerializer,
            "multipart/form-data": TpnFieldSerializer,
        },
        responses=NominationDetailSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        """Schedule the field evaluation; during it, record interviews, observations and
        findings (text and file)."""
        n = access_nomination_by_id(request.user, pk)
        data = TpnFieldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        field_save(
            actor=_actor(request),
            nomination=n,
            data=FieldInput(
                scheduled_on=d.get("scheduled_on"),
                mode=d["mode"],
                place=d.get("place", ""),
                interviews=d.get("interviews"),
                observations=d.get("observations"),
                findings=d.get("findings"),
                findings_file=d.get("findings_file"),
            ),
        )
        return _fresh(request, n)


class TpnClearanceSerializer(serializers.Serializer):
    body = serializers.ChoiceField(choices=ClearanceBody.choices)
    result = serializers.ChoiceField(choices=ClearanceResult.choices)
    issued_on = serializers.DateField(allow_null=True)
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False)


class NominationClearanceView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": TpnClearanceSerializer,
            "multipart/form-data": TpnClearanceSerializer,
        },
        responses=NominationDetailSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        """The KPK's or the Ombudsman's clearance: a negative one ends the nomination; both
        clear move it to determination."""
        n = access_nomination_by_id(request.user, pk)
        data = TpnClearanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        clearance_record(
            actor=_actor(request),
            nomination=n,
            data=ClearanceInput(
                body=d["body"],
                result=d["result"],
                issued_on=d.get("issued_on"),
                reference=d.get("reference", ""),
                note=d.get("note", ""),
                document=d.get("document"),
            ),
        )
        return _fresh(request, n)


class TpnSamplingSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    method = serializers.ChoiceField(choices=SamplingMethod.choices)
    chosen = serializers.ListField(child=serializers.IntegerField(), required=False)
    size = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10000)
    seed = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TpnSamplingResultSerializer(serializers.Serializer):
    method = serializers.CharField()
    seed = serializers.CharField()
    size = serializers.IntegerField()
    nominations = NominationSerializer(many=True)


class TpnSamplingView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=TpnSamplingSerializer, responses=TpnSamplingResultSerializer)
    def post(self, request: Request) -> Response:
        """The TPN's sample of an agency's nominations of a year: chosen by hand or drawn
        at random with a recorded seed."""
        if not is_tpn_member(request.user):
            raise Http404
        data = TpnSamplingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        visible = nominations_visible_to(request.user)
        rows = list(queue(visible, QueueFilters(year=d["year"], agency=d["agency"])))
        if not rows:
            raise Http404
        plan = sampling_set(
            actor=_actor(request),
            agency=rows[0].proposal.agency,
            year=d["year"],
            method=d["method"],
            chosen=d.get("chosen") or [],
            size=d.get("size"),
            seed=d.get("seed", ""),
            note=d.get("note", ""),
        )
        rows = list(queue(visible, QueueFilters(year=d["year"], agency=d["agency"])))
        return Response(
            TpnSamplingResultSerializer(
                {
                    "method": plan.method,
                    "seed": plan.seed,
                    "size": plan.size,
                    "nominations": [_row(n) for n in rows],
                }
            ).data
        )


urlpatterns = [
    path("nominations/", NominationListView.as_view(), name="api-nominations"),
    path("nominations/<int:pk>/", NominationDetailView.as_view(), name="api-nomination"),
    path(
        "nominations/<int:pk>/decide/",
        NominationDecideView.as_view(),
        name="api-nomination-decide",
    ),
    path("nominations/<int:pk>/award/", NominationAwardView.as_view(), name="api-nomination-award"),
    path(
        "nominations/<int:pk>/appeal/",
        NominationAppealView.as_view(),
        name="api-nomination-appeal",
    ),
    path(
        "nominations/<int:pk>/follow-up/<int:item_id>/upload/",
        NominationFollowUpUploadView.as_view(),
        name="api-nomination-follow-up-upload",
    ),
    path(
        "nominations/<int:pk>/follow-up/<int:item_id>/accept/",
        NominationFollowUpAcceptView.as_view(),
        name="api-nomination-follow-up-accept",
    ),
    path("nominations/<int:pk>/field/", NominationFieldView.as_view(), name="api-nomination-field"),
    path(
        "nominations/<int:pk>/clearance/",
        NominationClearanceView.as_view(),
        name="api-nomination-clearance",
    ),
    path("tpn/sampling/", TpnSamplingView.as_view(), name="api-tpn-sampling"),
]
