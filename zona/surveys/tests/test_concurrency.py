"""Idempotency under concurrent retries: many copies of one submission, at the same moment."""

import threading
import uuid

import pytest
from django.db import connections

from zona.surveys.models import Answer, Response

from .conftest import submit


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_store_each_response_once(campaign):
    keys = [uuid.uuid4().hex for _ in range(5)]
    start = threading.Barrier(20)
    created: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(key: str) -> None:
        try:
            start.wait()
            result = submit(campaign, key=key, spak=[6, 5, 6, 4, 6], spkp=[5] * 8)
            with lock:
                created.append(result.created)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(keys[i % 5],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert created.count(True) == 5
    assert len(created) == 20
    assert Response.objects.count() == 5
    assert Answer.objects.count() == 5 * 13
    assert set(Response.objects.values_list("idempotency_key", flat=True)) == set(keys)


@pytest.mark.django_db
def test_a_copy_that_passed_the_first_check_meets_the_unique_key(campaign, monkeypatch):
    """The race the threads above produce, made deterministic: two copies both find no stored
    response in the first check; the second then hits the unique key and returns the first."""
    first = submit(campaign, key="z" * 32, spak=[6, 5, 6, 4, 6])
    real_filter = Response.objects.filter
    calls = {"n": 0}

    def filter_missing_once(*args, **kwargs):
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(Response.objects, "filter", filter_missing_once)
    second = submit(campaign, key="z" * 32, spak=[1, 1, 1, 1, 1])
    assert not second.created
    assert second.response.pk == first.response.pk
    assert Response.objects.count() == 1
    assert sorted(Answer.objects.values_list("value", flat=True)) == [4, 5, 6, 6, 6]
