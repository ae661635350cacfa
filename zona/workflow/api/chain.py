"""The review chain of a period in the API: its steps (list, create, update, delete) and each
step's teams with their load. Only the period's manager (PERIOD_MANAGE on its agency) sees
them; anyone else, another agency's administrator included, gets 404."""

from __future__ import annotations

from typing import Any, cast

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import access_period_by_id
from zona.assessments.models import Period
from zona.core.errors import Problem, ValidationFailed
from zona.workflow.models import ChainStep
from zona.workflow.selectors.chain import (
    StepView,
    TeamLoad,
    access_step_by_id,
    access_team_by_id,
    agency_people_by_ids,
    agency_tiers,
    agency_units_by_ids,
    chain_overview,
)
from zona.workflow.services.chain import (
    StepInput,
    TeamInput,
    chain_step_create,
    chain_step_delete,
    chain_step_update,
    review_team_delete,
    review_team_save,
)


def _actor(request: Request) -> User:
    return cast(User, request.user)


# --- serializers ------------------------------------------------------------------------------


class ChainUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ChainPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class ChainTierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField()


class ChainTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="team.pk")
    name = serializers.CharField(source="team.name")
    lead = ChainPersonSerializer(source="team.lead", allow_null=True)
    controller = ChainPersonSerializer(source="team.controller", allow_null=True)
    members = ChainPersonSerializer(many=True)
    units = ChainUnitSerializer(many=True, help_text="Roots of the sub-trees the team reviews.")
    sheets = serializers.IntegerField(help_text="Sheets of the period in the team's sub-trees.")
    submitted = serializers.IntegerField(help_text="Of those, the sheets submitted.")


class ChainStepSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="step.pk")
    position = serializers.IntegerField(source="step.position")
    tier = ChainTierSerializer(source="step.tier")
    opens_on = serializers.DateField(source="step.opens_on")
    closes_on = serializers.DateField(source="step.closes_on")
    scopes = ChainUnitSerializer(many=True, help_text="Empty: the whole agency.")
    uses_controller = serializers.BooleanField(source="step.uses_controller")
    started = serializers.BooleanField(help_text="Reviews in this step have started.")
    sheets = serializers.IntegerField()
    uncovered = serializers.IntegerField(help_text="Sheets in the step no team covers.")
    teams = ChainTeamSerializer(many=True)


class ChainStepWriteSerializer(serializers.Serializer):
    tier = serializers.IntegerField(help_text="Id of one of the agency's review tiers.")
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    scopes = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=500
    )
    uses_controller = serializers.BooleanField(required=False, default=False)
    position = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Must follow the tiers' ranks."
    )


class ChainTeamWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    lead = serializers.IntegerField(required=False, allow_null=True, default=None)
    controller = serializers.IntegerField(required=False, allow_null=True, default=None)
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=500
    )
    units = serializers.ListField(child=serializers.IntegerField(), max_length=500)


# --- reading input ----------------------------------------------------------------------------


