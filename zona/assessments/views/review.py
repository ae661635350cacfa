"""Reviewers at work: the layers side by side, answering in their tier's layer, returning.

Anyone who may see the sheet may compare its layers; a reviewer of the unit answers in
the layer of their review tier (never the unit's) and may return the sheet or chosen items.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.accounts.models import ReviewTier
from zona.assessments.access import SheetRights, access_assessment_by_id, sheet_rights
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.presenters import ReviewView, slug
from zona.assessments.selectors import (
    deadline_for,
    load_sheet_state,
    survey_indices,
    workflow_events,
)
from zona.assessments.services import (
    UNSET,
    answer_save,
    assessment_return,
)
from zona.assessments.sheet import offers_survey, sheet_spec, text
from zona.assessments.views._common import (
    AuthedRequest,
    flash_error,
    item_refused,
    posted_int,
    section_param,
)
from zona.assessments.views.worksheet import _neighbours, _posted_answer, returned_entries
from zona.core.errors import ZonaError


def _tier_or_404(rights: SheetRights, code: str | None) -> ReviewTier | None:
    """The tier named in the address (it must be one of the user's), else their first."""
    tier = rights.review_tier(code)
    if code is not None and tier is None:
        raise Http404
    return tier


def review_url(assessment_id: int, tier: ReviewTier | None, section: str = "") -> str:
    if tier is None:
        url = reverse("assessments:review", args=[assessment_id])
    else:
        url = reverse("assessments:review_tier", args=[assessment_id, tier.code])
    return f"{url}?s={section}" if section else url


@login_required
def review(request: AuthedRequest, pk: int, tier: str | None = None) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    rights = sheet_rights(request.user, assessment)
    chosen = _tier_or_404(rights, tier)
    view = ReviewView.build_review(
        load_sheet_state(assessment), rights, chosen, survey=survey_indices(assessment)
    )
    state = view.state
    wanted = request.GET.get("s")
    show_all = wanted == "all"
    current = "" if show_all else view.section_code(wanted)
    codes = list(state.spec.sections) if show_all else [current]
    deadline = deadline_for(assessment.period, assessment.unit.depth)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "view": view,
            "rights": rights,
            "tier": chosen,
            "sections": [view.section(code) for code in codes],
            "current": current,
            "nav": view.nav(current),
            "panel": view.panel(),
            "edit_lock": view.edit_lock,
            "review_deadline": deadline.review_deadline if deadline else None,
            "returned": returned_entries(assessment),
            "events": workflow_events(assessment),
            "can_return": chosen is not None and assessment.status == AssessmentStatus.SUBMITTED,
            **_neighbours(state.spec.sections, current, state),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_item(request: AuthedRequest, pk: int, tier: str, code: str) -> HttpResponse:
    """GET: the item's review card (to take the other reviewer's value after a conflict).
    POST: autosave of one item in the reviewer's layer; scores follow out of band."""
    assessment = access_assessment_by_id(request.user, pk)
    spec_item = sheet_spec(assessment.period.framework).items.get(code)
    if spec_item is None:
        raise Http404
    rights = sheet_rights(request.user, assessment)
    chosen = rights.review_tier(tier)
    if request.method == "GET":
        if chosen is None:
            raise Http404
        view = ReviewView.build_review(
            load_sheet_state(assessment),
            rights,
            chosen,
            survey=survey_indices(assessment) if offers_survey(spec_item) else None,
        )
        return render(
            request,
            "assessments/_review_item.html",
            {
                "card": view.review_card(spec_item),
                "assessment": assessment,
                "tier": chosen,
                "current": section_param(view.state.spec.sections, request.GET.get("s")),
            },
        )
    context: dict[str, Any] = {"assessment": assessment, "slug": slug(code), "code": code}
    if chosen is None:
        # A unit user (or another tier's reviewer) posting into a layer that is not theirs.
        context.update(state="refused", message=_("You do not review this unit in that tier."))
        return render(request, "assessments/_item_status.html", context, status=403)
    value = _posted_answer(spec_item, request.POST)
    note = request.POST.get("note", UNSET) if "note" in request.POST else UNSET
    try:
        saved = answer_save(
            actor=request.user,
            assessment=assessment,
            item_code=code,
            revision=posted_int(request.POST, "revision"),
            value=value,
            note=note,
            tier=chosen,
        )
    except ZonaError as exc:
        return item_refused(request, exc, spec_item, context)
    view = ReviewView.build_review(
        load_sheet_state(assessment),
        rights,
        chosen,
        survey=survey_indices(assessment) if offers_survey(spec_item) else None,
    )
    current = section_param(view.state.spec.sections, request.POST.get("s"), spec_item.section)
    context.update(
        state="saved",
        saved=saved,
        saved_at=timezone.localtime(),
        card=view.review_card(spec_item),
        groups=view.group_scores(spec_item),
        nav=view.nav(current),
        panel=view.panel(),
        current=current,
        view=view,
        tier=chosen,
    )
    return render(request, "assessments/_review_save_response.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """A reviewer sends the whole sheet or chosen items back to the unit, with a reason."""
    assessment = access_assessment_by_id(request.user, pk)
    rights = sheet_rights(request.user, assessment)
    if not rights.is_reviewer:
        raise Http404
    chosen = _tier_or_404(rights, request.POST.get("tier") or request.GET.get("tier"))
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
                assessment_return(
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
        "assessments/return.html",
        {
            "assessment": assessment,
            "tier": tier,
            "rights": rights,
            "sections": sections,
            "reason": reason,
            "scope": scope,
            "lock": view.edit_lock,
            "revision_due": revision_due,
            "revision_due_passed": revision_due < timezone.localdate(),
            "differing": differing,
            "checked_count": len(selected),
        },
    )
