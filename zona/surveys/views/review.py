"""Assessors' pages: flagged responses (exclude, count again) and survey validation calls.

Only users with survey.validate on the campaign's unit reach them; contacts appear only on
the validation pages, never next to answers.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import Perm
from zona.core.errors import ZonaError
from zona.surveys.access import (
    access_call_by_id,
    access_campaign_by_id,
    access_draw_by_id,
    access_response_by_id,
)
from zona.surveys.forms import (
    CallForm,
    DrawForm,
    ExcludeForm,
)
from zona.surveys.models import (
    CallOutcome,
)
from zona.surveys.selectors import channel_share, lke_feed_state
from zona.surveys.selectors.review import (
    answers_by_response,
    calls_of_draw,
    flagged_counts,
    flagged_responses,
)
from zona.surveys.services import (
    contact_pool,
    draw_cap,
    draw_sample,
    pool_digest,
    response_exclude,
    response_restore,
    validation_call_record,
    validation_draw_create,
)
from zona.surveys.services.contacts import contact_pool_size
from zona.surveys.views.common import campaign_page, show_problems

# --- flagged responses --------------------------------------------------------------------


@login_required
def flagged_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    show = request.GET.get("show", "pending")
    if show not in ("excluded", "all"):
        show = "pending"
    excluded = {"excluded": True, "pending": False}.get(show)
    page = Paginator(flagged_responses(campaign, excluded=excluded), 50).get_page(
        request.GET.get("page")
    )
    # Answers of the page in one query, shown as "SPAK 6 6 6 6 6" so a reviewer can judge.
    versions = {v.pk: v for v in campaign.ordered_versions()}
    answers = answers_by_response([r.pk for r in page.object_list])
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
    counts = flagged_counts(campaign)
    return render(
        request,
        "surveys/flagged_list.html",
        campaign_page(request, campaign, page=page, rows=rows, show=show, counts=counts),
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
        show_problems(request, None, exc)
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
        show_problems(request, None, exc)
    return redirect(f"{reverse('surveys:flagged', args=[campaign.pk])}?show=excluded")


# --- survey validation (assessors) --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def validation(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    # Contacts still waiting for the worker are in the pool: a draw opens them first.
    pool = contact_pool_size(campaign)
    # Offer a size the cap allows (a share of the pool, settings).
    form = DrawForm(request.POST or None, initial={"size": max(1, min(10, draw_cap(pool)))})
    if request.method == "POST" and form.is_valid():
        try:
            draw = validation_draw_create(
                actor=request.user,
                campaign=campaign,
                size=form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
            )
        except ZonaError as exc:
            show_problems(request, form, exc)
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
        campaign_page(
            request,
            campaign,
            form=form,
            draws=draws,
            pool=pool,
            cap=draw_cap(pool),
            lke_feed=lke_feed_state(campaign),
            share=channel_share(campaign),
            kiosks=campaign.kiosks.select_related("opened_by"),
        ),
    )


@login_required
def draw_detail(request: HttpRequest, campaign_id: int, draw_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id, perm=Perm.SURVEY_VALIDATE)
    draw = access_draw_by_id(request.user, campaign, draw_id)
    calls = calls_of_draw(draw)
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
        campaign_page(
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
            show_problems(request, None, exc)
    else:
        messages.error(request, _("Choose the outcome of the call."))
    return redirect(f"{reverse('surveys:draw', args=[campaign.pk, draw.pk])}#call-{call.pk}")
