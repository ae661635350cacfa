"""Only opted-in reads go to the replica; writes and migrations never do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from zona.accounts.models import Unit
from zona.ops.replica import REPLICA, ReplicaPathsMiddleware, ReplicaRouter, replica_reads

router = ReplicaRouter()


def test_reads_go_to_the_replica_only_inside_replica_reads():
    assert router.db_for_read(Unit) is None
    with replica_reads():
        assert router.db_for_read(Unit) == REPLICA
        assert router.db_for_write(Unit) == "default"
    assert router.db_for_read(Unit) is None


def test_the_schema_is_migrated_on_the_primary_only():
    assert router.allow_migrate("default", "accounts") is True
    assert router.allow_migrate(REPLICA, "accounts") is False


@override_settings(ZONA_REPLICA_PATHS=[r"^/surveys/\d+/results/", r"^/audit/"])
def test_middleware_sends_listed_get_pages_to_the_replica():
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Unit))
        return HttpResponse()

    middleware = ReplicaPathsMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/surveys/3/results/"))
    middleware(factory.get("/audit/"))
    middleware(factory.post("/surveys/3/results/"))  # a write reads its own writes
    middleware(factory.get("/assessments/7/"))
    assert seen == [REPLICA, REPLICA, None, None]
    assert router.db_for_read(Unit) is None  # nothing leaks past the request
