"""Reviewers at work: the layers side by side, answering in their tier's layer, and the
tier's review of the sheet (sign-off, completion, sending back to the tier below).

Anyone who may see the sheet may compare its layers; a reviewer of the unit answers in the
layer of their review tier (never the unit's). The reviewer's answers are saved by the
assessments service (`answer_save`), which asks the workflow's gate whether the tier's
layer may change now.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.models import ReviewTier
from zona.assessments.access import SheetRights, access_assessment_by_id, sheet_rights
from zona.assessments.models import Assessment
from zona.assessments.presenters import slug
from zona.assessments.selectors import (
    deadline_for,
    load_sheet_state,
    survey_indices,
)
from zona.assessments.services import UNSET, answer_save
from zona.assessments.sheet import offers_survey, sheet_spec
from zona.assessments.views._common import (
    AuthedRequest,
    flash_error,
    item_refused,
    posted_int,
    section_param,
)
from zona.assessments.views.worksheet import _neighbours, _posted_answer, returned_entries
from zona.core.errors import ZonaError
from zona.workflow import panels
from zona.workflow.engine import refusal
from zona.workflow.models import TierReview
from zona.workflow.presenters.review import ReviewView
from zona.workflow.selectors.reviews import (
    ReturnRound,
    access_tier_review,
    return_rounds,
    reviews_of,
    revised_since_return,
)
from zona.workflow.selectors.sheet import sheet_history
from zona.workflow.services.reviews import (
    refuse,
    review_complete,
    review_send_back,
    review_sign_off,
    reviews_layer_lock,
)
from zona.workflow.tables.reviews import PEOPLE_ACTIONS, TIER_REVIEW, lead_signed, team_for
from zona.workflow.tables.sheet import sheet_refusal


def _tier_or_404(rights: SheetRights, code: str | None) -> ReviewTier | None:
    """The tier named in the address (it must be one of the user's), else their first."""
    tier = rights.review_tier(code)
    if code is not None and tier is None:
        raise Http404
    return tier


def review_url(assessment_id: int, tier: ReviewTier | None, section: str = "") -> str:
    if tier is None:
        url = reverse("workflow:review", args=[assessment_id])
    else:
        url = reverse("workflow:review_tier", args=[assessment_id, tier.code])
    return f"{url}?s={section}" if section else url


def _can_return(request: AuthedRequest, assessment: Assessment, tier: ReviewTier | None) -> bool:
    if tier is None:
        return False
    # The sheet's transition table decides: only the tier holding the sheet returns it.
    return sheet_refusal(assessment, "return", request.user) is None


def _review_actions(request: AuthedRequest, review: TierReview | None) -> dict[str, dict[str, Any]]:
    """The tier-review actions the page offers the user, with why each is refused."""
    if review is None:
        return {}
    result = {}
    for action in PEOPLE_ACTIONS:
        if review.status not in TIER_REVIEW.transition(action).sources:
            continue
        refused = refusal(
            TIER_REVIEW,
            review,
            action,
            request.user,
            tier=review.tier,
            data={"recommendation": "forward"},
            reason="-" if action == "send_back" else "",
        )
        result[action] = {"allowed": refused is None, "refusal": refused}
    return result


@login_required
def review(request: AuthedRequest, pk: int, tier: str | None = None) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    rights = sheet_rights(request.user, assessment)
    chosen = _tier_or_404(rights, tier)
    events = sheet_history(assessment)
    rounds = return_rounds(assessment, events)
    revised = revised_since_return(rounds)
    view = ReviewView.build_review(
        load_sheet_state(assessment),
        rights,
        chosen,
        survey=survey_indices(assessment),
        revised=revised,
    )
    state = view.state
    wanted = request.GET.get("s")
    show_all = wanted == "all"
    only_revised = request.GET.get("revised") == "1" and bool(revised)
    current = "" if show_all or only_revised else view.section_code(wanted)
    codes = list(state.spec.sections) if show_all or only_revised else [current]
    sections = [view.section(code) for code in codes]
    if only_revised:
        sections = _only_items(sections, revised)
    reviews = reviews_of(assessment)
    _mark_waiting_for_round(reviews)
    mine = next((r for r in reviews if chosen is not None and r.tier_id == chosen.pk), None)
    extras = panels.item_extras(request, assessment, mine)
    for section in sections:
        for group in section["groups"]:
            for card in group["items"]:
                card["extras"] = extras.get(card["code"], [])
    deadline = deadline_for(assessment.period, assessment.unit.depth)
    return render(
        request,
        "workflow/reviews/review.html",
        {
            "assessment": assessment,
            "view": view,
            "rights": rights,
            "tier": chosen,
            "sections": sections,
            "current": current,
            "nav": view.nav(current),
            "panel": view.panel(),
            "edit_lock": view.edit_lock,
            "review_deadline": deadline.review_deadline if deadline else None,
            "returned": returned_entries(assessment),
            "events": events,
            "can_return": _can_return(request, assessment, chosen),
            "reviews": reviews,
            "my_review": mine,
            # The tier holding the sheet: the first open or returned review of its chain.
            "holding": next((r for r in reviews if r.status in ("open", "returned")), None),
            "actions": _review_actions(request, mine),
            "lead_sign_off": lead_signed(mine) if mine else None,
            "team": team_for(mine) if mine else None,
            "rounds": rounds,
            # Who returned the sheet (the returned banner names them).
            "returned_by": rounds[-1].returned_by if rounds else "",
            "returned_tier": rounds[-1].tier if rounds else "",
            "revised": sorted(revised),
            "only_revised": only_revised,
            "panels": panels.sheet_panels(request, assessment, mine),
            **_neighbours(state.spec.sections, current, state),
        },
    )


def _mark_waiting_for_round(reviews: list[Any]) -> None:
    """A waiting review whose tier below completed and forwarded waits for that tier's
    selection round, not for the tier below: the chain card says so."""
    from zona.workflow.services.reviews import selection_allows_next

    for below, review in pairwise(reviews):
        review.waiting_for_round = (
            review.status == "waiting"
            and below.status == "completed"
            and below.recommendation == "forward"
            and not selection_allows_next(below)
        )


def _only_items(sections: list[Any], codes: frozenset[str]) -> list[Any]:
    """The sections' items restricted to `codes` (the "revised since return" filter)."""
    kept = []
    for section in sections:
        groups = []
        for group in section["groups"]:
            items = [card for card in group["items"] if card["code"] in codes]
            if items:
                groups.append({**group, "items": items})
        if groups:
            kept.append({**section, "groups": groups})
    return kept


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
            "workflow/reviews/_review_item.html",
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
        # The chain's lock (its review open, its window) before the sheet's own checks.
        refuse(reviews_layer_lock(assessment, chosen, timezone.localdate()))
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
    return render(request, "workflow/reviews/_review_save_response.html", context)


# --- the tier's review: sign-off, completion, send back -----------------------------------------


@login_required
@require_POST
def review_act(request: AuthedRequest, pk: int, tier: str, action: str) -> HttpResponse:
    review_row = access_tier_review(request.user, pk, tier)
    recommendation = request.POST.get("recommendation", "")
    note = request.POST.get("note", "")
    try:
        if action == "sign_off":
            review_sign_off(
                actor=request.user, review=review_row, recommendation=recommendation, note=note
            )
            messages.success(request, _("Your sign-off was recorded."))
        elif action == "complete":
            done = review_complete(
                actor=request.user, review=review_row, recommendation=recommendation, note=note
            )
            messages.success(
                request,
                _("The review of %(tier)s is completed.") % {"tier": done.tier.name},
            )
        elif action == "send_back":
            review_send_back(
                actor=request.user, review=review_row, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The sheet went back to the tier below."))
        else:
            raise Http404
    except ZonaError as exc:
        flash_error(request, exc)
    return redirect(review_url(pk, review_row.tier))


urlpatterns = [
    path("assessments/<int:pk>/review/", review, name="review"),
    path("assessments/<int:pk>/review/<str:tier>/", review, name="review_tier"),
    path(
        "assessments/<int:pk>/review/<str:tier>/items/<str:code>/",
        review_item,
        name="review_item",
    ),
    path(
        "assessments/<int:pk>/review/<str:tier>/sign-off/",
        review_act,
        {"action": "sign_off"},
        name="review_sign_off",
    ),
    path(
        "assessments/<int:pk>/review/<str:tier>/complete/",
        review_act,
        {"action": "complete"},
        name="review_complete",
    ),
    path(
        "assessments/<int:pk>/review/<str:tier>/send-back/",
        review_act,
        {"action": "send_back"},
        name="review_send_back",
    ),
]

__all__ = ["ReturnRound", "review_url", "urlpatterns"]
