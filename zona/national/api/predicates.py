"""The predicates part's API (under /api/v1/): the register (national and per agency), the
public register, recording an earlier decree, revocation, monitoring rounds and their
actions, the monitors of an agency, and a unit's history. Every object comes through
zona/national/access_predicates.py (missing and forbidden: the same 404).

Coded values (kind, status, outcome, source, grounds) are plain strings here: the services
check them and answer 400 with the field (their choice sets are documented per field)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.core.api.params import BoundedLimitOffsetPagination, int_or_none, query_int
from zona.core.errors import Problem, ValidationFailed
from zona.national.access_predicates import (
    access_history_unit,
    access_monitor_agency,
    access_monitoring_round_by_id,
    access_predicate_by_id,
    access_register_agency,
    may_record_predicates,
    may_revoke,
)
from zona.national.models import MonitoringRound, PredicateKind, PredicateStatus
from zona.national.selectors.core import national_settings
from zona.national.selectors.history import Attempt, unit_history
from zona.national.selectors.predicates import (
    agency_register,
    assignments_of,
    grounds_name,
    is_national,
    monitor_queue,
    monitor_unit_choices,
    monitor_user_choices,
    national_register,
    public_register,
    recommending_rounds,
    unit_by_code,
)
from zona.national.services.monitoring import (
    monitor_assign,
    monitoring_conclude,
    monitoring_link_sheet,
    monitoring_start,
)
from zona.national.services.predicates import RevocationInput, predicate_revoke
from zona.national.services.register import predicate_grant
from zona.national.tables.monitoring import MONITORING_ROUND
from zona.workflow.engine import refusal


def _actor(request: Request) -> User:
    return cast(User, request.user)


# --- serializers -----------------------------------------------------------------------------


class PredicateRevocationSerializer(serializers.Serializer):
    grounds = serializers.CharField()
    grounds_name = serializers.SerializerMethodField()
    grounds_note = serializers.CharField()
    source = serializers.CharField(help_text="media, public_report or monitoring")  # type: ignore[assignment]
    source_reference = serializers.CharField()
    monitoring_round = serializers.IntegerField(source="monitoring_round_id", allow_null=True)
    confirmed_by = serializers.CharField(help_text="who at the TPI confirmed the case")
    confirmed_on = serializers.DateField()
    decided_on = serializers.DateField()
    blocked_until = serializers.DateField()

    def get_grounds_name(self, obj: Any) -> str:
        return grounds_name(obj.grounds)


class PredicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    kind = serializers.CharField(help_text="WBK or WBBM")
    year = serializers.IntegerField()
    decree_number = serializers.CharField()
    decree_date = serializers.DateField()
    status = serializers.CharField(help_text="held or revoked")
    blocked_until = serializers.DateField(allow_null=True)
    revocation = serializers.SerializerMethodField()

    @extend_schema_field(PredicateRevocationSerializer(allow_null=True))
    def get_revocation(self, obj: Any) -> dict[str, Any] | None:
        revocation = getattr(obj, "revocation", None)
        return None if revocation is None else PredicateRevocationSerializer(revocation).data


class PredicatePublicSerializer(serializers.Serializer):
    unit = serializers.CharField()
    agency = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    decree_number = serializers.CharField()
    decree_date = serializers.DateField()
    status = serializers.CharField()


class PredicateRecordSerializer(serializers.Serializer):
    unit_code = serializers.CharField(max_length=64)
    kind = serializers.CharField(max_length=8, help_text="WBK or WBBM")
    year = serializers.IntegerField(min_value=2000, max_value=2999)
    decree_number = serializers.CharField(max_length=200, allow_blank=True)
    decree_date = serializers.DateField(allow_null=True)


class PredicateRevokeSerializer(serializers.Serializer):
    grounds = serializers.CharField(
        max_length=40, allow_blank=True, help_text="a code of data/program.yaml revocation_grounds"
    )
    grounds_note = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=16, allow_blank=True, help_text="media, public_report or monitoring"
    )
    source_reference = serializers.CharField(required=False, allow_blank=True, default="")
    monitoring_round = serializers.IntegerField(required=False, allow_null=True, default=None)
    confirmed_by = serializers.CharField(allow_blank=True, max_length=400)
    confirmed_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)


class MonitoringRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    predicate = serializers.IntegerField(source="predicate_id")
    unit_code = serializers.CharField(source="predicate.unit.code")
    unit_name = serializers.CharField(source="predicate.unit.name")
    kind = serializers.CharField(source="predicate.kind")
    year = serializers.IntegerField(source="predicate.year")
    due_on = serializers.DateField()
    monitor = serializers.CharField(source="monitor.name", allow_null=True, default=None)
    status = serializers.CharField(help_text="scheduled, in_progress or concluded")
    state = serializers.SerializerMethodField()
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    snapshot = serializers.JSONField()
    findings = serializers.CharField()
    follow_up = serializers.CharField()
    outcome = serializers.CharField(help_text="maintained, warning or recommend_revocation")
    concluded_at = serializers.DateTimeField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    def get_state(self, obj: MonitoringRound) -> str:
        """overdue, due, upcoming or concluded (today against due_on)."""
        from zona.national.selectors.predicates import round_state

        return round_state(obj, timezone.localdate())

    def get_allowed_actions(self, obj: MonitoringRound) -> dict[str, Any]:
        """Action -> null when the user may do it now, else the refusal {code, message}."""
        user = self.context.get("user")
        result: dict[str, Any] = {}
        for action in MONITORING_ROUND.actions_from(obj.status):
            probe = {"outcome": "maintained", "findings": "-"}
            r = refusal(MONITORING_ROUND, obj, action, user, data=probe)
            result[action] = None if r is None else {"code": r.code, "message": r.message}
        return result


class MonitoringLinkSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1)


class MonitoringConcludeSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        max_length=24, allow_blank=True, help_text="maintained, warning or recommend_revocation"
    )
    findings = serializers.CharField(allow_blank=True)
    follow_up = serializers.CharField(required=False, allow_blank=True, default="")


class MonitoringAssignmentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    monitor_unit = serializers.IntegerField(source="monitor_unit_id")
    monitor_unit_name = serializers.CharField(source="monitor_unit.name")
    users = serializers.SerializerMethodField()

    def get_users(self, obj: Any) -> list[str]:
        return [u.username for u in obj.users.all()]


class MonitoringAssignWriteSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=8, help_text="WBK or WBBM")
    monitor_unit = serializers.IntegerField(min_value=1)
    users = serializers.ListField(child=serializers.CharField(max_length=150), default=list)


class HistoryTierSerializer(serializers.Serializer):
    tier = serializers.CharField()
    total = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class HistorySelectionSerializer(serializers.Serializer):
    tier = serializers.CharField()
    selected = serializers.BooleanField()
    why = serializers.CharField()


class HistoryStageSerializer(serializers.Serializer):
    action = serializers.CharField()
    to_state = serializers.CharField()
    to_display = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class HistoryRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    outcome = serializers.CharField()


class HistoryPredicateSerializer(serializers.Serializer):
    predicate = serializers.SerializerMethodField()
    rounds = HistoryRoundSerializer(many=True)

    def get_predicate(self, obj: Any) -> dict[str, Any]:
        return cast(dict[str, Any], PredicateSerializer(obj.predicate).data)


class HistoryAttemptSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target = serializers.CharField()
    candidate = serializers.BooleanField()
    assessment = serializers.SerializerMethodField()
    tiers = HistoryTierSerializer(many=True)
    effective_total = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    effective_passed = serializers.BooleanField(allow_null=True)
    selection = HistorySelectionSerializer(many=True)
    nomination_status = serializers.SerializerMethodField()
    stages = HistoryStageSerializer(many=True)
    predicates = HistoryPredicateSerializer(many=True)

    def get_assessment(self, obj: Attempt) -> int | None:
        return obj.assessment.pk if obj.assessment else None

    def get_nomination_status(self, obj: Attempt) -> str | None:
        return obj.nomination.status if obj.nomination else None


# --- views -----------------------------------------------------------------------------------


def _page(request: Request, view: APIView, rows: Any, serializer: type, **kw: Any) -> Response:
    paginator = BoundedLimitOffsetPagination()
    page: Any = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True, **kw).data)


FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, required=False),
    OpenApiParameter("kind", OpenApiTypes.STR, required=False, description="WBK or WBBM"),
    OpenApiParameter("status", OpenApiTypes.STR, required=False, description="held or revoked"),
    OpenApiParameter("agency", OpenApiTypes.INT, required=False, description="agency unit id"),
]


class RegisterView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(parameters=FILTERS, responses=PredicateSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The national register (system administrator, TPN), filtered and paged."""
        if not is_national(request.user):
            raise Http404
        params = request.query_params
        kind = params.get("kind", "")
        status = params.get("status", "")
        rows = national_register(
            year=query_int(params, "year", minimum=1900, maximum=2999),
            kind=kind if kind in PredicateKind.values else "",
            status=status if status in PredicateStatus.values else "",
            agency=int_or_none(params.get("agency")),
        )
        return _page(request, self, rows, PredicateSerializer)

    @extend_schema(request=PredicateRecordSerializer, responses={201: PredicateSerializer})
    def post(self, request: Request) -> Response:
        """Record an earlier year's decree (system administrator)."""
        if not may_record_predicates(request.user):
            raise Http404
        data = PredicateRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        unit = unit_by_code(d["unit_code"])
        if unit is None:
            raise ValidationFailed(
                "",
                problems=[Problem("unit_unknown", _("No unit has this code."), field="unit_code")],
            )
        predicate = predicate_grant(
            actor=_actor(request),
            unit=unit,
            kind=d["kind"],
            year=d["year"],
            decree_number=d["decree_number"],
            decree_date=d["decree_date"],
        )
        return Response(PredicateSerializer(predicate).data, status=201)


