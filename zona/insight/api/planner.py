"""REST API of the planner (issue 12 §3): the plan of a sheet for a target, and a what-if that
scores other answers without saving them. Sheets are fetched through
`access_assessment_by_id` (missing and forbidden: the same 404); see views/planner.py for who
plans on which view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import Perm, review_tiers_for, user_can
from zona.accounts.models import User
from zona.assessments.access import access_assessment_by_id
from zona.assessments.models import Assessment
from zona.frameworks.scoring import round_half_up
from zona.insight.presenters.planner import answer_label, condition_titles
from zona.insight.selectors.planner import (
    PlannerSheet,
    default_view,
    load_planner,
    parse_target,
    parse_view,
    what_if,
)


def _actor(request: Request) -> User:
    return cast(User, request.user)


def _load(request: Request, assessment: Assessment, params: Any) -> PlannerSheet:
    user = _actor(request)
    fallback = default_view(
        reviewer=bool(review_tiers_for(user, assessment.unit)),
        unit_member=user_can(user, Perm.ASSESSMENT_EDIT, assessment.unit),
    )
    view = parse_view(params.get("view"), fallback)
    target = parse_target(assessment, params.get("target"))
    return load_planner(assessment, view=view, target=target)


def _two(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value)


# --- serializers (the response shapes, for the schema) ----------------------------------------


class SurveyNeedSerializer(serializers.Serializer):
    item = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    current = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    needed = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="the index (0 to 4) that would close the gap; null when even 4 would not",
    )


class ConditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    measure = serializers.CharField(help_text="score, percent, or predicate (held_*)")
    value = serializers.JSONField(help_text="a number (2 decimals), or a boolean for held_*")
    bound = serializers.JSONField()
    passed = serializers.BooleanField()
    gap = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    reachable = serializers.BooleanField(help_text="whether the unit's own items can pass it")
    blocked = serializers.ChoiceField(
        choices=["", "survey", "koefisien", "predicate", "items"],
        help_text="why the unit's items cannot: survey indices, koefisien, a predicate to "
        "hold first, or the items fall short at their best",
    )
    steps = serializers.ListField(
        child=serializers.CharField(),
        help_text="item codes of its smallest set; when not reachable, with `with_survey` the "
        "unit's part once the indices reach `survey[].needed`, else every item at its best",
    )
    with_survey = serializers.BooleanField()
    survey = SurveyNeedSerializer(many=True)


class TodoSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    item = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    current = serializers.JSONField(allow_null=True, help_text="the answer now (null: none)")
    suggested = serializers.JSONField(help_text="the answer to reach: option, counts or index")
    current_label = serializers.CharField()
    suggested_label = serializers.CharField()
    points = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text="added to the total (before koefisien)"
    )
    conditions = serializers.ListField(child=serializers.CharField())


class ReadinessSerializer(serializers.Serializer):
    unanswered = serializers.IntegerField()
    no_evidence = serializers.IntegerField()
    failing = serializers.IntegerField()
    items = serializers.IntegerField()
    closes_on = serializers.DateField()
    days_left = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=9, decimal_places=2)
    passed = serializers.BooleanField()


class PlanSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    view = serializers.ChoiceField(choices=["unit", "effective"])
    target = serializers.CharField()
    current = FiguresSerializer(help_text="as stored with the sheet")
    projected = FiguresSerializer(help_text="with every to-do step applied")
    readiness = ReadinessSerializer()
    conditions = ConditionSerializer(many=True)
    todo = TodoSerializer(many=True)


class WhatIfRequestSerializer(serializers.Serializer):
    view = serializers.ChoiceField(choices=["unit", "effective"], required=False)
    target = serializers.CharField(required=False)
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text='item code -> answer: an option key ("A"), counts ({"targets_total": 10, '
        '"targets_achieved": 9}), an index (3.6), or null to clear',
    )


class AreaScoreSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=9, decimal_places=4)
    weight = serializers.DecimalField(max_digits=9, decimal_places=4)
    answered = serializers.IntegerField()
    items = serializers.IntegerField()


class VerdictConditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.JSONField()
    bound = serializers.JSONField()
    passed = serializers.BooleanField()
    gap = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)


class WhatIfSerializer(serializers.Serializer):
    saved = serializers.BooleanField(help_text="always false: a what-if saves nothing")
    view = serializers.CharField()
    target = serializers.CharField()
    changed = serializers.ListField(child=serializers.CharField())
    total = serializers.DecimalField(max_digits=9, decimal_places=2)
    total_before_penalties = serializers.DecimalField(max_digits=9, decimal_places=2)
    before = serializers.DecimalField(max_digits=9, decimal_places=2)
    pengungkit = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    hasil = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    areas = serializers.DictField(child=AreaScoreSerializer())
    passed = serializers.BooleanField()
    conditions = VerdictConditionSerializer(many=True)


# --- views ------------------------------------------------------------------------------------


def plan_data(sheet: PlannerSheet) -> dict[str, Any]:
    spec = sheet.state.spec
    titles = condition_titles(sheet)
    plan = sheet.plan
    readiness = sheet.readiness
    return {
        "assessment": sheet.assessment.pk,
        "view": sheet.view,
        "target": sheet.target,
        "current": {
            "total": _two(sheet.stored.final_total),
            "passed": bool(sheet.stored.verdicts.get(sheet.target, {}).get("passed")),
        },
        "projected": {
            "total": _two(plan.projected.total),
            "passed": plan.projected.verdicts[sheet.target].passed,
        },
        "readiness": {
            **readiness.counts.as_dict(),
            "items": readiness.items,
            "closes_on": readiness.closes_on,
            "days_left": readiness.days_left,
        },
        "conditions": [
            {
                "name": c.name,
                "title": titles.get(c.name, c.name),
                "measure": c.measure,
                "value": c.value if isinstance(c.value, bool) else str(c.value),
                "bound": c.bound if isinstance(c.bound, bool) else str(c.bound),
                "passed": c.passed,
                "gap": c.gap,
                "reachable": c.reachable,
                "blocked": c.blocked,
                "steps": [s.item for s in c.steps],
                "with_survey": c.with_survey,
                "survey": [
                    {
                        "item": n.item,
                        "source": n.source,
                        "current": n.current,
                        "needed": n.needed,
                    }
                    for n in c.survey
                ],
            }
            for c in plan.conditions
        ],
        "todo": [
            {
                "rank": rank,
                "item": e.step.item,
                "area": spec.items[e.step.item].area,
                "current": _json(e.step.current),
                "suggested": _json(e.step.answer),
                "current_label": answer_label(spec, spec.items[e.step.item], e.step.current),
                "suggested_label": answer_label(spec, spec.items[e.step.item], e.step.answer),
                "points": _two(e.step.points),
                "conditions": list(e.conditions),
            }
            for rank, e in enumerate(plan.todo, start=1)
        ],
    }


def _json(answer: Any) -> Any:
    return str(answer) if isinstance(answer, Decimal) else answer


TARGET_PARAM = OpenApiParameter(
    "target", OpenApiTypes.STR, description="a predicate key (wbk, wbbm); default the sheet's"
)
VIEW_PARAM = OpenApiParameter(
    "view",
    OpenApiTypes.STR,
    description="`unit` (the unit's layer, with survey indices its submission would take) or "
    "`effective` (every layer and the koefisien); default: unit, effective for a reviewer",
)


class PlanView(APIView):
    @extend_schema(
        parameters=[TARGET_PARAM, VIEW_PARAM],
        responses=PlanSerializer,
        description="The target's conditions on the sheet, the fewest item improvements that "
        "make each failing one pass, the to-do list (most points first) and the readiness "
        "before the deadline. Reads only.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        sheet = _load(request, assessment, request.query_params)
        return Response(PlanSerializer(plan_data(sheet)).data)


class WhatIfView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=WhatIfRequestSerializer,
        responses=WhatIfSerializer,
        description="Score the view's answers with the given ones in their place. Nothing is "
        "saved: no answer, history or audit event changes.",
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(_actor(request), pk)
        body = WhatIfRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = _load(request, assessment, body.validated_data)
        result = what_if(sheet, body.validated_data["answers"])
        card = result.card
        fields = result.fields
        data = {
            "saved": False,
            "view": sheet.view,
            "target": sheet.target,
            "changed": list(result.changed),
            "total": _two(card.total),
            "total_before_penalties": _two(card.total_before_penalties),
            "before": _two(result.before.total),
            "pengungkit": fields["pengungkit"],
            "hasil": fields["hasil"],
            "areas": fields["areas"],
            "passed": result.passed,
            "conditions": [
                {
                    "name": c.name,
                    "value": c.value if isinstance(c.value, bool) else str(c.value),
                    "bound": c.bound if isinstance(c.bound, bool) else str(c.bound),
                    "passed": c.passed,
                    "gap": c.gap,
                }
                for c in card.verdicts[sheet.target].conditions
            ],
        }
        return Response(WhatIfSerializer(data).data)


urlpatterns = [
    path("assessments/<int:pk>/path/", PlanView.as_view(), name="api-insight-planner-path"),
    path(
        "assessments/<int:pk>/path/what-if/",
        WhatIfView.as_view(),
        name="api-insight-planner-what-if",
    ),
]
