"""Health checks and the request id: no login, no data, and an id on every log line."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from zona.ops import health
from zona.ops.requestid import RequestIdFilter, request_id

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_cache_and_storage(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


def test_readyz_names_the_failed_part_and_nothing_else(client, monkeypatch, caplog):
    def broken() -> None:
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "fail", "storage": "ok"}
    assert b"secret-host" not in response.content
    assert "secret-host" in caplog.text  # the reason is in the log, for the operator


def test_health_refuses_writes(client):
    assert client.post("/readyz").status_code == 405


MIDDLEWARE_WITH_ID = ["zona.ops.requestid.RequestIdMiddleware"]


@override_settings(MIDDLEWARE=MIDDLEWARE_WITH_ID)
def test_request_id_is_made_or_taken_from_the_proxy(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz")["X-Request-ID"] != made
    given = client.get("/healthz", headers={"X-Request-ID": "abc123-proxy.7"})
    assert given["X-Request-ID"] == "abc123-proxy.7"
    # A header that is not a plain short token is never echoed into logs.
    odd = client.get("/healthz", headers={"X-Request-ID": 'x" injected=1 and more'})
    assert odd["X-Request-ID"] != 'x" injected=1 and more'
    assert len(odd["X-Request-ID"]) == 32


def test_log_records_carry_the_request_id():
    record = logging.LogRecord("zona", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    assert record.__dict__["request_id"] == "-"
    token = request_id.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    assert record.__dict__["request_id"] == "req-12345678"
