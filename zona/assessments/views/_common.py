"""Helpers shared by the assessment views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zona.accounts.models import User
from zona.assessments.sheet import ItemSpec, display_value
from zona.core.errors import Conflict, PermissionDenied, StateError, ZonaError


class AuthedRequest(HttpRequest):
    """A request to a view behind login_required: the user is a real account."""

    user: User


def error_text(exc: ZonaError) -> str:
    """The message of a service error with its problems, as one line for a page."""
    parts = [exc.message] if exc.message else []
    for problem in exc.problems:
        if problem.message and problem.message not in parts:
            parts.append(problem.message)
    return " ".join(parts)


def flash_error(request: HttpRequest, exc: ZonaError) -> None:
    # The problems' codes ride as the message's extra tags: base.html puts them on the
    # message as data-error, for programs and tests (the text is translated).
    codes = " ".join(dict.fromkeys(p.code for p in exc.problems))
    messages.error(request, error_text(exc), extra_tags=codes)


def show_form_problems(request: HttpRequest, form: Any, exc: ZonaError) -> None:
    """A service's problems beside the form fields they name; when none names a field of
    the form, the error is flashed above the page (with its codes, as `flash_error`)."""
    shown = False
    for problem in exc.problems:
        if problem.field in form.fields:
            form.add_error(problem.field, problem.message)
            shown = True
    if not shown:
        flash_error(request, exc)


def section_param(sections: tuple[str, ...], raw: str | None, default: str = "") -> str:
    """The worksheet section named in a request, only if it is one (it is echoed into pages)."""
    return raw if raw in sections else default


def posted_int(data: Any, key: str, default: int = 0) -> int:
    try:
        return int(data.get(key, default))
    except (TypeError, ValueError):
        return default


def item_refused(
    request: HttpRequest, exc: ZonaError, spec_item: ItemSpec, context: dict[str, Any]
) -> HttpResponse:
    """The status fragment of an autosave the service refused, for the worksheet and the
    review alike: both save through `answer_save`, so the same errors need the same answer.

    A conflict shows the other person's value so the user can keep theirs or take it.
    """
    if isinstance(exc, Conflict):
        current = exc.info.current or {}
        context.update(
            state="conflict",
            message=exc.message,
            their_text=display_value(spec_item, current.get("value")) or "—",
            their_note=current.get("note", ""),
            their_revision=current.get("revision", 0),
        )
        return render(request, "assessments/_item_status.html", context, status=409)
    if isinstance(exc, (PermissionDenied, StateError)):
        codes = " ".join(dict.fromkeys(p.code for p in exc.problems))
        context.update(state="refused", message=error_text(exc), error_codes=codes)
        return render(request, "assessments/_item_status.html", context, status=exc.status)
    context.update(state="invalid", message=error_text(exc))
    return render(request, "assessments/_item_status.html", context, status=400)
