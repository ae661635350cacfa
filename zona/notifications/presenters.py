"""Inbox entries as the page and the API show them, in the reader's notification language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from zona.notifications.kinds import render
from zona.notifications.models import Notification


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def entries(notifications: Iterable[Notification], language: str) -> list[Entry]:
    out = []
    for n in notifications:
        text = render(n.kind, n.params, language)
        out.append(
            Entry(
                id=n.pk,
                kind=n.kind,
                subject=text.subject,
                body=text.body,
                url=n.url,
                created_at=n.created_at,
                read_at=n.read_at,
            )
        )
    return out
