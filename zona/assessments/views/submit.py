"""The summary before submission: what is unanswered, without evidence or expired, and the
counts the unit head confirms when submitting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.assessments.models import AssessmentStatus
from zona.assessments.presenters import slug
from zona.assessments.selectors import (
    completeness_refusal,
    submission_counts,
    submission_refusal,
    submission_window,
    workflow_events,
)
from zona.assessments.services import assessment_submit
from zona.assessments.sheet import text
from zona.assessments.views._common import AuthedRequest, flash_error
from zona.assessments.views.worksheet import _sheet, returned_entries
from zona.core.errors import ZonaError


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    view = _sheet(request, pk)
    assessment = view.state.assessment
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            messages.error(request, _("Tick the box to confirm the submission."))
        else:
            confirmed = {
                key: request.POST.get(f"count_{key}", "")
                for key in ("unanswered", "no_evidence", "failing")
            }
            try:
                assessment_submit(actor=request.user, assessment=assessment, confirmed=confirmed)
            except ZonaError as exc:
                flash_error(request, exc)
            else:
                messages.success(request, _("The self-assessment was submitted."))
                return redirect("assessments:worksheet", pk=pk)
        return redirect("assessments:submit", pk=pk)
    state = view.state
    counts = submission_counts(state, view.survey)
    unanswered: list[dict[str, Any]] = []
    incomplete: list[dict[str, Any]] = []
    no_evidence: list[dict[str, Any]] = []
    expired: list[dict[str, Any]] = []
    from_surveys: list[dict[str, Any]] = []
    for code, spec_item in state.spec.items.items():
        entry = {
            "code": code,
            "section": spec_item.section,
            "slug": slug(code),
            "question": text(spec_item.question),
        }
        if code in counts.from_surveys:
            from_surveys.append(entry)
        elif view.scores.unit.items.get(code) is None:
            (incomplete if state.unit_value(code) is not None else unanswered).append(entry)
        if not state.links.get(code):
            no_evidence.append(entry)
        elif state.has_expired_evidence(code):
            expired.append(entry)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "view": view,
            "panel": view.panel(),
            "rights": view.rights,
            "unanswered": unanswered,
            "incomplete": incomplete,
            "no_evidence": no_evidence,
            "expired": expired,
            "from_surveys": from_surveys,
            "counts": counts,
            "submitted": assessment.status == AssessmentStatus.SUBMITTED,
            "refusal": submission_refusal(assessment)
            or completeness_refusal(counts, assessment.period),
            "window": submission_window(assessment),
            "returned": returned_entries(assessment),
            "events": workflow_events(assessment),
        },
    )
