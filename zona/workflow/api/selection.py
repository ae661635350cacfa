"""REST API of the selection part (issue 10 §7): create a round for a chain step, read its
preview (the dry run) and result, override a sheet with a justification, confirm, go back
to draft, close. Rounds are fetched through `access_round_by_id` (the agency administrator
and the step's teams), a period through `access_period_by_id` (its administrator); missing
and forbidden are the same 404. Refusals are 409 with the refusal's code."""

from __future__ import annotations

from typing import Any, cast

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import access_period_by_id
from zona.assessments.models import Target
from zona.workflow.engine import refusal
from zona.workflow.models.selection import (
    OverrideDecision,
    RoundGrouping,
    RoundRounding,
    RoundStatus,
    SelectionRound,
)
from zona.workflow.selectors.chain import access_step_by_id
from zona.workflow.selectors.selection import (
    access_override_by_id,
    access_round_by_id,
    overrides_of,
    reason_text,
    round_fresh,
    round_preview,
    rounds_of,
)
from zona.workflow.services.selection import (
    RoundInput,
    override_remove,
    override_set,
    round_close,
    round_confirm,
    round_create,
    round_reopen,
    round_update,
)
from zona.workflow.tables.selection import SELECTION_ROUND


def _actor(request: Request) -> User:
    return cast(User, request.user)


# --- serializers -----------------------------------------------------------------------------


class ConfigSerializer(serializers.Serializer):
    """A round's configuration. Numbers may be sent as strings; the service checks them
    (quota 0 to 100 with up to three decimals, minimums 0 to 100 or null)."""

    grouping = serializers.ChoiceField(choices=RoundGrouping.choices, default=RoundGrouping.TEAM)
    quota_percent = serializers.CharField(max_length=12)
    rounding = serializers.ChoiceField(choices=RoundRounding.choices, default=RoundRounding.UP)
    min_per_group = serializers.IntegerField(min_value=0, max_value=1000, default=1)
    target = serializers.ChoiceField(choices=Target.choices, default=Target.WBK)
    min_pengungkit = serializers.CharField(
        max_length=12, required=False, allow_null=True, allow_blank=True, default=None
    )
    min_hasil = serializers.CharField(
        max_length=12, required=False, allow_null=True, allow_blank=True, default=None
    )

    def round_input(self) -> RoundInput:
        d = self.validated_data
        return RoundInput(
            quota_percent=d["quota_percent"],
            rounding=d["rounding"],
            min_per_group=d["min_per_group"],
            grouping=d["grouping"],
            target=d["target"],
            min_pengungkit=d.get("min_pengungkit"),
            min_hasil=d.get("min_hasil"),
        )


class CreateSerializer(ConfigSerializer):
    step = serializers.IntegerField(min_value=1, help_text="the id of a step of the period's chain")


class OverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assessment = serializers.IntegerField(source="assessment_id")
    decision = serializers.ChoiceField(choices=OverrideDecision.choices)
    justification = serializers.CharField()
    by = serializers.CharField(source="by.username")
    at = serializers.DateTimeField()


class OverrideWriteSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1)
    decision = serializers.ChoiceField(choices=OverrideDecision.choices)
    justification = serializers.CharField(allow_blank=True, max_length=4000)


class RowSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    review = serializers.IntegerField()
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    group = serializers.CharField()
    rank = serializers.IntegerField(help_text="in its group, 1 = best")
    total = serializers.CharField(allow_null=True)
    pengungkit = serializers.CharField(allow_null=True)
    hasil = serializers.CharField(allow_null=True)
    eligible = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())
    selected = serializers.BooleanField()
    why = serializers.CharField(
        help_text="within_quota, included, excluded, over_quota or the first problem"
    )
    why_text = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    applicants = serializers.IntegerField()
    quota = serializers.IntegerField()
    selected = serializers.ListField(child=serializers.CharField())


class SelectionSerializer(serializers.Serializer):
    groups = serializers.DictField(child=GroupSerializer())
    rows = RowSerializer(many=True)
    pending = serializers.IntegerField(required=False)


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.IntegerField(source="period_id")
    step = serializers.IntegerField(source="step_id")
    tier = serializers.CharField(source="step.tier.code")
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    grouping = serializers.CharField()
    quota_percent = serializers.DecimalField(max_digits=6, decimal_places=3)
    rounding = serializers.CharField()
    min_per_group = serializers.IntegerField()
    target = serializers.CharField()
    min_pengungkit = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    min_hasil = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    result = serializers.SerializerMethodField()
    overrides = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    def get_result(self, obj: SelectionRound) -> dict[str, Any] | None:
        """The selection as confirmed (null in draft: see the preview)."""
        if not obj.result:
            return None
        return _with_texts(obj, obj.result)

    def get_overrides(self, obj: SelectionRound) -> list[dict[str, Any]]:
        rows = overrides_of(obj)
        return cast(list[dict[str, Any]], OverrideSerializer(rows, many=True).data)

    def get_allowed_actions(self, obj: SelectionRound) -> dict[str, Any]:
        """Action -> null when the caller may do it now, else the refusal {code, message}."""
        user = self.context["user"]
        out: dict[str, Any] = {}
        for action in SELECTION_ROUND.actions_from(obj.status):
            r = refusal(SELECTION_ROUND, obj, action, user)
            out[action] = None if r is None else {"code": r.code, "message": r.message}
        return out


