"""Kiosks of a campaign: managers open (register) and close them; reviewers see them all,
with their places, who opened them and how many responses each sent."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.core.errors import ZonaError
from zona.surveys.access import access_campaign_by_id, access_kiosk_by_id
from zona.surveys.forms import KioskForm
from zona.surveys.selectors import channel_share
from zona.surveys.services.kiosks import kiosk_close, kiosk_open
from zona.surveys.views.common import absolute, campaign_page, show_problems


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    page = campaign_page(request, campaign)
    form = KioskForm(request.POST or None)
    if request.method == "POST":
        campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
        if form.is_valid():
            try:
                kiosk = kiosk_open(
                    actor=request.user,
                    campaign=campaign,
                    name=form.cleaned_data["name"],
                    location=form.cleaned_data["location"],
                )
            except ZonaError as exc:
                show_problems(request, form, exc)
            else:
                messages.success(
                    request,
                    _("Kiosk %(name)s is open. Open its link on the tablet.") % {"name": kiosk},
                )
                return redirect("surveys:kiosks", campaign.pk)
    kiosks = []
    for kiosk in campaign.kiosks.select_related("opened_by", "closed_by"):
        link = ""
        if page["can_manage"] and kiosk.is_open:
            link = absolute(
                request, reverse("survey_public:kiosk", args=[campaign.public_code, kiosk.key])
            )
        kiosks.append({"kiosk": kiosk, "link": link})
    page.update(
        form=form,
        kiosks=kiosks,
        share=channel_share(campaign),
        interval=settings.ZONA_SURVEY_KIOSK_MIN_INTERVAL_SECONDS,
    )
    return render(request, "surveys/kiosks.html", page)


@login_required
@require_POST
def kiosk_close_view(request: HttpRequest, campaign_id: int, kiosk_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    kiosk = access_kiosk_by_id(request.user, campaign, kiosk_id)
    try:
        kiosk_close(actor=request.user, kiosk=kiosk)
    except ZonaError as exc:
        show_problems(request, None, exc)
    else:
        messages.success(
            request, _("Kiosk %(name)s is closed; its link no longer works.") % {"name": kiosk}
        )
    return redirect("surveys:kiosks", campaign.pk)
