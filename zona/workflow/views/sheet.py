"""The sheet's lifecycle pages: the summary before submission (and the submission), the
return form of the tier that holds the sheet, and the sheet's workflow history.

The paths stay under /assessments/<id>/ (the sheet's own address); every button state comes
from the sheet's transition table (`sheet_refusal`), the same rule the services apply.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.accounts.models import ReviewTier
from zona.assessments.access import SheetRights, access_assessment_by_id, sheet_rights
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.presenters import slug
from zona.assessments.selectors import (
    deadline_for,
    load_sheet_state,
    submission_counts,
    submission_window,
)
from zona.assessments.sheet import sheet_spec, text
from zona.assessments.views._common import AuthedRequest, flash_error
from zona.assessments.views.worksheet import _sheet, returned_entries
from zona.core.errors import ZonaError
from zona.workflow.presenters.review import ReviewView
from zona.workflow.selectors.sheet import sheet_history
from zona.workflow.services.sheet import sheet_return, sheet_submit
from zona.workflow.tables.sheet import return_tier, sheet_refusal


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The summary before submission: what is unanswered, without evidence or expired, and
    the counts the unit head confirms when submitting."""
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
                sheet_submit(actor=request.user, assessment=assessment, confirmed=confirmed)
            except ZonaError as exc:
                flash_error(request, exc)
            else:
                messages.success(request, _("The self-assessment was submitted."))
                return redirect("assessments:worksheet", pk=pk)
        return redirect("workflow:sheet_submit", pk=pk)
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
    submitted = assessment.status == AssessmentStatus.SUBMITTED
    return render(
        request,
        "workflow/sheet/submit.html",
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
            "submitted": submitted,
            # The one rule: the state, the unit head's right, the window, completeness.
            "refusal": sheet_refusal(assessment, "submit", request.user),
            "window": submission_window(assessment),
            "returned": returned_entries(assessment),
            "events": sheet_history(assessment),
        },
    )


def review_url(assessment_id: int, tier: ReviewTier | None) -> str:
    """The review page of the sheet, in `tier` when given."""
    if tier is None:
        return reverse("workflow:review", args=[assessment_id])
    return reverse("workflow:review_tier", args=[assessment_id, tier.code])


def _tier_or_404(rights: SheetRights, code: str | None) -> ReviewTier | None:
    """The tier named in the address (it must be one of the user's), else None."""
    if not code:
        return None
    tier = rights.review_tier(code)
    if tier is None:
        raise Http404
    return tier


@login_required
@require_http_methods(["GET", "POST"])
def return_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """A reviewer of the tier that holds the sheet sends the whole sheet or chosen items back
    to the unit, with a reason."""
    assessment = access_assessment_by_id(request.user, pk)
    rights = sheet_rights(request.user, assessment)
    if not rights.is_reviewer:
        raise Http404
    wanted = _tier_or_404(rights, request.POST.get("tier") or request.GET.get("tier"))
    acting, _refused = return_tier(assessment, request.user, wanted)
    chosen = acting or wanted or rights.review_tier()
    spec = sheet_spec(assessment.period.framework)
    if request.method == "POST":
        scope = request.POST.get("scope", "items")
        items = [c for c in request.POST.getlist("items") if c in spec.items]
        reason = request.POST.get("reason", "")
        if scope != "all" and not items:
            messages.error(
                request,
                _("Choose the items to return, or return the whole sheet."),
                extra_tags="no_items",  # the code, as data-error (see flash_error)
            )
        else:
            try:
                sheet_return(
                    actor=request.user,
                    assessment=assessment,
                    items=[] if scope == "all" else items,
                    reason=reason,
                    tier=chosen,
                )
            except ZonaError as exc:
                flash_error(request, exc)
            else:
                messages.success(
                    request,
                    _("The whole sheet was returned to the unit.")
                    if scope == "all"
                    else _("%(n)d items were returned to the unit.") % {"n": len(items)},
                )
                return redirect(review_url(pk, chosen))
        return _return_form(request, assessment, rights, chosen, set(items), reason, scope)
    preselected = {c for c in request.GET.getlist("items") if c in spec.items}
    return _return_form(request, assessment, rights, chosen, preselected, "", "items")


def _return_form(
    request: AuthedRequest,
    assessment: Assessment,
    rights: SheetRights,
    tier: ReviewTier | None,
    selected: set[str],
    reason: str,
    scope: str,
) -> HttpResponse:
    view = ReviewView.build_review(load_sheet_state(assessment), rights, tier)
    state = view.state
    sections: list[dict[str, Any]] = []
    differing = 0
    for section in state.spec.sections:
        entries: list[dict[str, Any]] = []
        for spec_item in state.spec.section_items(section):
            card = view.review_card(spec_item)
            unit = card["layers"][0]
            mine = next((row for row in card["layers"] if row["mine"]), None)
            entries.append(
                {
                    "code": spec_item.code,
                    "slug": card["slug"],
                    "question": card["question"],
                    "unit_text": unit["text"],
                    "unit_note": unit["note"],
                    "mine_text": mine["text"] if mine else "",
                    "mine_note": mine["note"] if mine else "",
                    "differs": card["differs"],
                    "checked": spec_item.code in selected,
                }
            )
            differing += card["differs"]
        sections.append(
            {"code": section, "title": text(state.spec.nodes[section].title), "items": entries}
        )
    deadline = deadline_for(assessment.period, assessment.unit.depth)
    revision_due = (deadline.revision_deadline if deadline else None) or (
        assessment.period.closes_on
    )
    return render(
        request,
        "workflow/sheet/return.html",
        {
            "assessment": assessment,
            "tier": tier,
            "rights": rights,
            "sections": sections,
            "reason": reason,
            "scope": scope,
            # The one rule: the state, the holding tier, its window.
            "lock": sheet_refusal(assessment, "return", request.user, tier=tier),
            "review_url": review_url(assessment.pk, tier),
            "revision_due": revision_due,
            "revision_due_passed": revision_due < timezone.localdate(),
            "differing": differing,
            "checked_count": len(selected),
        },
    )


@login_required
def timeline(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sheet's workflow history: submissions, returns and every tier's steps."""
    assessment = access_assessment_by_id(request.user, pk)
    return render(
        request,
        "workflow/sheet/timeline.html",
        {
            "assessment": assessment,
            "rights": sheet_rights(request.user, assessment),
            "events": sheet_history(assessment, sheet_only=False),
        },
    )


urlpatterns = [
    path("assessments/<int:pk>/submit/", submit, name="sheet_submit"),
    path("assessments/<int:pk>/return/", return_sheet, name="sheet_return"),
    path("assessments/<int:pk>/timeline/", timeline, name="sheet_timeline"),
]
