"""REST API of the TPI part: the agency's gates (its administrator), a sheet's gates and
stage (the TPI's leads and the panel holders; facts, overrides, findings), and the panels
of a period (meeting, decisions, confirmation). Every endpoint fetches through the access
functions in zona/workflow/selectors/tpi.py (missing and forbidden: the same 404)."""

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

from zona.accounts.access import access_agency_by_id
from zona.accounts.models import User
from zona.assessments.access import access_assessment_by_id
from zona.workflow.engine import refusal
from zona.workflow.models import (
    GateComparison,
    GateKind,
    GateSource,
    GateValueType,
    PanelStatus,
    StageStatus,
    TierReview,
    TpiPanel,
)
from zona.workflow.selectors.tpi import (
    SheetGates,
    access_gate_by_id,
    access_panel_by_id,
    access_tpi_period,
    evaluate_gates,
    gates_of,
    may_hold_panel,
    panel_rows,
    panels_of,
    stage_of,
    tpi_actor_refusal,
    tpi_review,
)
from zona.workflow.services.tpi import (
    FactInput,
    GateInput,
    PanelInput,
    tpi_fact_record,
    tpi_gate_create,
    tpi_gate_update,
    tpi_override,
    tpi_panel_confirm,
    tpi_panel_create,
    tpi_panel_decide,
    tpi_panel_update,
    tpi_return_findings,
    tpi_skip_findings,
)
from zona.workflow.tables.tpi import TPI_PANEL


def _actor(request: Request) -> User:
    return cast(User, request.user)


# --- serializers -----------------------------------------------------------------------------


class GateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=GateKind.choices)
    source = serializers.CharField()  # type: ignore[assignment]
    value_type = serializers.ChoiceField(choices=GateValueType.choices)
    comparison = serializers.ChoiceField(choices=GateComparison.choices)
    required = serializers.CharField()  # type: ignore[assignment]
    scale = serializers.ListField(child=serializers.CharField())
    target = serializers.CharField()
    stops_on_failure = serializers.BooleanField()
    active = serializers.BooleanField()
    position = serializers.IntegerField()


class GateWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=GateKind.choices)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=GateSource.choices, required=False, allow_blank=True, default=""
    )
    value_type = serializers.ChoiceField(choices=GateValueType.choices, default="yes_no")
    comparison = serializers.ChoiceField(choices=GateComparison.choices, default="eq")
    required = serializers.CharField(max_length=40)  # type: ignore[assignment]
    scale = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, max_length=20
    )
    target = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    stops_on_failure = serializers.BooleanField(required=False, default=False)
    active = serializers.BooleanField(required=False, default=True)
    position = serializers.IntegerField(required=False, default=0, min_value=0, max_value=32000)

    def gate_input(self) -> GateInput:
        return GateInput(**self.validated_data)


class GateResultSerializer(serializers.Serializer):
    gate = serializers.CharField(source="gate.code")
    name = serializers.CharField(source="gate.name")
    state = serializers.CharField()
    value = serializers.CharField()
    failing = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField(source="fact.source", default=None, allow_null=True)  # type: ignore[assignment]
    override_reason = serializers.CharField(source="override.reason", default=None, allow_null=True)


def _gates_json(gates: SheetGates) -> dict[str, Any]:
    return {
        "blocked": gates.blocked,
        "results": GateResultSerializer(list(gates.results), many=True).data,
    }


class SheetTpiSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    review_status = serializers.CharField()
    stage = serializers.IntegerField()
    stage_status = serializers.ChoiceField(choices=StageStatus.choices)
    findings = serializers.CharField()
    findings_items = serializers.ListField(child=serializers.CharField())
    gates = serializers.DictField()


class FactWriteSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=40)
    source = serializers.CharField(allow_blank=True, max_length=2000)  # type: ignore[assignment]
    evidence_url = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    evidence_file = serializers.FileField(required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=5000)


class StageWriteSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["return_findings", "skip_findings"])
    items = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=500
    )
    reason = serializers.CharField(allow_blank=True, max_length=5000)


class PanelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.IntegerField(source="period_id")
    tier = serializers.CharField(source="step.tier.code")
    status = serializers.ChoiceField(choices=PanelStatus.choices)
    title = serializers.CharField()
    held_on = serializers.DateField()
    place = serializers.CharField()
    chair = serializers.CharField(source="chair.username", default=None, allow_null=True)
    minutes = serializers.CharField()
    minutes_name = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    def get_allowed_actions(self, obj: TpiPanel) -> dict[str, Any]:
        """Action -> null when the user may do it now, else the refusal {code, message}."""
        if obj.status != PanelStatus.DRAFT:
            return {}
        r = refusal(TPI_PANEL, obj, "confirm", self.context["user"])
        return {"confirm": None if r is None else {"code": r.code, "message": r.message}}


class PanelWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    chair = serializers.IntegerField(required=False, allow_null=True, default=None)
    present = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=200
    )
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    minutes_file = serializers.FileField(required=False)

    def panel_input(self) -> PanelInput:
        d = self.validated_data
        return PanelInput(
            title=d["title"],
            held_on=d["held_on"],
            place=d.get("place", ""),
            chair=d.get("chair"),
            present=d.get("present", []),
            minutes=d.get("minutes", ""),
            minutes_file=d.get("minutes_file"),
        )


class PanelRowSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment.pk")
    unit = serializers.CharField(source="assessment.unit.code")
    total = serializers.DecimalField(
        source="view.total", max_digits=9, decimal_places=4, default=None, allow_null=True
    )
    hasil = serializers.DecimalField(
        source="view.hasil", max_digits=9, decimal_places=4, default=None, allow_null=True
    )
    stage = serializers.IntegerField(source="stage_number")
    answered_by = serializers.ListField(child=serializers.CharField())
    gates = serializers.SerializerMethodField()
    propose = serializers.BooleanField(source="decision.propose", default=None, allow_null=True)
    reason = serializers.CharField(source="decision.reason", default=None, allow_null=True)

    def get_gates(self, obj: Any) -> dict[str, Any]:
        return _gates_json(obj.gates)


class PanelDetailSerializer(PanelSerializer):
    rows = serializers.SerializerMethodField()

    def get_rows(self, obj: TpiPanel) -> list[Any]:
        return list(PanelRowSerializer(panel_rows(obj), many=True).data)


class DecisionWriteSerializer(serializers.Serializer):
    propose = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, max_length=5000)


# --- views ------------------------------------------------------------------------------------


class GatesView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=GateSerializer(many=True))
    def get(self, request: Request, unit_id: int) -> Response:
        agency = access_agency_by_id(_actor(request), unit_id)
        return Response(GateSerializer(gates_of(agency), many=True).data)

    @extend_schema(request=GateWriteSerializer, responses={201: GateSerializer})
    def post(self, request: Request, unit_id: int) -> Response:
        agency = access_agency_by_id(_actor(request), unit_id)
        data = GateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = tpi_gate_create(actor=_actor(request), agency=agency, data=data.gate_input())
        return Response(GateSerializer(gate).data, status=201)


class GateView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=GateWriteSerializer, responses=GateSerializer)
    def put(self, request: Request, unit_id: int, gid: int) -> Response:
        agency = access_agency_by_id(_actor(request), unit_id)
        gate = access_gate_by_id(agency, gid)
        data = GateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        gate = tpi_gate_update(actor=_actor(request), gate=gate, data=data.gate_input())
        return Response(GateSerializer(gate).data)


def _sheet_review(request: Request, pk: int) -> TierReview:
    assessment = access_assessment_by_id(_actor(request), pk)
    review = tpi_review(assessment)
    if review is None:
        raise Http404
    review.assessment = assessment
    if tpi_actor_refusal(_actor(request), review) is not None and not may_hold_panel(
        _actor(request), assessment.period, review.step
    ):
        raise Http404
    return review


def _sheet_json(review: TierReview) -> dict[str, Any]:
    stage = stage_of(review)
    gates = evaluate_gates([review.assessment], review.tier)[review.assessment_id]
    return {
        "review": review.pk,
        "review_status": review.status,
        "stage": 1 if stage is None else stage.number,
        "stage_status": stage.status if stage else StageStatus.FINDINGS,
        "findings": stage.findings if stage else "",
        "findings_items": stage.findings_items if stage else [],
        "gates": _gates_json(gates),
    }


class SheetView(APIView):
    @extend_schema(responses=SheetTpiSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """The sheet's TPI gates (with their states) and the stage of the TPI's review."""
        return Response(_sheet_json(_sheet_review(request, pk)))


class FactView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": FactWriteSerializer,
            "multipart/form-data": FactWriteSerializer,
        },
        responses=SheetTpiSerializer,
    )
    def post(self, request: Request, pk: int, gid: int) -> Response:
        """Record a recorded gate's value on the sheet, with its source (and evidence)."""
        review = _sheet_review(request, pk)
        gate = access_gate_by_id(review.assessment.period.agency, gid)
        data = FactWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        tpi_fact_record(
            actor=_actor(request),
            review=review,
            gate=gate,
            data=FactInput(
                value=d["value"],
                source=d["source"],
                evidence_url=d.get("evidence_url", ""),
                evidence_file=d.get("evidence_file"),
            ),
        )
        return Response(_sheet_json(review))


