"""Reminders before a window closes and once it is overdue.

Windows belong to other apps (a period's submission deadline, a review tier's closing
date). An app registers a source in its AppConfig.ready():

    register_window_source(my_windows)   # my_windows(today) -> Iterable[Window]

A source yields only windows still waiting for someone (a submitted sheet is no longer a
window for its operator). `reminders_send` (daily) notifies each window's recipients
ZONA_REMINDER_DAYS days before `closes_on` (default 7, 3 and 1; 0 means on the closing
day) and, once the date has passed, an overdue reminder: once, on the first run after the
closing date, or with ZONA_REMINDER_OVERDUE_EVERY_DAYS = n > 0 again every n days. Each
reminder has its own key (window key + closing date + offset), so running twice a day sends
nothing new, and a deadline moved later gets its reminders again.
A day the task did not run is not caught up: a "3 days left" sent on the second day would
be wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

Source = Callable[[date], Iterable["Window"]]

_SOURCES: list[Source] = []


@dataclass(frozen=True)
class Window:
    key: str  # stable and unique per window, e.g. "assessment:42:submission"
    recipients: Sequence[Any]
    closes_on: date
    title: str  # what closes, in words ("LKE 2026, Kantor Imigrasi Bandung")
    url: str = ""
    kind: str = "reminder.closing"
    overdue_kind: str = "reminder.overdue"
    params: Mapping[str, Any] = field(default_factory=dict)


def register_window_source(source: Source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def unregister_window_source(source: Source) -> None:
    if source in _SOURCES:
        _SOURCES.remove(source)


def reminder_days() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "ZONA_REMINDER_DAYS", (7, 3, 1))})


def overdue_every() -> int:
    return int(getattr(settings, "ZONA_REMINDER_OVERDUE_EVERY_DAYS", 0))


def reminder_for(window: Window, today: date) -> tuple[str, str, int] | None:
    """(kind, key, days) of the reminder due today for the window, or None."""
    left = (window.closes_on - today).days
    if left >= 0:
        if left in reminder_days():
            return window.kind, f"reminder:{window.key}:{window.closes_on}:{left}", left
        return None
    late = -left
    every = overdue_every()
    if every <= 0:
        return window.overdue_kind, f"overdue:{window.key}:{window.closes_on}", late
    if (late - 1) % every == 0:
        return window.overdue_kind, f"overdue:{window.key}:{window.closes_on}:{late}", late
    return None


def reminders_send(*, today: date | None = None) -> int:
    """Notify the reminders due today; returns the number of inbox entries created."""
    today = today or timezone.localdate()
    # One transaction: the mails of the whole run are queued as one task, on commit. A
    # source that fails undoes the run; the next run does it again (each reminder once).
    from zona.notifications.services.inbox import sending_batched

    with transaction.atomic(), sending_batched():
        return _remind(today)


def _remind(today: date) -> int:
    from zona.notifications.services.inbox import notify

    created = 0
    for source in list(_SOURCES):
        for window in source(today):
            due = reminder_for(window, today)
            if due is None:
                continue
            kind, key, days = due
            params = {
                **window.params,
                "title": window.title,
                "days": days,
                "closes_on": window.closes_on.isoformat(),
            }
            created += len(
                notify(
                    recipients=window.recipients, kind=kind, params=params, url=window.url, key=key
                )
            )
    return created
