"""Suggestions (saran): managers moderate, reviewers read the approved ones. Never public."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zona.accounts.access import Perm, user_can
from zona.core.errors import ZonaError
from zona.surveys.access import access_campaign_by_id, access_suggestion_by_id
from zona.surveys.models import Campaign
from zona.surveys.selectors.review import (
    hidden_suggestion_reasons,
    suggestion_counts,
    suggestions_with_status,
)
from zona.surveys.services.feedback import (
    suggestion_moderate,
    suggestion_open_rest,
)
from zona.surveys.services.sealed import SUGGESTIONS
from zona.surveys.views.common import campaign_page

SHOWS = ("pending", "approved", "hidden")


def _may_moderate(request: HttpRequest, campaign: Campaign) -> bool:
    """Managers moderate and read all; reviewers read the approved ones; others get 404."""
    manage = user_can(request.user, Perm.SURVEY_MANAGE, campaign.unit)
    if not (manage or user_can(request.user, Perm.SURVEY_VALIDATE, campaign.unit)):
        raise Http404
    return manage


@login_required
def suggestion_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    can_moderate = _may_moderate(request, campaign)
    show = request.GET.get("show", "")
    if show not in SHOWS:
        show = "pending" if can_moderate else "approved"
    if not can_moderate:
        show = "approved"
    counts = suggestion_counts(campaign)
    rows = suggestions_with_status(campaign, show)
    # Reviewers see why suggestions were hidden (never their text), so hiding is accountable.
    hidden_reasons = [] if can_moderate else hidden_suggestion_reasons(campaign)
    return render(
        request,
        "surveys/suggestions.html",
        campaign_page(
            request,
            campaign,
            rows=rows,
            show=show,
            counts={s: counts.get(s, 0) for s in SHOWS},
            can_moderate=can_moderate,
            hidden_reasons=hidden_reasons,
            waiting=SUGGESTIONS.waiting(campaign),
            closed=campaign.closes_on < timezone.localdate(),
        ),
    )


@login_required
@require_POST
def suggestion_open_rest_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    try:
        written = suggestion_open_rest(actor=request.user, campaign=campaign)
    except ZonaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s suggestions were opened.") % {"n": written})
    return redirect("surveys:suggestions", campaign.pk)


@login_required
@require_POST
def suggestion_moderate_view(
    request: HttpRequest, campaign_id: int, suggestion_id: int
) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    suggestion = access_suggestion_by_id(request.user, campaign, suggestion_id)
    action = request.POST.get("action", "")
    if action not in ("approve", "hide"):
        messages.error(request, _("Choose to approve or to hide the suggestion."))
    else:
        try:
            suggestion_moderate(
                actor=request.user,
                suggestion=suggestion,
                approve=action == "approve",
                reason=request.POST.get("reason", ""),
            )
        except ZonaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The suggestion is approved for reviewers.")
                if action == "approve"
                else _("The suggestion is hidden."),
            )
    show = request.POST.get("show", "")
    target = reverse("surveys:suggestions", args=[campaign.pk])
    return redirect(f"{target}?show={show}" if show in SHOWS else target)
