"""Helpers shared by the assessment views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from zona.accounts.models import User
from zona.core.errors import ZonaError


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
    messages.error(request, error_text(exc))


def section_param(sections: tuple[str, ...], raw: str | None, default: str = "") -> str:
    """The worksheet section named in a request, only if it is one (it is echoed into pages)."""
    return raw if raw in sections else default


def posted_int(data: Any, key: str, default: int = 0) -> int:
    try:
        return int(data.get(key, default))
    except (TypeError, ValueError):
        return default
