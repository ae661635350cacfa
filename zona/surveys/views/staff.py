"""Staff pages: campaigns, progress, results, review of flagged responses, validation.

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
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import Perm, has_perm_anywhere, units_where, user_can
from zona.accounts.models import Unit
from zona.core.errors import ZonaError
from zona.surveys.access import (
    access_call_by_id,
    access_campaign_by_id,
    access_draw_by_id,
    access_instrument_version_by_id,
    access_response_by_id,
    instrument_versions_visible_to,
)
from zona.surveys.forms import (
    CallForm,
    CampaignForm,
    CodeBatchForm,
    DrawForm,
    ExcludeForm,
    InstrumentUploadForm,
)
from zona.surveys.indices import rounded
from zona.surveys.models import (
    Answer,
    CallOutcome,
    Campaign,
    CodeBatch,
    Contact,
    Response,
    ValidationCall,
)
from zona.surveys.selectors import (
    campaign_progress,
    campaign_results,
    campaigns_for,
    progress_by_campaign,
    results_by_service,
    unit_trend,
    with_instruments,
)
from zona.surveys.services import (
    campaign_create,
    campaign_publish_results,
    campaign_rotate_kiosk_key,
    campaign_update,
    code_batch_create,
    contact_pool,
    draw_sample,
    instrument_load_texts,
    pool_digest,
    response_exclude,
    response_restore,
    validation_call_record,
    validation_draw_create,
)


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _show_problems(request: HttpRequest, form: Any, exc: ZonaError) -> None:
    """Put a service's problems on the form fields they name, the rest on top."""
    if not exc.problems:
        messages.error(request, exc.message)
    for problem in exc.problems:
        if form is not None and problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            messages.error(request, problem.message)


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _campaign_page(request: HttpRequest, campaign: Campaign, **context: Any) -> dict[str, Any]:
    """What every campaign page's header and tabs need."""
    today = timezone.localdate()
    return {
        "campaign": campaign,
        "can_manage": user_can(request.user, Perm.SURVEY_MANAGE, campaign.unit),
        "can_validate": user_can(request.user, Perm.SURVEY_VALIDATE, campaign.unit),
        "open": campaign.is_open_on(today),
        "upcoming": campaign.opens_on > today,
        **context,
    }


