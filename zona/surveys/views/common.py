"""Helpers shared by the staff pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from zona.accounts.access import Perm, user_can
from zona.core.errors import ZonaError
from zona.surveys.models import Campaign


def page_language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def show_problems(request: HttpRequest, form: Any, exc: ZonaError) -> None:
    """Put a service's problems on the form fields they name, the rest on top."""
    if not exc.problems:
        messages.error(request, exc.message)
    for problem in exc.problems:
        if form is not None and problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            messages.error(request, problem.message)


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def campaign_page(request: HttpRequest, campaign: Campaign, **context: Any) -> dict[str, Any]:
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