class AgencyRegisterView(APIView):
    @extend_schema(responses=PredicateSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency = access_register_agency(request.user, agency_id)
        return _page(request, self, agency_register(agency), PredicateSerializer)


class PredicateView(APIView):
    @extend_schema(responses=PredicateSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(PredicateSerializer(access_predicate_by_id(request.user, pk)).data)


class RevokeView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=PredicateRevokeSerializer, responses=PredicateSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Revoke a held predicate (TPN, system administrator): 400 with the field for bad
        input, 409 when it is already revoked."""
        predicate = access_predicate_by_id(request.user, pk)
        if not may_revoke(request.user):
            raise Http404
        data = PredicateRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        rounds = {r.pk: r for r in recommending_rounds(predicate)}
        revoked = predicate_revoke(
            actor=_actor(request),
            predicate=predicate,
            data=RevocationInput(
                grounds=d["grounds"],
                grounds_note=d.get("grounds_note", ""),
                source=d["source"],
                source_reference=d.get("source_reference", ""),
                monitoring_round=rounds.get(d.get("monitoring_round") or 0),
                confirmed_by=d["confirmed_by"],
                confirmed_on=d["confirmed_on"],
                decided_on=d["decided_on"],
            ),
        )
        return Response(PredicateSerializer(access_predicate_by_id(request.user, revoked.pk)).data)


class PublicRegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=PredicatePublicSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The public register (no login); 404 unless the national administrator made it
        public."""
        if not national_settings().public_registry:
            raise Http404
        return _page(request, self, public_register(), PredicatePublicSerializer)


class RoundsView(APIView):
    @extend_schema(responses=MonitoringRoundSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The monitor's queue: open rounds of the predicates the user monitors (national
        users: every open round), the most urgent first."""
        rows = [r.round for r in monitor_queue(request.user, timezone.localdate())]
        return _page(request, self, rows, MonitoringRoundSerializer, context={"user": request.user})


class RoundView(APIView):
    @extend_schema(responses=MonitoringRoundSerializer)
    def get(self, request: Request, pk: int) -> Response:
        rnd = access_monitoring_round_by_id(request.user, pk)
        return Response(MonitoringRoundSerializer(rnd, context={"user": request.user}).data)


def _round_response(request: Request, pk: int) -> Response:
    rnd = access_monitoring_round_by_id(request.user, pk)
    return Response(MonitoringRoundSerializer(rnd, context={"user": request.user}).data)


class RoundStartView(APIView):
    @extend_schema(request=None, responses=MonitoringRoundSerializer)
    def post(self, request: Request, pk: int) -> Response:
        rnd = access_monitoring_round_by_id(request.user, pk)
        monitoring_start(actor=_actor(request), rnd=rnd)
        return _round_response(request, pk)


class RoundLinkView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=MonitoringLinkSerializer, responses=MonitoringRoundSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Link the unit's sheet of the current period; its stored score, verdict and survey
        indices are kept with the round."""
        rnd = access_monitoring_round_by_id(request.user, pk)
        data = MonitoringLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        monitoring_link_sheet(
            actor=_actor(request), rnd=rnd, assessment_id=data.validated_data["assessment"]
        )
        return _round_response(request, pk)


class RoundConcludeView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=MonitoringConcludeSerializer, responses=MonitoringRoundSerializer)
    def post(self, request: Request, pk: int) -> Response:
        rnd = access_monitoring_round_by_id(request.user, pk)
        data = MonitoringConcludeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        monitoring_conclude(
            actor=_actor(request),
            rnd=rnd,
            outcome=d["outcome"],
            findings=d["findings"],
            follow_up=d.get("follow_up", ""),
        )
        return _round_response(request, pk)


class MonitorsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=MonitoringAssignmentSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency = access_monitor_agency(request.user, agency_id)
        return Response(
            MonitoringAssignmentSerializer(list(assignments_of(agency).values()), many=True).data
        )

    @extend_schema(
        request=MonitoringAssignWriteSerializer, responses=MonitoringAssignmentSerializer
    )
    def put(self, request: Request, agency_id: int) -> Response:
        """Set the monitor of one kind (agency administrator): a unit of the agency and
        people (usernames) with a role in it."""
        agency = access_monitor_agency(request.user, agency_id)
        data = MonitoringAssignWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        units = {u.pk: u for u in monitor_unit_choices(agency)}
        people = {u.username: u for u in monitor_user_choices(agency)}
        unknown = [name for name in d["users"] if name not in people]
        if unknown:
            raise ValidationFailed(
                "",
                problems=[
                    Problem(
                        "users",
                        _("No one of this agency has these user names: %(names)s")
                        % {"names": ", ".join(unknown)},
                        "users",
                    )
                ],
            )
        assignment = monitor_assign(
            actor=_actor(request),
            agency=agency,
            kind=d["kind"],
            monitor_unit=units.get(d["monitor_unit"]),
            users=[people[name] for name in d["users"]],
        )
        return Response(MonitoringAssignmentSerializer(assignment).data)


class HistoryView(APIView):
    @extend_schema(responses=HistoryAttemptSerializer(many=True))
    def get(self, request: Request, unit_id: int) -> Response:
        """Every attempt of the unit across years, newest first."""
        unit = access_history_unit(request.user, unit_id)
        return Response(HistoryAttemptSerializer(unit_history(unit), many=True).data)


urlpatterns = [
    path("national/predicates/", RegisterView.as_view()),
    path("national/predicates/<int:pk>/", PredicateView.as_view()),
    path("national/predicates/<int:pk>/revoke/", RevokeView.as_view()),
    path("national/agencies/<int:agency_id>/predicates/", AgencyRegisterView.as_view()),
    path("national/agencies/<int:agency_id>/monitors/", MonitorsView.as_view()),
    path("public/predicates/", PublicRegisterView.as_view()),
    path("monitoring/rounds/", RoundsView.as_view()),
    path("monitoring/rounds/<int:pk>/", RoundView.as_view()),
    path("monitoring/rounds/<int:pk>/start/", RoundStartView.as_view()),
    path("monitoring/rounds/<int:pk>/link/", RoundLinkView.as_view()),
    path("monitoring/rounds/<int:pk>/conclude/", RoundConcludeView.as_view()),
    path("national/units/<int:unit_id>/history/", HistoryView.as_view()),
]
