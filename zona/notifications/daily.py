"""Work other apps add to the worker's daily run (before the reminders, so what they create
today is reminded today): e.g. the national stage creates the monitoring rounds coming due.
An app registers from its `AppConfig.ready()`; notifications never imports it."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_JOBS: dict[str, Callable[[], int]] = {}


def register_daily_job(name: str, job: Callable[[], int]) -> None:
    """Run `job` (returns how many things it did) in every daily run, under `name`."""
    _JOBS[name] = job


def daily_jobs_run() -> dict[str, int]:
    """Run every registered job; one failing is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, job in sorted(_JOBS.items()):
        try:
            done[name] = int(job())
        except Exception:
            log.exception("daily job %s failed", name)
            done[name] = -1
    return done
