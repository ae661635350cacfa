"""The public survey form, the kiosk and the published results: no login, small pages.

These pages do not extend base.html: a respondent on a cheap phone over a weak connection
gets a few kilobytes of HTML, one small stylesheet and one small script, nothing else.

Language is Indonesian unless the respondent picks English (?lang=en); a phone set to
English does not switch the form by itself, since the program's language is Indonesian.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from zona.core.api import error_body
from zona.core.api.params import int_or_none
from zona.core.errors import Problem
from zona.surveys.models import Campaign, Kiosk, ServedWhen
from zona.surveys.profile import PROFILE_FIELDS, min_group, profile_questions
from zona.surveys.reporting import figures_from_k, shown_services
from zona.surveys.selectors import (
    campaign_results,
    public_campaign,
    results_by_service,
)
from zona.surveys.services.intake import (
    IntakePost,
    Outcome,
    form_token,
    intake_post,
    open_kiosk,
)
from zona.surveys.services.responses import KEY_RE, Submission

DEVICE_COOKIE = "zona_sd"


def _language(request: HttpRequest) -> str:
    lang = request.POST.get("lang") or request.GET.get("lang")
    return "en" if lang == "en" else "id"


def _campaign(code: str) -> Campaign:
    campaign = public_campaign(code)
    if campaign is None:
        raise Http404
    return campaign


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- the form as the template sees it ------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    checked: bool
    id: str


@dataclass(frozen=True)
class Item:
    number: int
    name: str
    text: str
    options: list[Option]
    error: str = ""
    # The instrument counts only with this item answered (its YAML's `required`).
    required: bool = True


@dataclass(frozen=True)
class FormInstrument:
    abbreviation: str
    title: str
    intro: str
    items: list[Item]
    # Scales with more than four points are a row of numbers between two anchors; shorter
    # ones (SKM) list their worded answers.
    numbered: bool
    low: str
    high: str
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class PublicForm:
    instruments: list[FormInstrument]
    services: list[tuple[int, str]]
    service: str
    served: str
    when: str
    errors: dict[str, str] = field(default_factory=dict)
    general_errors: list[str] = field(default_factory=list)
    # The problems' codes, on the error summary for programs and tests (the text is translated).
    error_codes: tuple[str, ...] = ()


def _field_names(campaign: Campaign) -> dict[str, str]:
    """Problem field ("spak.Q1") -> form field name ("a-12-Q1")."""
    return {
        f"{v.instrument.key}.{code}": f"a-{v.pk}-{code}"
        for v in campaign.ordered_versions()
        for code in v.item_codes
    }


def build_form(
    campaign: Campaign,
    lang: str,
    values: Any,
    problems: list[Problem] | None = None,
    preselect_service: str = "",
) -> PublicForm:
    names = _field_names(campaign)
    errors: dict[str, str] = {}
    general: list[str] = []
    for problem in problems or []:
        name = names.get(problem.field, problem.field)
        if name and name not in errors:
            errors[name] = problem.message
        elif not name:
            general.append(problem.message)
    instruments = []
    number = 0
    for version in campaign.ordered_versions():
        doc = version.doc
        items = []
        required = set(doc.required_codes)
        for item in doc.items:
            number += 1
            name = f"a-{version.pk}-{item.code}"
            labels = doc.point_labels(item)
            chosen = values.get(name, "")
            options = [
                Option(value, labels[i].get(lang), chosen == str(value), f"{name}-{value}")
                for i, value in enumerate(range(doc.scale.min, doc.scale.max + 1))
            ]
            items.append(
                Item(
                    number,
                    name,
                    item.text.get(lang),
                    options,
                    errors.get(name, ""),
                    item.code in required,
                )
            )
        instruments.append(
            FormInstrument(
                abbreviation=doc.abbreviation,
                title=doc.title.get(lang),
                intro=doc.intro.get(lang) if doc.intro else "",
                items=items,
                numbered=doc.scale.max - doc.scale.min + 1 > 4,
                low=doc.scale.labels[0].get(lang),
                high=doc.scale.labels[-1].get(lang),
                scale_min=doc.scale.min,
                scale_max=doc.scale.max,
            )
        )
    services = [(s.service_type_id, s.service_type.name) for s in campaign.services.all()]
    service = values.get("service", "")
    if not service and preselect_service:
        wanted = preselect_service.lower()
        service = next(
            (
                str(s.service_type_id)
                for s in campaign.services.all()
                if s.service_type.code.lower() == wanted
            ),
            "",
        )
    if not service and len(services) == 1:
        service = str(services[0][0])
    return PublicForm(
        instruments=instruments,
        services=services,
        service=service,
        served=values.get("served", ""),
        when=values.get("when", ""),
        errors=errors,
        general_errors=general,
        error_codes=tuple(dict.fromkeys(p.code for p in problems or [])),
    )


def _render_form(
    request: HttpRequest,
    campaign: Campaign,
    lang: str,
    *,
    kiosk: Kiosk | None = None,
    values: Any = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HttpResponse:
    values = values if values is not None else {}
    form = build_form(campaign, lang, values, problems, request.GET.get("s", ""))
    key = values.get("key") or uuid.uuid4().hex
    if not KEY_RE.match(key):
        key = uuid.uuid4().hex
    other = "en" if lang == "id" else "id"
    query = {k: str(v) for k, v in request.GET.items() if k != "lang"}
    if other == "en":
        query["lang"] = "en"
    response = render(
        request,
        "surveys/public/form.html",
        {
            "campaign": campaign,
            "lang": lang,
            "form": form,
            "served_when": [(c.value, c.label) for c in ServedWhen],
            "token": form_token(campaign, key),
            "key": key,
            "kiosk": kiosk,
            "code": values.get("code", request.GET.get("code", "")),
            "contact": values.get("contact", ""),
            "contact_name": values.get("contact_name", ""),
            "profile": _profile_fields(campaign, lang, values),
            "suggestion": values.get("suggestion", ""),
            "suggestion_max": settings.ZONA_SURVEY_SUGGESTION_MAX_CHARS,
            "other_lang": other,
            "other_lang_url": f"{request.path}?{urlencode(query)}" if query else request.path,
            "open": campaign.is_open_on(timezone.localdate()),
            "submit_url": reverse("survey_public:form", args=[campaign.public_code]),
        },
        status=status,
    )
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            uuid.uuid4().hex,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _profile_fields(campaign: Campaign, lang: str, values: Any) -> list[dict[str, Any]]:
    """The optional profile questions, as the form shows them (none if not asked)."""
    if not campaign.asks_profile:
        return []
    return [
        {
            "name": f"p-{q.key}",
            "label": q.label(lang),
            "value": values.get(f"p-{q.key}", ""),
            "choices": [(c.code, c.label(lang)) for c in q.choices],
        }
        for q in profile_questions()
    ]


def _answers(campaign: Campaign, post: Any) -> dict[int, dict[str, Any]]:
    answers: dict[int, dict[str, Any]] = {}
    for name, raw in post.items():
        if not name.startswith("a-") or raw == "":
            continue
        parts = name.split("-", 2)
        # ASCII digits only: '²'.isdigit() is True but int('²') fails.
        version_id = int_or_none(parts[1]) if len(parts) == 3 else None
        if version_id is None:
            continue
        number = int_or_none(raw)
        value: Any = raw if number is None else number
        answers.setdefault(version_id, {})[parts[2]] = value
    return answers


def _json_error(problems: list[Problem], message: str, status: int, code: str) -> JsonResponse:
    return JsonResponse(error_body(code, message, [p.as_dict() for p in problems]), status=status)


# --- views --------------------------------------------------------------------------------


@csrf_exempt  # anonymous form: the signed form token stands in for the CSRF token
@gzip_page  # about 30 kB of HTML becomes about 5 kB on the wire; the page holds no secret
@never_cache
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(code)
    lang = _language(request)
    with translation.override(lang):
        if request.method == "POST":
            return _submit(request, campaign, lang)
        if not campaign.is_open_on(timezone.localdate()):
            return render(
                request,
                "surveys/public/closed.html",
                {"campaign": campaign, "lang": lang},
            )
        return _render_form(request, campaign, lang)


@never_cache
@require_GET
def kiosk(request: HttpRequest, code: str, key: str) -> HttpResponse:
    campaign = _campaign(code)
    device = open_kiosk(campaign, key)
    if device is None:
        raise Http404
    lang = _language(request)
    with translation.override(lang):
        return _render_form(request, campaign, lang, kiosk=device)


def _submit(request: HttpRequest, campaign: Campaign, lang: str) -> HttpResponse:
    post = request.POST
    as_json = _wants_json(request)
    result = intake_post(
        campaign=campaign,
        post=IntakePost(
            submission=Submission(
                service_type_id=int_or_none(post.get("service", ""), minimum=1),
                served_when=post.get("when", ""),
                answers=_answers(campaign, post),
                idempotency_key=post.get("key", ""),
                code=post.get("code", ""),
                contact=post.get("contact", ""),
                contact_name=post.get("contact_name", ""),
                profile={name: post.get(f"p-{name}", "") for name in PROFILE_FIELDS},
                suggestion=post.get("suggestion", "") if campaign.collects_suggestions else "",
            ),
            served=post.get("served", ""),
            token=post.get("t", ""),
            kiosk_key=post.get("kiosk", ""),
            side_only=bool(post.get("contact_only")),
            side_suggestion=post.get("suggestion", ""),
            address=request.META.get("REMOTE_ADDR", ""),
            device=request.COOKIES.get(DEVICE_COOKIE, ""),
        ),
    )
    if result.outcome == Outcome.REFUSED:
        if as_json:
            reply = _json_error(result.problems, result.message, result.status, result.code)
            if result.retry_after is not None:
                reply["Retry-After"] = str(result.retry_after)
            return reply
        if result.final:
            return render(
                request,
                "surveys/public/message.html",
                {
                    "campaign": campaign,
                    "lang": lang,
                    "message": result.message,
                    "code": result.code,
                },
                status=result.status,
            )
        return _render_form(
            request, campaign, lang, values=post, problems=result.problems, status=result.status
        )
    if result.outcome == Outcome.NOT_ELIGIBLE and not as_json:
        return render(
            request, "surveys/public/not_eligible.html", {"campaign": campaign, "lang": lang}
        )
    if as_json:
        status = {Outcome.SIDE_STORED: "stored", Outcome.NOT_ELIGIBLE: "not_eligible"}
        return JsonResponse(
            {"status": status.get(result.outcome, result.outcome.value)}, status=result.status
        )
    target = reverse("survey_public:thanks", args=[campaign.public_code])
    return redirect(f"{target}?lang=en" if lang == "en" else target)


@gzip_page
@require_GET
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(code)
    lang = _language(request)
    with translation.override(lang):
        return render(request, "surveys/public/thanks.html", {"campaign": campaign, "lang": lang})


@gzip_page
@require_GET
def public_results(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(code)
    if not campaign.results_public:
        raise Http404
    lang = _language(request)
    with translation.override(lang):
        results = figures_from_k(campaign_results(campaign, language=lang))
        services = results_by_service(campaign, language=lang)
        visible = shown_services(services)
        by_service = [s for s in services if s.service.code in visible]
        return render(
            request,
            "surveys/public/results.html",
            {
                "campaign": campaign,
                "lang": lang,
                "results": results,
                "by_service": by_service,
                "min_responses": min_group(),
                "other_lang": "en" if lang == "id" else "id",
            },
        )