# --- campaigns ----------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = with_instruments(campaigns_for(request.user)).order_by(
        "-year", "-opens_on", "unit__name"
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        campaigns = campaigns.filter(year=int(year))
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
            _show_problems(request, form, exc)
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
            _show_problems(request, form, exc)
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
    can_manage = user_can(request.user, Perm.SURVEY_MANAGE, campaign.unit)
    public_path = reverse("survey_public:form", args=[campaign.public_code])
    services = []
    progress = campaign_progress(campaign)
    for row in progress.services:
        services.append(
            {
                "progress": row,
                "link": _abs(request, f"{public_path}?s={row.service.code}"),
            }
        )
    return render(
        request,
        "surveys/campaign_detail.html",
        _campaign_page(
            request,
            campaign,
            versions=campaign.ordered_versions(),
            progress=progress,
            services=services,
            public_link=_abs(request, public_path),
            kiosk_link=_abs(
                request,
                reverse("survey_public:kiosk", args=[campaign.public_code, campaign.kiosk_key]),
            )
            if can_manage
            else "",
            results_link=_abs(
                request, reverse("survey_public:results", args=[campaign.public_code])
            ),
            contacts=Contact.objects.filter(campaign=campaign).count(),
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


@login_required
@require_POST
def campaign_rotate_kiosk(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, for_change=True)
    campaign_rotate_kiosk_key(actor=request.user, campaign=campaign)
    messages.success(
        request, _("Old kiosk links no longer work. Open the new link on each tablet.")
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
    lang = _lang()
    service_id = request.GET.get("service", "")
    service = None
    if service_id.isdigit():
        service = next(
            (s for s in campaign.services.all() if s.service_type_id == int(service_id)), None
        )
    results = campaign_results(
        campaign, service_type_id=service.service_type_id if service else None, language=lang
    )
    by_service = results_by_service(campaign, language=lang)
    keys, trend = unit_trend(campaign.unit)
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
        _campaign_page(
            request,
            campaign,
            results=results,
            by_service=by_service,
            trend=trend,
            trend_keys=keys,
            service=service,
            chart_json=json.dumps(chart),
            progress=campaign_progress(campaign),
        ),
    )


# --- flagged responses --------------------------------------------------------------------


@login_required
def flagged_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    show = request.GET.get("show", "pending")
    responses = Response.objects.filter(campaign=campaign, flagged=True).select_related(
        "service_type"
    )
    if show == "excluded":
        responses = responses.filter(excluded=True)
    elif show != "all":
        show = "pending"
        responses = responses.filter(excluded=False)
    page = Paginator(responses.order_by("pk"), 50).get_page(request.GET.get("page"))
    # Answers of the page in one query, shown as "SPAK 6 6 6 6 6" so a reviewer can judge.
    versions = {v.pk: v for v in campaign.ordered_versions()}
    answers: dict[int, dict[int, dict[int, int]]] = {}
    for response_id, version_id, item, value in Answer.objects.filter(
        response_id__in=[r.pk for r in page.object_list]
    ).values_list("response_id", "instrument_version_id", "item", "value"):
        answers.setdefault(response_id, {}).setdefault(version_id, {})[item] = value
    rows = []
    for response in page.object_list:
        given = answers.get(response.pk, {})
        rows.append(
            {
                "response": response,
                "answers": [
                    (
                        v.abbreviation,
                        " ".join(
                            str(given.get(v.pk, {}).get(i, "·"))
                            for i in range(1, len(v.item_codes) + 1)
                        ),
                    )
                    for v in versions.values()
                ],
            }
        )
    counts = Response.objects.filter(campaign=campaign, flagged=True).aggregate(
        pending=Count("pk", filter=Q(excluded=False)), excluded=Count("pk", filter=Q(excluded=True))
    )
    return render(
        request,
        "surveys/flagged_list.html",
        _campaign_page(request, campaign, page=page, rows=rows, show=show, counts=counts),
    )


@login_required
@require_POST
def response_exclude_view(request: HttpRequest, campaign_id: int, response_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    response = access_response_by_id(request.user, campaign, response_id)
    form = ExcludeForm(request.POST)
    try:
        if not form.is_valid():
            messages.error(request, _("Give a reason for excluding the response."))
        else:
            response_exclude(
                actor=request.user, response=response, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("Response %(ref)s is excluded and counted apart.") % {"ref": response.reference},
            )
    except ZonaError as exc:
        _show_problems(request, None, exc)
    show = request.POST.get("show", "pending")
    return redirect(f"{reverse('surveys:flagged', args=[campaign.pk])}?{urlencode({'show': show})}")


@login_required
@require_POST
def response_restore_view(request: HttpRequest, campaign_id: int, response_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    response = access_response_by_id(request.user, campaign, response_id)
    try:
        response_restore(
            actor=request.user, response=response, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Response %(ref)s counts again.") % {"ref": response.reference})
    except ZonaError as exc:
        _show_problems(request, None, exc)
    return redirect(f"{reverse('surveys:flagged', args=[campaign.pk])}?show=excluded")


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
            _show_problems(request, form, exc)
        else:
            messages.success(request, _("%(n)s codes were created.") % {"n": batch.size})
            return redirect("surveys:codes", campaign.pk)
    batches = CodeBatch.objects.filter(campaign=campaign).annotate(
        used_n=Count("codes", filter=Q(codes__used=True))
    )
    return render(
        request, "surveys/codes.html", _campaign_page(request, campaign, form=form, batches=batches)
    )


# --- survey validation (assessors) --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def validation(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draw = validation_draw_create(
                actor=request.user,
                campaign=campaign,
                size=form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
            )
        except ZonaError as exc:
            _show_problems(request, form, exc)
        else:
            messages.success(
                request, _("A sample of %(n)s contacts was drawn.") % {"n": draw.calls.count()}
            )
            return redirect("surveys:draw", campaign.pk, draw.pk)
    draws = campaign.validation_draws.select_related("drawn_by").annotate(
        n=Count("calls"),
        done=Count("calls", filter=~Q(calls__outcome=CallOutcome.PENDING)),
        confirmed=Count("calls", filter=Q(calls__outcome=CallOutcome.CONFIRMED)),
    )
    return render(
        request,
        "surveys/validation.html",
        _campaign_page(
            request,
            campaign,
            form=form,
            draws=draws,
            pool=Contact.objects.filter(campaign=campaign).count(),
        ),
    )


@login_required
def draw_detail(request: HttpRequest, campaign_id: int, draw_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    draw = access_draw_by_id(request.user, campaign, draw_id)
    calls = list(ValidationCall.objects.filter(draw=draw).select_related("contact", "called_by"))
    summary = dict.fromkeys(CallOutcome.values, 0)
    for call in calls:
        summary[call.outcome] += 1
    reached = sum(
        n for k, n in summary.items() if k in (CallOutcome.CONFIRMED, CallOutcome.NOT_SERVED)
    )
    pool = contact_pool(campaign)
    # Repeating the draw with the recorded seed over the same pool must give the same people.
    repeatable = pool_digest(pool) == draw.pool_digest and [
        cid for cid, _token in draw_sample(pool, draw.requested, draw.seed)
    ] == [c.contact_id for c in calls]
    return render(
        request,
        "surveys/draw_detail.html",
        _campaign_page(
            request,
            campaign,
            draw=draw,
            calls=calls,
            summary=[(label, summary[value]) for value, label in CallOutcome.choices],
            reached=reached,
            confirmed_percent=round(summary[CallOutcome.CONFIRMED] * 100 / reached)
            if reached
            else None,
            repeatable=repeatable,
            pool_changed=pool_digest(pool) != draw.pool_digest,
            form=CallForm(),
        ),
    )


@login_required
@require_POST
def call_record(request: HttpRequest, campaign_id: int, draw_id: int, call_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    draw = access_draw_by_id(request.user, campaign, draw_id)
    call = access_call_by_id(request.user, draw, call_id)
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            validation_call_record(
                actor=request.user,
                call=call,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Call %(n)s recorded.") % {"n": call.position})
        except ZonaError as exc:
            _show_problems(request, None, exc)
    else:
        messages.error(request, _("Choose the outcome of the call."))
    return redirect(f"{reverse('surveys:draw', args=[campaign.pk, draw.pk])}#call-{call.pk}")


# --- instruments --------------------------------------------------------------------------


def _upload_agencies(user: Any):
    return units_where(user, Perm.SURVEY_MANAGE).filter(depth=1).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def instrument_list(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.SURVEY_VIEW):
        raise Http404
    agencies = _upload_agencies(request.user)
    form = InstrumentUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST":
        if not agencies.exists():
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                text = upload.read(1_000_000).decode("utf-8")
                results = instrument_load_texts(
                    texts=[(upload.name, text)],
                    agency=form.cleaned_data["agency"],
                    actor=request.user,
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except ZonaError as exc:
                for problem in exc.problems or []:
                    form.add_error(None, f"{problem.field}: {problem.message}")
                if not exc.problems:
                    form.add_error(None, exc.message)
            else:
                result = results[0]
                if result.status == "created":
                    messages.success(
                        request, _("%(name)s was loaded.") % {"name": result.instrument_version}
                    )
                else:
                    messages.info(
                        request,
                        _("%(name)s was already loaded with the same content.")
                        % {"name": result.instrument_version},
                    )
                return redirect("surveys:instruments")
    versions = instrument_versions_visible_to(request.user)
    return render(
        request,
        "surveys/instruments.html",
        {"versions": versions, "form": form if agencies.exists() else None, "lang": _lang()},
    )


@login_required
def instrument_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = access_instrument_version_by_id(request.user, version_id)
    lang = _lang()
    doc = version.doc
    items = [
        {
            "code": item.code,
            "text": item.text.get(lang),
            "labels": [label.get(lang) for label in doc.point_labels(item)],
        }
        for item in doc.items
    ]
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "version": version,
            "doc": doc,
            "items": items,
            "title": version.title(lang),
            "lang": lang,
        },
    )
