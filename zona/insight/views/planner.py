"""The path to a predicate (issue 12 §3): the sheet's failing conditions with the fewest item
improvements each, as a ranked to-do list, its readiness before the deadline, and a what-if
panel that scores other answers without saving them.

Everyone who may see the sheet opens it (the unit's people, its reviewers, the agency); the
unit's people plan on their own layer, a reviewer on the effective view by default
(`?view=unit|effective`). Nothing here writes: the what-if is a POST only because it carries
a form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from zona.accounts.access import Perm, review_tiers_for, user_can
from zona.assessments.access import access_assessment_by_id
from zona.assessments.models import Assessment
from zona.assessments.presenters.numbers import num
from zona.assessments.views._common import AuthedRequest, error_text
from zona.core.errors import ValidationFailed
from zona.insight.presenters.planner import (
    condition_rows,
    posted_overrides,
    predicate_title,
    targets,
    todo_rows,
    what_if_groups,
    what_if_numbers,
)
from zona.insight.selectors.planner import (
    PlannerSheet,
    WhatIf,
    default_view,
    load_planner,
    parse_target,
    parse_view,
    what_if,
)


def _sheet(request: AuthedRequest, assessment: Assessment, params: QueryDict) -> PlannerSheet:
    unit = assessment.unit
    fallback = default_view(
        reviewer=bool(review_tiers_for(request.user, unit)),
        unit_member=user_can(request.user, Perm.ASSESSMENT_EDIT, unit),
    )
    try:
        view = parse_view(params.get("view"), fallback)
        target = parse_target(assessment, params.get("target"))
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
        view, target = fallback, parse_target(assessment, None)
    return load_planner(assessment, view=view, target=target)


def _context(sheet: PlannerSheet, result: WhatIf, error: str = "") -> dict[str, Any]:
    stored = sheet.stored
    return {
        "assessment": sheet.assessment,
        "sheet": sheet,
        "predicate": predicate_title(sheet),
        "targets": targets(sheet),
        "conditions": condition_rows(sheet),
        "todo": todo_rows(sheet),
        "readiness": sheet.readiness,
        "current": {
            "total": num(stored.final_total),
            "pengungkit": num(stored.pengungkit),
            "hasil": num(stored.hasil),
            "passed": bool(stored.verdicts.get(sheet.target, {}).get("passed")),
        },
        "groups": what_if_groups(sheet),
        "result": what_if_numbers(result, sheet),
        "error": error,
        "projected_total": num(sheet.plan.projected.total),
        "projected_passed": sheet.plan.projected.verdicts[sheet.target].passed,
    }


@login_required
@require_GET
def path_page(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    sheet = _sheet(request, assessment, request.GET)
    return render(request, "insight/planner/path.html", _context(sheet, what_if(sheet, {})))


@login_required
@require_POST
def what_if_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Score the posted answers over the view's; saves nothing (a test checks every table)."""
    assessment = access_assessment_by_id(request.user, pk)
    sheet = _sheet(request, assessment, request.POST)
    error = ""
    status = 200
    try:
        result = what_if(sheet, posted_overrides(sheet.state.spec, request.POST))
    except ValidationFailed as exc:
        error = error_text(exc)
        result = what_if(sheet, {})
        status = 400
    context = _context(sheet, result, error)
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the error is shown in the panel in place of the result.
        return render(request, "insight/planner/_what_if_result.html", context)
    return render(request, "insight/planner/path.html", context, status=status)


urlpatterns = [
    path("assessments/<int:pk>/path/", path_page, name="planner_path"),
    path("assessments/<int:pk>/path/what-if/", what_if_view, name="planner_what_if"),
]
