"""Survey validation (SHPZI) pages: the tier's validation of the sheet's survey (reviewers),
the unit's questionnaire, and the respondents' public confirmation form (no login)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zona.assessments.views._common import AuthedRequest, flash_error
from zona.core.api.params import int_or_none
from zona.core.errors import ZonaError
from zona.workflow.models import ReportVerdict, SurveyValidation
from zona.workflow.selectors.desk import (
    DeskRights,
    access_desk_sheet,
    access_validation,
    campaign_draws,
    confirmation_by_token,
    confirmation_stats,
    confirmations_of,
    draw_of_campaign,
    survey_items,
    validations_of,
)
from zona.workflow.services.desk_validation import (
    ConfirmationRefused,
    confirmation_answer,
    confirmation_message,
    confirmation_url,
    confirmations_create,
    confirmations_email,
    contact_email,
    contact_phone,
    questionnaire_answer,
    survey_report_check,
    survey_validation_begin,
    validation_spec,
    whatsapp_link,
)
from zona.workflow.views.desk import desk_context


def _questionnaire_rows(validation: SurveyValidation | None, posted: Any = None) -> list[dict]:
    spec = validation_spec()
    answers = (validation.questionnaire_answers if validation else {}) or {}
    rows = []
    for q in spec.questionnaire:
        value = posted.get(q.key, "") if posted is not None else answers.get(q.key)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        rows.append({"q": q, "value": "" if value is None else str(value)})
    return rows


def _answer_text(question: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if question.type == "yesno":
        return _("Yes") if value else _("No")
    if question.type == "choice":
        return next((o.label for o in question.options if o.key == value), str(value))
    if question.type == "date":
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)


def _post_action(
    request: AuthedRequest,
    assessment: Any,
    validation: SurveyValidation | None,
    rights: DeskRights,
    tier: Any,
) -> str:
    """Run the posted action; returns the success message."""
    action = request.POST.get("action", "")
    if action == "begin":
        survey_validation_begin(actor=request.user, assessment=assessment, tier=tier)
        return _("Validation begun; the unit was asked to answer the questionnaire.")
    if action == "questionnaire":
        if validation is None:
            raise Http404
        questionnaire_answer(
            actor=request.user,
            validation=validation,
            answers={q.key: request.POST.get(q.key, "") for q in validation_spec().questionnaire},
        )
        return _("Your answers were saved.")
    if validation is None or not rights.acts_in(validation.tier_id):
        raise Http404
    if action == "report":
        survey_report_check(
            actor=request.user,
            validation=validation,
            checks=dict.fromkeys(request.POST.getlist("checks"), True),
            verdict=request.POST.get("verdict", ""),
            note=request.POST.get("note", ""),
        )
        return _("The check of the survey report was saved.")
    if action == "draw":
        draw = None
        if request.POST.get("draw"):
            draw = draw_of_campaign(validation.campaign, request.POST.get("draw"))
            if draw is None:
                raise Http404
        size = int_or_none(request.POST.get("size"), maximum=100_000)
        made = confirmations_create(actor=request.user, validation=validation, draw=draw, size=size)
        return _("%(n)s confirmation links made.") % {"n": made}
    if action == "email":
        n = confirmations_email(actor=request.user, validation=validation)
        return _("%(n)s e-mails queued; each respondent gets one.") % {"n": n}
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def validation_page(request: AuthedRequest, pk: int, tier: str | None = None) -> HttpResponse:
    assessment, rights = access_desk_sheet(request.user, pk)
    if not survey_items(assessment):
        raise Http404
    all_validations = validations_of(assessment)
    if rights.is_reviewer:
        chosen = rights.tier(tier)
        if chosen is None:
            raise Http404
        validation = access_validation(request.user, assessment, chosen)
    else:
        # The unit: the questionnaire of the tier named, else of the first validation.
        chosen = None
        validation = next((v for v in all_validations if tier is None or v.tier.code == tier), None)
        if tier is not None and validation is None:
            raise Http404
    posted = None
    if request.method == "POST":
        try:
            message = _post_action(request, assessment, validation, rights, chosen)
        except ZonaError as exc:
            flash_error(request, exc)
            posted = request.POST
            if request.POST.get("action") != "questionnaire":
                return redirect(request.path)
        else:
            messages.success(request, message)
            return redirect(request.path)
    spec = validation_spec()
    stats = confirmation_stats([v.pk for v in all_validations])
    links: list[dict[str, Any]] = []
    draws: list[Any] = []
    mine = validation is not None and rights.acts_in(validation.tier_id)
    if mine and validation is not None:
        now = timezone.now()
        for r in confirmations_of(validation):
            contact = r.call.contact.contact
            url = confirmation_url(request, r.token)
            message = confirmation_message(assessment.unit.name, url)
            phone = contact_phone(contact)
            links.append(
                {
                    "r": r,
                    "contact": contact,
                    "name": r.call.contact.name,
                    "url": url,
                    "email": contact_email(contact),
                    "whatsapp": whatsapp_link(phone, message) if phone else "",
                    "expired": r.expires_at <= now,
                }
            )
        if validation.campaign is not None:
            draws = campaign_draws(validation.campaign)
    questions = (
        [
            {"q": q, "text": _answer_text(q, (validation.questionnaire_answers or {}).get(q.key))}
            for q in spec.questionnaire
        ]
        if validation is not None
        else []
    )
    return render(
        request,
        "workflow/desk/validation.html",
        {
            **desk_context(request, assessment, rights, "validation"),
            "validation": validation,
            "chosen": chosen,
            "mine": mine,
            "all_validations": [(v, stats[v.pk]) for v in all_validations],
            "stats": stats.get(validation.pk) if validation else None,
            "checklist": [
                {
                    "c": c,
                    "checked": bool((validation.report_checks or {}).get(c.key))
                    if validation
                    else False,
                }
                for c in spec.checklist
            ],
            "verdicts": [(v, label) for v, label in ReportVerdict.choices if v != "pending"],
            "links": links,
            "draws": draws,
            "questionnaire": _questionnaire_rows(validation, posted),
            "answers": questions,
            "survey_items": survey_items(assessment),
            "survey_codes": ", ".join(i.code for i in survey_items(assessment)),
        },
    )


# --- the respondent's public confirmation form ----------------------------------------------


def _language(request: HttpRequest) -> str:
    lang = request.POST.get("lang") or request.GET.get("lang")
    return "en" if lang == "en" else "id"


@csrf_exempt  # no login: the link's single-use token is the credential, not a session
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """The short confirmation form a drawn respondent opens from the link (no login)."""
    lang = _language(request)
    with translation.override(lang):
        found = confirmation_by_token(token)
        base: dict[str, Any] = {"lang": lang, "other_lang": "id" if lang == "en" else "en"}
        if found is None:
            return render(
                request,
                "workflow/desk/confirm_message.html",
                {**base, "state": "unknown", "unit_name": ""},
                status=404,
            )
        unit_name = found.validation.assessment.unit.name
        # The public pages' frame shows the unit's name as a campaign's.
        context = {**base, "unit_name": unit_name, "campaign": {"unit": {"name": unit_name}}}
        if found.answered_at is not None:
            return render(
                request,
                "workflow/desk/confirm_message.html",
                {**context, "state": "used"},
                status=410,
            )
        if found.expires_at <= timezone.now():
            return render(
                request,
                "workflow/desk/confirm_message.html",
                {**context, "state": "expired"},
                status=410,
            )
        error = ""
        if request.method == "POST":
            served = request.POST.get("served")
            took_part = request.POST.get("took_part")
            if served not in ("yes", "no") or took_part not in ("yes", "no"):
                error = _("Answer both questions.")
            else:
                try:
                    confirmation_answer(
                        token=token, was_served=served == "yes", took_part=took_part == "yes"
                    )
                except ConfirmationRefused as exc:
                    state = exc.problems[0].code if exc.problems else "unknown"
                    return render(
                        request,
                        "workflow/desk/confirm_message.html",
                        {**context, "state": state},
                        status=410,
                    )
                return render(
                    request, "workflow/desk/confirm_message.html", {**context, "state": "thanks"}
                )
        return render(
            request,
            "workflow/desk/confirm.html",
            {
                **context,
                "error": error,
                "action": reverse("workflow:desk_confirm", args=[token]),
            },
            status=400 if error else 200,
        )
