"""Reads from a PostgreSQL read replica, for pages that only read a lot: dashboards, exports.

Only reads that opt in go to the replica: a replica lags its primary by a moment, and a page
that has just written must read its own write. A request opts in by its path
(ZONA_REPLICA_PATHS, regular expressions; GET and HEAD only; ReplicaPathsMiddleware), code
by `with replica_reads():`. Writes, migrations and everything else use "default". Without
DATABASE_REPLICA_URL the router is not installed and nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("zona_reading_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # PostgreSQL replicates the schema itself


class ReplicaPathsMiddleware:
    """GET and HEAD requests whose path matches one of settings.ZONA_REPLICA_PATHS (regular
    expressions) read the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Set only with a replica (config/settings/production.py).
        patterns = getattr(settings, "ZONA_REPLICA_PATHS", ())
        self.paths = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            self.paths is not None
            and request.method in ("GET", "HEAD")
            and self.paths.match(request.path)
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