def _missing(field: str, wanted: list[int], found: list[Any]) -> None:
    missing = sorted(set(wanted) - {o.pk for o in found})
    if missing:
        message = _("Unknown or not allowed: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        raise ValidationFailed(message, problems=[Problem("unknown", message, field)])


def _step_input(period: Period, data: dict[str, Any]) -> StepInput:
    tier = agency_tiers(period).filter(pk=data["tier"]).first()
    if tier is None:
        message = _("Choose one of this agency's review tiers.")
        raise ValidationFailed(message, problems=[Problem("unknown", message, "tier")])
    scopes = agency_units_by_ids(period, data["scopes"])
    _missing("scopes", data["scopes"], scopes)
    return StepInput(
        tier=tier,
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        scopes=scopes,
        uses_controller=data["uses_controller"],
        position=data["position"],
    )


def _team_input(actor: User, period: Period, data: dict[str, Any]) -> TeamInput:
    ids = [i for i in (data["lead"], data["controller"], *data["members"]) if i is not None]
    people = {p.pk: p for p in agency_people_by_ids(actor, period, ids)}
    _missing("members", ids, list(people.values()))
    units = agency_units_by_ids(period, data["units"])
    _missing("units", data["units"], units)
    return TeamInput(
        name=data["name"],
        lead=people.get(data["lead"]) if data["lead"] else None,
        controller=people.get(data["controller"]) if data["controller"] else None,
        members=[people[i] for i in data["members"]],
        units=units,
    )


def _step_view(period: Period, step: ChainStep) -> StepView:
    return next(v for v in chain_overview(period) if v.step.pk == step.pk)


def _team_view(period: Period, step: ChainStep, team_pk: int) -> TeamLoad:
    return next(t for t in _step_view(period, step).teams if t.team.pk == team_pk)


# --- views ------------------------------------------------------------------------------------


class ChainStepListView(APIView):
    @extend_schema(responses=ChainStepSerializer(many=True), summary="The period's review chain")
    def get(self, request: Request, pk: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        return Response(ChainStepSerializer(chain_overview(period), many=True).data)

    @extend_schema(request=ChainStepWriteSerializer, responses={201: ChainStepSerializer})
    def post(self, request: Request, pk: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        body = ChainStepWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = chain_step_create(
            actor=_actor(request), period=period, data=_step_input(period, body.validated_data)
        )
        return Response(
            ChainStepSerializer(_step_view(period, step)).data, status=status.HTTP_201_CREATED
        )


class ChainStepDetailView(APIView):
    @extend_schema(responses=ChainStepSerializer)
    def get(self, request: Request, pk: int, step_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        return Response(ChainStepSerializer(_step_view(period, step)).data)

    @extend_schema(request=ChainStepWriteSerializer, responses=ChainStepSerializer)
    def put(self, request: Request, pk: int, step_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        body = ChainStepWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = chain_step_update(
            actor=_actor(request), step=step, data=_step_input(period, body.validated_data)
        )
        return Response(ChainStepSerializer(_step_view(period, step)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, step_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        chain_step_delete(actor=_actor(request), step=step)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewTeamListView(APIView):
    @extend_schema(
        responses=ChainTeamSerializer(many=True), summary="A step's teams with their load"
    )
    def get(self, request: Request, pk: int, step_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        return Response(ChainTeamSerializer(_step_view(period, step).teams, many=True).data)

    @extend_schema(request=ChainTeamWriteSerializer, responses={201: ChainTeamSerializer})
    def post(self, request: Request, pk: int, step_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        body = ChainTeamWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        team = review_team_save(
            actor=_actor(request),
            step=step,
            data=_team_input(_actor(request), period, body.validated_data),
        )
        return Response(
            ChainTeamSerializer(_team_view(period, step, team.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ReviewTeamDetailView(APIView):
    @extend_schema(request=ChainTeamWriteSerializer, responses=ChainTeamSerializer)
    def put(self, request: Request, pk: int, step_id: int, team_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        team = access_team_by_id(step, team_id)
        body = ChainTeamWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review_team_save(
            actor=_actor(request),
            step=step,
            team=team,
            data=_team_input(_actor(request), period, body.validated_data),
        )
        return Response(ChainTeamSerializer(_team_view(period, step, team.pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, step_id: int, team_id: int) -> Response:
        period = access_period_by_id(_actor(request), pk)
        step = access_step_by_id(period, step_id)
        review_team_delete(actor=_actor(request), team=access_team_by_id(step, team_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path(
        "periods/<int:pk>/chain/",
        ChainStepListView.as_view(),
        name="api-workflow-chain-steps",
    ),
    path(
        "periods/<int:pk>/chain/<int:step_id>/",
        ChainStepDetailView.as_view(),
        name="api-workflow-chain-step",
    ),
    path(
        "periods/<int:pk>/chain/<int:step_id>/teams/",
        ReviewTeamListView.as_view(),
        name="api-workflow-chain-teams",
    ),
    path(
        "periods/<int:pk>/chain/<int:step_id>/teams/<int:team_id>/",
        ReviewTeamDetailView.as_view(),
        name="api-workflow-chain-team",
    ),
]
