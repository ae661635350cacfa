"""Counters that slow down repeated public submissions, kept out of the database.

The address and the device token are reduced to a keyed hash (HMAC with the secret key and
the date) before they touch the cache, and the cache forgets them after the window. Nothing
here is ever written next to an answer: the caller only learns "too many" or "a burst".

The counters live in Django's default cache. With one process (or a shared cache such as
Redis or Memcached configured as CACHES["default"]) they are exact; with several processes
and the local-memory cache each process counts on its own, which only makes the limits
looser, never lose a response.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def _limits() -> tuple[tuple[str, int, int, int], ...]:
    """(kind, window in seconds, soft limit -> "burst" flag, hard limit -> refused)."""
    return (
        (
            "addr",
            settings.ZONA_SURVEY_NETWORK_WINDOW_SECONDS,
            settings.ZONA_SURVEY_NETWORK_FLAG_AFTER,
            settings.ZONA_SURVEY_NETWORK_REFUSE_AFTER,
        ),
        (
            "dev",
            settings.ZONA_SURVEY_DEVICE_WINDOW_SECONDS,
            settings.ZONA_SURVEY_DEVICE_FLAG_AFTER,
            settings.ZONA_SURVEY_DEVICE_REFUSE_AFTER,
        ),
    )


def _digest(kind: str, value: str) -> str:
    day = timezone.localdate().isoformat()
    message = f"{kind}:{day}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def _key(kind: str, value: str, window: int) -> str:
    return f"zona.surveys.throttle:{kind}:{_digest(kind, value)}:{int(time.time() // window)}"


@dataclass(frozen=True)
class Verdict:
    refused: bool
    burst: bool


def peek(*, address: str, device: str) -> Verdict:
    """Whether this submission must wait (refused) or be flagged as part of a burst."""
    refused = burst = False
    values = {"addr": address, "dev": device}
    for kind, window, soft, hard in _limits():
        value = values[kind]
        if not value:
            continue
        count = cache.get(_key(kind, value, window), 0)
        refused = refused or count >= hard
        burst = burst or count >= soft
    return Verdict(refused=refused, burst=burst)


def count(*, address: str, device: str) -> None:
    """Count one stored submission (duplicates of a stored one are not counted)."""
    values = {"addr": address, "dev": device}
    for kind, window, _soft, _hard in _limits():
        if values[kind]:
            _incr(_key(kind, values[kind], window), window)


def _incr(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def kiosk_pace(*, kiosk_key: str) -> int:
    """Seconds this kiosk must still wait before its next response (0: it may send now).

    Measured here, never taken from the tablet: a kiosk takes one response per
    ZONA_SURVEY_KIOSK_MIN_INTERVAL_SECONDS. Call it only for a response that will be stored;
    it reserves the slot.
    """
    interval = settings.ZONA_SURVEY_KIOSK_MIN_INTERVAL_SECONDS
    if interval <= 0:
        return 0
    key = f"zona.surveys.kiosk:{_digest('kiosk', kiosk_key)}"
    now = time.time()
    if cache.add(key, now, timeout=interval):
        return 0
    last = cache.get(key)
    if last is None:  # expired meanwhile
        cache.set(key, now, timeout=interval)
        return 0
    return max(1, int(interval - (now - float(last)) + 0.999))


def kiosk_burst(*, kiosk_key: str) -> bool:
    """Whether this kiosk already stored ZONA_SURVEY_KIOSK_FLAG_AFTER responses this hour."""
    return (
        cache.get(_key("kiosk-hour", kiosk_key, 3600), 0) >= settings.ZONA_SURVEY_KIOSK_FLAG_AFTER
    )


def repeated_pattern(*, campaign_id: int, pattern: str) -> bool:
    """Whether ZONA_SURVEY_REPEAT_FLAG_AFTER responses of the campaign gave exactly these
    answers within the hour (the pattern is hashed like every other counter key)."""
    seen = cache.get(_key("pattern", f"{campaign_id}:{pattern}", 3600), 0)
    return seen >= settings.ZONA_SURVEY_REPEAT_FLAG_AFTER


def count_stored(*, campaign_id: int, pattern: str, kiosk_key: str = "") -> None:
    """Count a stored response's answer pattern and, for a kiosk, its hourly total."""
    _incr(_key("pattern", f"{campaign_id}:{pattern}", 3600), 3600)
    if kiosk_key:
        _incr(_key("kiosk-hour", kiosk_key, 3600), 3600)
