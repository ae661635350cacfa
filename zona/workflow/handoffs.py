"""Hand-offs: who is told what when a sheet moves (issue 10 §9).

Every part of the workflow calls `handoff()` inside the transaction of the change it
announces. It lands in the recipients' inbox, and in their e-mail or daily digest, through
`zona.notifications.services.notify` (what each kind says: `zona/workflow/messages.py`).
While a test records (`recording()`, turned on for every workflow test by its conftest),
the hand-offs are also kept in a list (`recorded()`); a running server keeps nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from zona.notifications.services import notify

# The hand-offs of the test that records, else None (nothing is kept).
_recorded: list[dict[str, Any]] | None = None


def handoff(
    *,
    kind: str,
    recipients: Iterable[Any],
    params: Mapping[str, Any],
    url: str,
    key: str,
    actor: Any = None,
) -> None:
    """Tell `recipients` (users) about a hand-off of `kind` (e.g. "sheet.submitted",
    "review.opened", "sheet.returned", "sheet.resubmitted", "review.completed",
    "selection.selected", "selection.not_selected", "koefisien.recorded").

    `params` are plain JSON values the message is built from in each recipient's language
    (unit name, tier name, reason ...); `url` the page to open; `key` makes it idempotent
    (the same key and recipient are told once, e.g. f"review-opened:{review.pk}:{n}").
    """
    recipients = list(recipients)
    if _recorded is not None:
        _recorded.append(
            {
                "kind": kind,
                "recipients": [getattr(r, "pk", r) for r in recipients],
                "params": dict(params),
                "url": url,
                "key": key,
                "actor": getattr(actor, "pk", None),
            }
        )
    notify(recipients=recipients, kind=kind, params=params, url=url, actor=actor, key=key)


@contextmanager
def recording() -> Iterator[list[dict[str, Any]]]:
    """Keep the hand-offs made inside the block (for tests); yields their list."""
    global _recorded  # the one slot a test's hand-offs go to
    previous, _recorded = _recorded, []
    try:
        yield _recorded
    finally:
        _recorded = previous


def recorded() -> list[dict[str, Any]]:
    """The hand-offs recorded so far in the current `recording()` block (empty outside one;
    tests clear it with `recorded().clear()`)."""
    return _recorded if _recorded is not None else []