class OverrideView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ReasonSerializer, responses=SheetTpiSerializer)
    def post(self, request: Request, pk: int, gid: int) -> Response:
        """Override a gate that is not met on the sheet, with the reason."""
        review = _sheet_review(request, pk)
        gate = access_gate_by_id(review.assessment.period.agency, gid)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tpi_override(
            actor=_actor(request), review=review, gate=gate, reason=data.validated_data["reason"]
        )
        return Response(_sheet_json(review))


class StageView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=StageWriteSerializer, responses=SheetTpiSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Stage 1: return the findings to the unit (items and reason), or close the stage
        without findings (reason)."""
        review = _sheet_review(request, pk)
        data = StageWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["action"] == "skip_findings":
            tpi_skip_findings(actor=_actor(request), review=review, reason=d["reason"])
        else:
            tpi_return_findings(
                actor=_actor(request), review=review, items=d["items"], reason=d["reason"]
            )
        return Response(_sheet_json(review))


class PanelsView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=PanelSerializer(many=True))
    def get(self, request: Request, period_id: int) -> Response:
        period = access_tpi_period(_actor(request), period_id)
        ctx = {"user": request.user}
        return Response(PanelSerializer(panels_of(period), many=True, context=ctx).data)

    @extend_schema(
        request={
            "application/json": PanelWriteSerializer,
            "multipart/form-data": PanelWriteSerializer,
        },
        responses={201: PanelSerializer},
    )
    def post(self, request: Request, period_id: int) -> Response:
        period = access_tpi_period(_actor(request), period_id)
        data = PanelWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        panel = tpi_panel_create(actor=_actor(request), period=period, data=data.panel_input())
        return Response(PanelSerializer(panel, context={"user": request.user}).data, status=201)


class PanelView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=PanelDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """The meeting and, per sheet at the TPI: its score, gates, stage, who answered,
        and the panel's decision."""
        panel = access_panel_by_id(_actor(request), pk)
        return Response(PanelDetailSerializer(panel, context={"user": request.user}).data)

    @extend_schema(
        request={
            "application/json": PanelWriteSerializer,
            "multipart/form-data": PanelWriteSerializer,
        },
        responses=PanelSerializer,
    )
    def put(self, request: Request, pk: int) -> Response:
        panel = access_panel_by_id(_actor(request), pk)
        data = PanelWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        panel = tpi_panel_update(actor=_actor(request), panel=panel, data=data.panel_input())
        return Response(PanelSerializer(panel, context={"user": request.user}).data)


class DecisionView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=DecisionWriteSerializer, responses=PanelDetailSerializer)
    def post(self, request: Request, pk: int, assessment_id: int) -> Response:
        """Record the panel's decision on a sheet (refused in stage 1, without a reason, or
        to propose while a gate is not met and not overridden)."""
        panel = access_panel_by_id(_actor(request), pk)
        data = DecisionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tpi_panel_decide(
            actor=_actor(request),
            panel=panel,
            assessment_id=assessment_id,
            propose=data.validated_data["propose"],
            reason=data.validated_data["reason"],
        )
        return Response(PanelDetailSerializer(panel, context={"user": request.user}).data)


class ConfirmView(APIView):
    @extend_schema(request=None, responses=PanelSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Confirm the minutes: the decisions become final and the units are told."""
        panel = access_panel_by_id(_actor(request), pk)
        panel = tpi_panel_confirm(actor=_actor(request), panel=panel)
        return Response(PanelSerializer(panel, context={"user": request.user}).data)


G = "agencies/<int:unit_id>/tpi/gates/"
S = "assessments/<int:pk>/tpi/"
P = "tpi/panels/<int:pk>/"

urlpatterns = [
    path(G, GatesView.as_view(), name="api-workflow-tpi-gates"),
    path(G + "<int:gid>/", GateView.as_view(), name="api-workflow-tpi-gate"),
    path(S, SheetView.as_view(), name="api-workflow-tpi-sheet"),
    path(S + "gates/<int:gid>/fact/", FactView.as_view(), name="api-workflow-tpi-fact"),
    path(S + "gates/<int:gid>/override/", OverrideView.as_view(), name="api-workflow-tpi-override"),
    path(S + "stage/", StageView.as_view(), name="api-workflow-tpi-stage"),
    path(
        "periods/<int:period_id>/tpi/panels/", PanelsView.as_view(), name="api-workflow-tpi-panels"
    ),
    path(P, PanelView.as_view(), name="api-workflow-tpi-panel"),
    path(
        P + "decisions/<int:assessment_id>/",
        DecisionView.as_view(),
        name="api-workflow-tpi-decision",
    ),
    path(P + "confirm/", ConfirmView.as_view(), name="api-workflow-tpi-confirm"),
]
