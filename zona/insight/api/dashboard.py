"""REST API of the unit dashboard (issue 12 §2): the figures of the page, from the sheet's
stored scores. The sheet is fetched through `access_assessment_by_id` (missing and
forbidden: the same 404)."""

from __future__ import annotations

from typing import Any, cast

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import access_assessment_by_id
from zona.insight.dashboard import Dashboard, load_dashboard


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=4, **kwargs)


class DashboardThresholdSerializer(serializers.Serializer):
    predicate = serializers.CharField()
    title = serializers.CharField()
    bound = _decimal(help_text="the predicate's minimum on the total, from the framework")
    passed = serializers.BooleanField(allow_null=True)


class DashboardProgressSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    answered = serializers.IntegerField()
    with_evidence = serializers.IntegerField()


class DashboardAreaSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    weight = _decimal()
    percent = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, help_text="effective score / weight"
    )
    enabler = serializers.BooleanField(help_text="in the first component (Pengungkit)")
    progress = DashboardProgressSerializer(help_text="the unit's layer")


class DashboardViewSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="unit, tier:<id> or effective")
    label = serializers.CharField()  # type: ignore[assignment]
    total = _decimal()
    total_after_deductions = _decimal(allow_null=True)
    pengungkit = _decimal(allow_null=True)
    hasil = _decimal(allow_null=True)
    areas = serializers.DictField(child=_decimal(), help_text="area key -> stored score")
    verdicts = serializers.DictField(child=serializers.BooleanField())


class DashboardGroupSerializer(serializers.Serializer):
    member = serializers.CharField()
    areas = serializers.ListField(child=serializers.CharField())
    progress = DashboardProgressSerializer()


class DashboardSurveyPointSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True),
        help_text="instrument key -> index (null under the minimum group or unanswered)",
    )


class DashboardEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    tier = serializers.CharField(allow_blank=True)
    who = serializers.CharField()


class DashboardItemDiffSerializer(serializers.Serializer):
    item = serializers.CharField()
    question = serializers.CharField(allow_blank=True)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="view key -> answer in words"
    )


class DashboardSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    total = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text="the effective total after koefisien"
    )
    total_max = _decimal()
    thresholds = DashboardThresholdSerializer(many=True)
    views = DashboardViewSerializer(many=True)
    areas = DashboardAreaSerializer(many=True)
    progress = DashboardProgressSerializer()
    working_groups = DashboardGroupSerializer(many=True)
    survey = DashboardSurveyPointSerializer(many=True)
    timeline = DashboardEventSerializer(many=True)
    items = DashboardItemDiffSerializer(many=True)


def _progress(p: Any) -> dict[str, int]:
    return {"items": p.total, "answered": p.answered, "with_evidence": p.with_evidence}


def dashboard_data(board: Dashboard) -> dict[str, Any]:
    return {
        "assessment": board.assessment.pk,
        "total": board.total,
        "total_max": board.total_max,
        "thresholds": [
            {"predicate": t.key, "title": t.title, "bound": t.bound, "passed": t.passed}
            for t in board.thresholds
        ],
        "views": [
            {
                "key": v.key,
                "label": v.label,
                "total": board.stored[v.key].total,
                "total_after_deductions": board.stored[v.key].total_after_deductions,
                "pengungkit": board.stored[v.key].pengungkit,
                "hasil": board.stored[v.key].hasil,
                "areas": {k: f["score"] for k, f in board.stored[v.key].areas.items()},
                "verdicts": {k: bool(f["passed"]) for k, f in board.stored[v.key].verdicts.items()},
            }
            for v in board.views
        ],
        "areas": [
            {
                "key": a.key,
                "title": a.title,
                "weight": a.weight,
                "percent": a.percent,
                "enabler": a.enabler,
                "progress": _progress(a.progress),
            }
            for a in board.areas
        ],
        "progress": _progress(board.progress),
        "working_groups": [
            {"member": g.name, "areas": list(g.areas), "progress": _progress(g.progress)}
            for g in board.groups
        ],
        "survey": [
            {"campaign": p.campaign_id, "label": p.label, "values": p.values} for p in board.survey
        ],
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "action": e.action,
                "label": e.label,
                "tier": e.tier,
                "who": e.who,
            }
            for e in board.events
        ],
        "items": [
            {"item": i.code, "question": i.question, "answers": i.answers} for i in board.items
        ],
    }


class DashboardView(APIView):
    @extend_schema(
        responses=DashboardSerializer,
        description="The unit dashboard of a sheet: the effective total against each "
        "predicate's minimum total, the stored scores of every view (unit, each tier, "
        "effective) per area, progress per area and working group, the unit's survey indices "
        "per round, the workflow timeline and the items where the layers differ. Reads the "
        "stored scores only.",
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(cast(User, request.user), pk)
        return Response(DashboardSerializer(dashboard_data(load_dashboard(assessment))).data)


urlpatterns = [
    path("assessments/<int:pk>/dashboard/", DashboardView.as_view(), name="api-insight-dashboard"),
]
