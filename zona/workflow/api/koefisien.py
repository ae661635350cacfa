"""REST API of the koefisien part: the agency's kinds (its administrator), and the events of
a sheet (everyone who sees it reads them with the score before/after; reviewers of the unit
record and withdraw). Every endpoint fetches through the access functions in
zona/workflow/selectors/koefisien.py (missing and forbidden: the same 404)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.core.errors import Refusal
from zona.workflow.engine import refusal
from zona.workflow.models import DeductionMode, KoefisienEvent, KoefisienEventStatus
from zona.workflow.selectors.koefisien import (
    KoefisienRights,
    KoefisienSummary,
    access_event_by_id,
    access_kind_by_id,
    access_koefisien_agency,
    access_koefisien_sheet,
    kinds_of,
    koefisien_summary,
)
from zona.workflow.services.koefisien import (
    EventInput,
    KindInput,
    koefisien_kind_create,
    koefisien_kind_update,
    koefisien_record,
    koefisien_withdraw,
)
from zona.workflow.tables.koefisien import KOEFISIEN_EVENT


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _refusal_json(r: Refusal | None) -> dict[str, str] | None:
    return None if r is None else {"code": r.code, "message": r.message}


# --- serializers -----------------------------------------------------------------------------


class KindSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    mode = serializers.ChoiceField(choices=DeductionMode.choices)
    value = serializers.DecimalField(max_digits=8, decimal_places=4)
    active = serializers.BooleanField()
    position = serializers.IntegerField()


class KindWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(choices=DeductionMode.choices)
    # A string, checked by the service (a factor in (0, 1], points in (0, 100]).
    value = serializers.CharField(max_length=20, help_text="0.9 (factor) or 5 (points)")
    active = serializers.BooleanField(required=False, default=True)
    position = serializers.IntegerField(required=False, default=0, min_value=0, max_value=32000)

    def kind_input(self) -> KindInput:
        d = self.validated_data
        return KindInput(
            name=d["name"],
            code=d.get("code", ""),
            description=d.get("description", ""),
            mode=d["mode"],
            value=d["value"],
            active=d.get("active", True),
            position=d.get("position", 0),
        )


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="kind.code")
    label = serializers.CharField()  # type: ignore[assignment]
    mode = serializers.ChoiceField(choices=DeductionMode.choices)
    value = serializers.DecimalField(max_digits=8, decimal_places=4)
    tier = serializers.CharField(source="tier.code")
    status = serializers.ChoiceField(choices=KoefisienEventStatus.choices)
    occurred_on = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]
    note = serializers.CharField()
    internal_note = serializers.SerializerMethodField()
    evidence_name = serializers.CharField()
    evidence_size = serializers.IntegerField()
    evidence_url = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()
    withdrawn_by = serializers.CharField(
        source="withdrawn_by.username", allow_null=True, default=None
    )
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.CharField()
    allowed_actions = serializers.SerializerMethodField()

    def get_internal_note(self, obj: KoefisienEvent) -> str | None:
        """Reviewers of the unit only (null for everyone else)."""
        rights: KoefisienRights = self.context["rights"]
        return obj.internal_note if rights.is_reviewer else None

    def get_allowed_actions(self, obj: KoefisienEvent) -> dict[str, Any]:
        """Action -> null when the user may do it now, else the refusal {code, message}."""
        user = self.context["user"]
        return {
            a: _refusal_json(refusal(KOEFISIEN_EVENT, obj, a, user, tier=obj.tier, reason="-"))
            for a in KOEFISIEN_EVENT.actions_from(obj.status)
        }


class StepSerializer(serializers.Serializer):
    event = serializers.IntegerField(source="deduction.event_id", allow_null=True)
    label = serializers.CharField(source="deduction.label")  # type: ignore[assignment]
    mode = serializers.CharField(source="deduction.mode")
    value = serializers.DecimalField(source="deduction.value", max_digits=8, decimal_places=4)
    before = serializers.DecimalField(max_digits=12, decimal_places=4)
    after = serializers.DecimalField(max_digits=12, decimal_places=4)


class SummarySerializer(serializers.Serializer):
    before = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    after = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    passed_before = serializers.BooleanField(allow_null=True)
    passed_after = serializers.BooleanField(allow_null=True)
    steps = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_steps(self, obj: KoefisienSummary) -> list[dict[str, Any]]:
        """The counted deductions in the order applied (factors, then points), with the
        running total."""
        if obj.breakdown is None:
            return []
        return cast(list[dict[str, Any]], StepSerializer(obj.breakdown.steps, many=True).data)

    def get_events(self, obj: KoefisienSummary) -> list[dict[str, Any]]:
        return cast(
            list[dict[str, Any]], EventSerializer(obj.events, many=True, context=self.context).data
        )


class EventWriteSerializer(serializers.Serializer):
    tier = serializers.CharField(required=False, help_text="your review tier's code")
    kind = serializers.IntegerField(min_value=1, help_text="the id of one of the agency's kinds")
    occurred_on = serializers.DateField()
    source = serializers.CharField(max_length=2000, allow_blank=True)  # type: ignore[assignment]
    note = serializers.CharField(required=False, allow_blank=True, default="")
    internal_note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)

    def event_input(self) -> EventInput:
        d = self.validated_data
        return EventInput(
            kind=d["kind"],
            occurred_on=d["occurred_on"],
            source=d["source"],
            note=d.get("note", ""),
            internal_note=d.get("internal_note", ""),
            evidence_url=d.get("evidence_url", ""),
            evidence_file=d.get("evidence_file"),
        )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


# --- views ------------------------------------------------------------------------------------


class KindsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=KindSerializer(many=True))
    def get(self, request: Request, unit_id: int) -> Response:
        agency = access_koefisien_agency(_actor(request), unit_id)
        return Response(KindSerializer(kinds_of(agency), many=True).data)

    @extend_schema(request=KindWriteSerializer, responses={201: KindSerializer})
    def post(self, request: Request, unit_id: int) -> Response:
        agency = access_koefisien_agency(_actor(request), unit_id)
        data = KindWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = koefisien_kind_create(actor=_actor(request), agency=agency, data=data.kind_input())
        return Response(KindSerializer(kind).data, status=201)


class KindView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=KindSerializer)
    def get(self, request: Request, unit_id: int, kid: int) -> Response:
        agency = access_koefisien_agency(_actor(request), unit_id)
        return Response(KindSerializer(access_kind_by_id(_actor(request), agency, kid)).data)

    @extend_schema(request=KindWriteSerializer, responses=KindSerializer)
    def put(self, request: Request, unit_id: int, kid: int) -> Response:
        agency = access_koefisien_agency(_actor(request), unit_id)
        kind = access_kind_by_id(_actor(request), agency, kid)
        data = KindWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = koefisien_kind_update(actor=_actor(request), kind=kind, data=data.kind_input())
        return Response(KindSerializer(kind).data)


class EventsView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=SummarySerializer)
    def get(self, request: Request, pk: int) -> Response:
        """The sheet's events (counted and withdrawn) and its effective score before and
        after them."""
        assessment, rights = access_koefisien_sheet(_actor(request), pk)
        summary = koefisien_summary(assessment)
        ctx = {"rights": rights, "user": request.user}
        return Response(SummarySerializer(summary, context=ctx).data)

    @extend_schema(
        request={
            "application/json": EventWriteSerializer,
            "multipart/form-data": EventWriteSerializer,
        },
        responses={201: SummarySerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record an event (reviewers of the unit); the score is updated at once. An
        evidence file goes as multipart form data."""
        assessment, rights = access_koefisien_sheet(_actor(request), pk)
        if not rights.is_reviewer:
            raise Http404
        data = EventWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # An unknown tier code gives None, which the service refuses (not_tier_reviewer).
        tier = rights.tier(data.validated_data.get("tier"))
        koefisien_record(
            actor=_actor(request), assessment=assessment, tier=tier, data=data.event_input()
        )
        summary = koefisien_summary(assessment)
        ctx = {"rights": rights, "user": request.user}
        return Response(SummarySerializer(summary, context=ctx).data, status=201)


class WithdrawView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=WithdrawSerializer, responses=SummarySerializer)
    def post(self, request: Request, pk: int, eid: int) -> Response:
        """Withdraw an event with a reason (reviewers of its tier); it is kept and stops
        counting."""
        assessment, rights = access_koefisien_sheet(_actor(request), pk)
        if not rights.is_reviewer:
            raise Http404
        event = access_event_by_id(_actor(request), assessment, eid)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        koefisien_withdraw(actor=_actor(request), event=event, reason=data.validated_data["reason"])
        summary = koefisien_summary(assessment)
        ctx = {"rights": rights, "user": request.user}
        return Response(SummarySerializer(summary, context=ctx).data)


A = "agencies/<int:unit_id>/koefisien/kinds/"
P = "assessments/<int:pk>/koefisien/"

urlpatterns = [
    path(A, KindsView.as_view(), name="api-workflow-koefisien-kinds"),
    path(A + "<int:kid>/", KindView.as_view(), name="api-workflow-koefisien-kind"),
    path(P, EventsView.as_view(), name="api-workflow-koefisien-events"),
    path(P + "<int:eid>/withdraw/", WithdrawView.as_view(), name="api-workflow-koefisien-withdraw"),
]
