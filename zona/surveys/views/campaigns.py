"""Staff pages of campaigns: list, create, edit, progress, results, one-time codes.

Every object comes through zona.surveys.access (same 404 for missing and forbidden); every
change goes through a service, which audits it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import Perm, has_perm_anywhere, units_where
from zona.accounts.models import Unit
from zona.core.api.params import int_or_none
from zona.core.errors import ZonaError
from zona.surveys.access import (
    access_campaign_by_id,
)
from zona.surveys.forms import (
    CampaignForm,
    CodeBatchForm,
)
from zona.surveys.indices import rounded
from zona.surveys.models import (
    Campaign,
)
from zona.surveys.profile import min_group
from zona.surveys.reporting import figures_from_k, profile_breakdown, shown_services, trend_from_k
from zona.surveys.selectors import (
    campaign_progress,
    campaign_results,
    campaigns_for,
    channel_share,
    lke_feed_state,
    progress_by_campaign,
    results_by_service,
    unit_trend,
    with_instruments,
)
from zona.surveys.selectors.review import code_batches_of
from zona.surveys.services import (
    campaign_create,
    campaign_publish_results,
    campaign_update,
    code_batch_create,
)
from zona.surveys.services.contacts import contact_pool_size
from zona.surveys.views.common import absolute, campaign_page, page_language, show_problems

# --- campaigns ----------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = with_instruments(campaigns_for(request.user)).order_by(
        "-year", "-opens_on", "unit__name"
    )
    year = int_or_none(request.GET.get("year", ""), maximum=9999)
    if year is not None:
        campaigns = campaigns.filter(year=year)
    query = request.GET.get("q", "").strip()
    if query:
        campaigns = campaigns.filter(
            Q(unit__name__icontains=query) | Q(unit__code__icontains=query)
        )
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    progress = progress_by_campaign(c.pk for c in page.object_list)
    today = timezone.localdate()
    rows = [
        {
            "campaign": c,
            "counted": progress[c.pk][0],
            "target": progress[c.pk][1],
            "percent": min(100, round(progress[c.pk][0] * 100 / progress[c.pk][1]))
            if progress[c.pk][1]
            else 0,
            "open": c.is_open_on(today),
            "upcoming": c.opens_on > today,
        }
        for c in page.object_list
    ]
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "query": query,
            "can_create": has_perm_anywhere(request.user, Perm.SURVEY_MANAGE),
        },
    )


def _manageable_units(user: Any):
    return (
        units_where(user, Perm.SURVEY_MANAGE)
        .filter(service_types__is_active=True)
        .distinct()
        .order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    units = _manageable_units(request.user)
    unit_id = request.POST.get("unit") or request.GET.get("unit")
    unit: Unit | None = None
    if unit_id:
        try:
            unit = units.get(pk=int(unit_id))
        except (Unit.DoesNotExist, ValueError):
            raise Http404 from None
    elif units.count() == 1:
        unit = units.first()
    if unit is None:
        if not units.exists():
            raise Http404
        return render(request, "surveys/campaign_pick_unit.html", {"units": units[:500]})
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None,
        unit=unit,
        initial={
            "year": today.year,
            "opens_on": today,
            "sample_method": Campaign.Method.KREJCIE_MORGAN,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(actor=request.user, unit=unit, fields=form.campaign_fields())
        except ZonaError as exc:
            show_problems(request, form, exc)
        else:
            messages.success(request, _("The campaign was created."))
            return redirect("surveys:campaign_detail", campaign.pk)
    return render(
        request, "surveys/campaign_form.html", {"form": form, "unit": unit, "campaign": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    form = CampaignForm(request.POST or None, unit=campaign.unit, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(actor=request.user, campaign=campaign, fields=form.campaign_fields())
        except ZonaError as exc:
            show_problems(request, form, exc)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("surveys:campaign_detail", campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {
            "form": form,
            "unit": campaign.unit,
            "campaign": campaign,
            "has_responses": campaign.responses.exists(),
        },
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    public_path = reverse("survey_public:form", args=[campaign.public_code])
    services = []
    progress = campaign_progress(campaign)
    for row in progress.services:
        services.append(
            {
                "progress": row,
                "link": absolute(request, f"{public_path}?s={row.service.code}"),
            }
        )
    return render(
        request,
        "surveys/campaign_detail.html",
        campaign_page(
            request,
            campaign,
            versions=campaign.ordered_versions(),
            progress=progress,
            services=services,
            public_link=absolute(request, public_path),
            results_link=absolute(
                request, reverse("survey_public:results", args=[campaign.public_code])
            ),
            contacts=contact_pool_size(campaign),
            lke_feed=lke_feed_state(campaign),
        ),
    )


@login_required
@require_POST
def campaign_publish(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    public = request.POST.get("public") == "1"
    campaign_publish_results(actor=request.user, campaign=campaign, public=public)
    messages.success(
        request,
        _("The results page is public.") if public else _("The results page is no longer public."),
    )
    return redirect("surveys:campaign_detail", campaign.pk)


# --- results ------------------------------------------------------------------------------


def _float(value: Decimal | None) -> float | None:
    """A chart value: 2 decimals, half up, as every index is shown."""
    return None if value is None else float(rounded(value, 2))


def _chart_items(results: list) -> list[dict[str, Any]]:
    return [
        {
            "title": f"{r.version.abbreviation} · {r.title}",
            "max": r.version.scale_max,
            "min": r.version.scale_min,
            "codes": [i.code for i in r.items],
            "texts": [i.text for i in r.items],
            "means": [_float(i.mean) for i in r.items],
        }
        for r in results
    ]


@login_required
def campaign_results_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    lang = page_language()
    service_id = int_or_none(request.GET.get("service", ""))
    service = None
    if service_id is not None:
        service = next(
            (s for s in campaign.services.all() if s.service_type_id == service_id), None
        )
    by_service = results_by_service(campaign, language=lang)
    # Groups under ZONA_SURVEY_MIN_GROUP responses are never shown (zona/surveys/reporting.py).
    visible = shown_services(by_service)
    by_service = [s for s in by_service if s.respondents == 0 or s.service.code in visible]
    if service is not None and service.service_type.code not in visible:
        messages.info(
            request,
            _("Results per service are shown only for groups of at least %(k)s responses.")
            % {"k": min_group()},
        )
        service = None
    results = figures_from_k(
        campaign_results(
            campaign, service_type_id=service.service_type_id if service else None, language=lang
        )
    )
    keys, trend = unit_trend(campaign.unit)
    trend = trend_from_k(trend)
    versions = campaign.ordered_versions()
    chart = {
        "items": _chart_items(results),
        "services": {
            "names": [s.service.name for s in by_service],
            "series": [
                {
                    "name": v.abbreviation,
                    "ikm": v.index_kind == "ikm",
                    "values": [_float(s.results[i].shown) for s in by_service],
                }
                for i, v in enumerate(versions)
            ],
        },
        "trend": {
            "labels": [f"{p.campaign.year} {p.campaign.period_label}" for p in trend],
            "series": [
                {
                    "name": key.upper(),
                    "ikm": any(
                        v.instrument.key == key and v.index_kind == "ikm"
                        for p in trend
                        for v in p.campaign.ordered_versions()
                    ),
                    "values": [_float(p.values.get(key)) for p in trend],
                }
                for key in keys
            ],
        },
        "labels": {
            "mean": _("Average"),
            "index": _("Index (0-4)"),
            "ikm": "IKM (25-100)",
        },
    }
    return render(
        request,
        "surveys/campaign_results.html",
        campaign_page(
            request,
            campaign,
            results=results,
            by_service=by_service,
            trend=trend,
            trend_keys=keys,
            service=service,
            chart_json=json.dumps(chart),
            progress=campaign_progress(campaign),
            share=channel_share(campaign),
            profile=profile_breakdown(campaign, language=lang) if campaign.asks_profile else [],
            min_group=min_group(),
        ),
    )


# --- one-time codes -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def code_batches(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    form = CodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = code_batch_create(
                actor=request.user,
                campaign=campaign,
                size=form.cleaned_data["size"],
                label=form.cleaned_data["label"],
            )
        except ZonaError as exc:
            show_problems(request, form, exc)
        else:
            messages.success(request, _("%(n)s codes were created.") % {"n": batch.size})
            return redirect("surveys:codes", campaign.pk)
    batches = code_batches_of(campaign)
    return render(
        request, "surveys/codes.html", campaign_page(request, campaign, form=form, batches=batches)
    )
