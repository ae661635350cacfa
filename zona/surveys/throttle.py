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

# (window in seconds, soft limit -> "burst" flag, hard limit -> refused)
ADDRESS_LIMITS = (600, 20, 60)
DEVICE_LIMITS = (3600, 4, 20)


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
    for kind, value, (window, soft, hard) in (
        ("addr", address, ADDRESS_LIMITS),
        ("dev", device, DEVICE_LIMITS),
    ):
        if not value:
            continue
        count = cache.get(_key(kind, value, window), 0)
        refused = refused or count >= hard
        burst = burst or count >= soft
    return Verdict(refused=refused, burst=burst)


def count(*, address: str, device: str) -> None:
    """Count one stored submission (duplicates of a stored one are not counted)."""
    for kind, value, (window, _soft, _hard) in (
        ("addr", address, ADDRESS_LIMITS),
        ("dev", device, DEVICE_LIMITS),
    ):
        if not value:
            continue
        key = _key(kind, value, window)
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
