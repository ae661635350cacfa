"""Kinds of notification: what each says, registered by the app that sends it.

A kind's subject and body are English msgids (lazy) with `%(name)s` placeholders filled
from the notification's params, or callables `(params) -> str` for wording that needs
plurals or dates. They are rendered when shown or mailed, inside
`translation.override(<recipient's language>)`, so one hand-off reads in Indonesian for
one recipient and in English for another. A missing param shows as "…" rather than
breaking the inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

Text = str | Promise | Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Kind:
    code: str
    subject: Text
    body: Text


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


_KINDS: dict[str, Kind] = {}


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def register_kind(code: str, *, subject: Text, body: Text) -> None:
    """Declare a kind (call from the sending app's AppConfig.ready()); registering the
    same code again replaces it, so a reload in development does no harm."""
    _KINDS[code] = Kind(code=code, subject=subject, body=body)


def is_registered(code: str) -> bool:
    return code in _KINDS


def _fill(text: Text, params: Mapping[str, Any]) -> str:
    if callable(text) and not isinstance(text, Promise):
        return str(text(params))
    try:
        return str(text) % _Params(params)
    except (TypeError, ValueError):
        return str(text)


def render(code: str, params: Mapping[str, Any], language: str) -> Rendered:
    """The kind's subject and body in `language`; an unknown kind (its app was removed)
    shows its code rather than failing."""
    kind = _KINDS.get(code)
    with translation.override(language):
        if kind is None:
            return Rendered(subject=code, body="")
        return Rendered(
            subject=" ".join(_fill(kind.subject, params).split())[:255],
            body=_fill(kind.body, params).strip(),
        )
