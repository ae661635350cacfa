"""A probe task for `make prod-check`: it proves that each queued task completes once.

The completion is counted in the shared cache at the very end, so a worker killed mid-task
counts nothing, and the retried run counts its one completion.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django_tasks import task


def completions_key(key: str) -> str:
    return f"zona.ops.probe:{key}"


@task()
def probe(key: str, seconds: float) -> str:
    time.sleep(seconds)
    name = completions_key(key)
    cache.add(name, 0, timeout=3600)
    cache.incr(name)
    return key
