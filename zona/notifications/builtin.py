"""The kinds this app sends itself: the generic reminders of a window (reminders.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zona.notifications.kinds import register_kind


def _date(params: Mapping[str, Any]) -> str:
    try:
        return date_format(date.fromisoformat(str(params.get("closes_on"))))
    except ValueError:
        return "…"


def _days(params: Mapping[str, Any]) -> int:
    try:
        return int(params.get("days", 0))
    except (TypeError, ValueError):
        return 0


def closing_subject(params: Mapping[str, Any]) -> str:
    days = _days(params)
    title = params.get("title", "…")
    if days == 0:
        return _("%(title)s closes today") % {"title": title}
    return ngettext(
        "%(title)s closes in %(days)s day", "%(title)s closes in %(days)s days", days
    ) % {"title": title, "days": days}


def closing_body(params: Mapping[str, Any]) -> str:
    return _("The window closes on %(date)s. Finish your part before then.") % {
        "date": _date(params)
    }


def overdue_subject(params: Mapping[str, Any]) -> str:
    return _("%(title)s is overdue") % {"title": params.get("title", "…")}


def overdue_body(params: Mapping[str, Any]) -> str:
    days = _days(params)
    return ngettext(
        "The window closed on %(date)s, %(days)s day ago, and your part is still open.",
        "The window closed on %(date)s, %(days)s days ago, and your part is still open.",
        days,
    ) % {"date": _date(params), "days": days}


def register_builtin_kinds() -> None:
    register_kind("reminder.closing", subject=closing_subject, body=closing_body)
    register_kind("reminder.overdue", subject=overdue_subject, body=overdue_body)
