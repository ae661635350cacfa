"""Reads from a PostgreSQL read replica, for pages that only read a lot: dashboards, exports.

With DATABASE_REPLICA_URL set, production settings add a "replica" database alias, install
`ReplicaRouter` and `ReplicaPathsMiddleware` (docs/scaling.md). A replica lags its primary by
a moment, so only reads that opt in go there, and only while they cannot miss a write:

- a request opts in by its path (settings.ZONA_REPLICA_PATHS, regular expressions; GET and
  HEAD only), code by `with replica_reads():` (an export task reading its rows);
- inside a transaction on "default" every read stays on "default" (a transaction reads its
  own writes and holds its locks there);
- once the code inside `replica_reads()` has written a model through the ORM, the rest of
  that scope reads that model on "default" (it reads its own writes; an export that writes
  its progress still reads the sheets on the replica);
- sessions are always read on "default": a session written a moment ago must be found.

Writes and migrations always go to "default". Without a "replica" alias the router sends
nothing anywhere else, so a settings file that installs it without a replica is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Apps whose rows must be read where they were just written, whatever the scope.
PRIMARY_ONLY_APPS = frozenset({"sessions"})


@dataclass
class _Scope:
    written: set[str] = field(default_factory=set)  # model labels written in this scope


_scope: ContextVar[_Scope | None] = ContextVar("zona_replica_scope", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block may go to the replica (see the module's rules)."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        scope = _scope.get()
        if scope is None or not replica_configured():
            return None
        meta = model._meta  # type: ignore[attr-defined]
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label in scope.written:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        scope = _scope.get()
        if scope is not None:
            scope.written.add(model._meta.label)  # type: ignore[attr-defined]
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # PostgreSQL replicates the schema itself


class ReplicaPathsMiddleware:
    """GET and HEAD requests whose path matches one of settings.ZONA_REPLICA_PATHS read the
    replica (within the router's rules)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
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
