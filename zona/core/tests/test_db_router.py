"""The replica router: opted-in reads go to the replica, unless they could miss a write.

The routing is checked on real querysets (`QuerySet.db` asks the router), so what Django
would send where is tested, without a second server.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from zona.accounts.models import Unit, User
from zona.core.db_router import REPLICA, ReplicaPathsMiddleware, ReplicaRouter, replica_reads

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    """A "replica" alias as DATABASE_REPLICA_URL adds it (never connected to here)."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, dict(settings.DATABASES["default"]))
    monkeypatch.setattr(settings, "DATABASE_ROUTERS", ["zona.core.db_router.ReplicaRouter"])
    from django.db import router as django_router

    monkeypatch.setattr(django_router, "routers", [router])
    # Outside any test transaction: reads are free to go to the replica.
    assert not connections[DEFAULT_DB_ALIAS].in_atomic_block


def test_reads_go_to_the_replica_only_inside_replica_reads(with_replica: None) -> None:
    assert Unit.objects.all().db == DEFAULT_DB_ALIAS
    with replica_reads():
        assert Unit.objects.all().db == REPLICA
        assert Unit.objects.filter(code="X").db == REPLICA
    assert Unit.objects.all().db == DEFAULT_DB_ALIAS


def test_writes_always_go_to_the_primary(with_replica: None) -> None:
    with replica_reads():
        assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS


def test_after_a_write_the_scope_reads_that_model_on_the_primary(with_replica: None) -> None:
    with replica_reads():
        assert Unit.objects.all().db == REPLICA
        assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
        assert Unit.objects.all().db == DEFAULT_DB_ALIAS  # reads its own write
        assert User.objects.all().db == REPLICA  # other models are not stale for it
    with replica_reads():  # a new scope starts clean
        assert Unit.objects.all().db == REPLICA


def test_sessions_are_read_on_the_primary(with_replica: None) -> None:
    with replica_reads():
        assert Session.objects.all().db == DEFAULT_DB_ALIAS
        assert Unit.objects.all().db == REPLICA


def test_inside_a_transaction_reads_stay_on_the_primary(
    with_replica: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
    with replica_reads():
        assert Unit.objects.all().db == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_a_real_transaction_keeps_reads_on_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test itself runs in a transaction on "default", as every atomic block does.
    monkeypatch.setitem(settings.DATABASES, REPLICA, dict(settings.DATABASES["default"]))
    assert connections[DEFAULT_DB_ALIAS].in_atomic_block
    with replica_reads():
        assert router.db_for_read(Unit) is None


def test_without_a_replica_nothing_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)
    with replica_reads():
        assert router.db_for_read(Unit) is None


def test_the_schema_is_migrated_on_the_primary_only() -> None:
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "accounts") is True
    assert router.allow_migrate(REPLICA, "accounts") is False


def test_rows_of_both_aliases_may_be_related() -> None:
    a, b, c = Unit(code="A"), Unit(code="B"), Unit(code="C")
    a._state.db, b._state.db, c._state.db = DEFAULT_DB_ALIAS, REPLICA, "other"
    assert router.allow_relation(a, b) is True
    assert router.allow_relation(a, c) is None


@override_settings(
    ZONA_REPLICA_PATHS=[r"^/assessments/\d+/dashboard/", r"^/surveys/\d+/results/", r"^/audit/"]
)
def test_middleware_sends_listed_get_pages_to_the_replica(with_replica: None) -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(Unit.objects.all().db)
        return HttpResponse()

    middleware = ReplicaPathsMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/assessments/4/dashboard/"))
    middleware(factory.get("/surveys/3/results/"))
    middleware(factory.head("/audit/"))
    middleware(factory.post("/surveys/3/results/"))  # a write reads its own writes
    middleware(factory.get("/assessments/7/"))
    assert seen == [REPLICA, REPLICA, REPLICA, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS]
    assert Unit.objects.all().db == DEFAULT_DB_ALIAS  # nothing leaks past the request


@override_settings(ZONA_REPLICA_PATHS=[])
def test_middleware_without_paths_changes_nothing(with_replica: None) -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(Unit.objects.all().db)
        return HttpResponse()

    ReplicaPathsMiddleware(view)(RequestFactory().get("/audit/"))
    assert seen == [DEFAULT_DB_ALIAS]