def _with_texts(rnd: SelectionRound, result: dict[str, Any]) -> dict[str, Any]:
    rows = [{**row, "why_text": reason_text(row["why"], rnd)} for row in result.get("rows", [])]
    return {**result, "rows": rows}


def _round_json(request: Request, rnd: SelectionRound) -> dict[str, Any]:
    fresh = round_fresh(rnd)
    return cast(dict[str, Any], RoundSerializer(fresh, context={"user": request.user}).data)


# --- views ------------------------------------------------------------------------------------


class RoundsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request: Request, period_id: int) -> Response:
        """The period's rounds (its agency administrator)."""
        period = access_period_by_id(_actor(request), period_id)
        data = RoundSerializer(rounds_of(period), many=True, context={"user": request.user}).data
        return Response(data)

    @extend_schema(request=CreateSerializer, responses={201: RoundSerializer})
    def post(self, request: Request, period_id: int) -> Response:
        """Create a draft round after a step of the period's chain."""
        period = access_period_by_id(_actor(request), period_id)
        data = CreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = access_step_by_id(period, data.validated_data["step"])
        rnd = round_create(actor=_actor(request), period=period, step=step, data=data.round_input())
        return Response(_round_json(request, rnd), status=201)


class RoundView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=RoundSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        """The round: configuration, status, overrides, the confirmed result (null in
        draft) and the caller's allowed actions."""
        return Response(_round_json(request, access_round_by_id(_actor(request), round_id)))

    @extend_schema(request=ConfigSerializer, responses=RoundSerializer)
    def put(self, request: Request, round_id: int) -> Response:
        """Change the configuration (draft only)."""
        rnd = access_round_by_id(_actor(request), round_id)
        data = ConfigSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round_update(actor=_actor(request), rnd=rnd, data=data.round_input())
        return Response(_round_json(request, rnd))


class PreviewView(APIView):
    @extend_schema(responses=SelectionSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        """The dry run as the round stands now: each group's applicants, quota and ranked
        sheets, selected or not and why (changes nothing)."""
        rnd = access_round_by_id(_actor(request), round_id)
        preview = round_preview(rnd)
        return Response({**_with_texts(rnd, preview.as_result()), "pending": preview.pending})


class OverridesView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=OverrideWriteSerializer, responses={201: OverrideSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        """Include or exclude one applicant against the rule, with a written justification
        (required; audited). Replaces that sheet's earlier override."""
        rnd = access_round_by_id(_actor(request), round_id)
        data = OverrideWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = override_set(
            actor=_actor(request),
            rnd=rnd,
            assessment_id=d["assessment"],
            decision=d["decision"],
            justification=d["justification"],
        )
        return Response(OverrideSerializer(row).data, status=201)


class OverrideView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, round_id: int, override_id: int) -> Response:
        rnd = access_round_by_id(_actor(request), round_id)
        row = access_override_by_id(rnd, override_id)
        override_remove(actor=_actor(request), rnd=rnd, override=row)
        return Response(status=204)


def _action_view(name: str, run: Any, doc: str) -> Any:
    class ActionView(APIView):
        @extend_schema(
            request=None, responses=RoundSerializer, operation_id=f"selection_round_{name}"
        )
        def post(self, request: Request, round_id: int) -> Response:
            rnd = access_round_by_id(_actor(request), round_id)
            run(actor=_actor(request), rnd=rnd)
            return Response(_round_json(request, rnd))

    ActionView.post.__doc__ = doc
    ActionView.__name__ = f"Round{name.title()}View"
    return ActionView.as_view()


R = "rounds/<int:round_id>/"
urlpatterns = [
    path(
        "periods/<int:period_id>/rounds/",
        RoundsView.as_view(),
        name="api-workflow-selection-rounds",
    ),
    path(R, RoundView.as_view(), name="api-workflow-selection-round"),
    path(R + "preview/", PreviewView.as_view(), name="api-workflow-selection-preview"),
    path(R + "overrides/", OverridesView.as_view(), name="api-workflow-selection-overrides"),
    path(
        R + "overrides/<int:override_id>/",
        OverrideView.as_view(),
        name="api-workflow-selection-override",
    ),
    path(
        R + "confirm/",
        _action_view("confirm", round_confirm, "Confirm: the preview becomes the result."),
        name="api-workflow-selection-confirm",
    ),
    path(
        R + "reopen/",
        _action_view("reopen", round_reopen, "Back to draft (the result is cleared)."),
        name="api-workflow-selection-reopen",
    ),
    path(
        R + "close/",
        _action_view(
            "close",
            round_close,
            "Close: the next tier opens for the selected, the rest stop, every unit is told.",
        ),
        name="api-workflow-selection-close",
    ),
]
