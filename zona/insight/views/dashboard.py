"""The unit dashboard (issue 12 §2): gauges against the predicates' total thresholds, a radar
of the areas, progress per area and working group, survey indices over rounds, the workflow
timeline and the layers compared. Everyone who may see the sheet opens it; it reads stored
scores only and writes nothing."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from zona.assessments.access import access_assessment_by_id
from zona.assessments.views._common import AuthedRequest
from zona.insight.dashboard import chart_data, load_dashboard
from zona.insight.presenters.timeline import event_label


@login_required
@require_GET
def sheet_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    board = load_dashboard(assessment)
    return render(
        request,
        "insight/dashboard/sheet.html",
        {
            "assessment": assessment,
            "board": board,
            "events": [(ev, event_label(ev)) for ev in board.events],
            "chart_json": json.dumps(chart_data(board)),
        },
    )


urlpatterns = [
    path("assessments/<int:pk>/dashboard/", sheet_dashboard, name="dashboard_sheet"),
]
