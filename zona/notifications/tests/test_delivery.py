"""The worker's side: claims, retries, crashes, and two workers at once."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from zona.notifications.models import DeliveryStatus, EmailDelivery
from zona.notifications.services import notify
from zona.notifications.services.email import (
    CLAIM_BATCH,
    deliveries_claim,
    deliveries_send,
    deliveries_stuck,
    delivery_claim,
)


def _queue(world, n: int = 1) -> list[EmailDelivery]:
    # Without running on_commit: the rows wait for the worker, as on a real queue.
    users = [world["operator"]] * n
    out = []
    for i, user in enumerate(users):
        [entry] = notify(recipients=[user], kind="test.returned", params={"unit": f"U{i}"})
        assert entry.email is not None
        out.append(entry.email)
    return out


@pytest.mark.django_db
def test_a_row_is_claimed_by_one_worker_only(world):
    [delivery] = _queue(world)
    now = timezone.now()
    # Worker A read the row as due; worker B claims and sends it first.
    stale_candidates = [delivery.pk]
    assert deliveries_send(now=now).sent == 1
    assert [pk for pk in stale_candidates if delivery_claim(delivery_id=pk, now=now)] == []
    assert deliveries_send(now=now).sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failure_is_retried_later_with_backoff(world, monkeypatch, settings):
    settings.ZONA_NOTIFY_RETRY_SECONDS = 60
    settings.ZONA_NOTIFY_MAX_ATTEMPTS = 3
    [delivery] = _queue(world)
    real_send = EmailMultiAlternatives.send
    failures = {"left": 1}

    def flaky(self, *args, **kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    now = timezone.now()
    result = deliveries_send(now=now)
    delivery.refresh_from_db()
    assert (result.sent, delivery.status, delivery.attempts) == (0, DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == now + timedelta(seconds=60)
    assert result.retry_at == delivery.next_attempt_at
    assert "SMTPServerDisconnected" in delivery.last_error
    assert deliveries_send(now=now + timedelta(seconds=59)).sent == 0  # not due yet
    assert deliveries_send(now=now + timedelta(seconds=60)).sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_after_the_last_attempt_the_mail_is_failed(world, monkeypatch, settings):
    settings.ZONA_NOTIFY_RETRY_SECONDS = 10
    settings.ZONA_NOTIFY_MAX_ATTEMPTS = 2

    def down(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    [delivery] = _queue(world)
    now = timezone.now()
    deliveries_send(now=now)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + timedelta(seconds=10)
    result = deliveries_send(now=now + timedelta(seconds=10))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, result.failed) == ("failed", 2, 1)
    assert result.retry_at is None
    assert deliveries_send(now=now + timedelta(days=1)).failed == 0


@pytest.mark.django_db
def test_a_crash_after_sending_is_reported_not_resent(world, settings):
    settings.ZONA_NOTIFY_STUCK_MINUTES = 30
    [delivery] = _queue(world)
    now = timezone.now()
    # The worker claimed the row (committed), sent, and died before marking it sent.
    assert deliveries_claim(now=now) == [delivery.pk]
    later = now + timedelta(hours=2)
    assert deliveries_send(now=later).sent == 0
    assert mail.outbox == []
    assert list(deliveries_stuck(now=now + timedelta(minutes=29))) == []
    assert list(deliveries_stuck(now=later)) == [delivery]
    EmailDelivery.objects.filter(pk=delivery.pk).update(claimed_at=now - timedelta(hours=1))
    out = __import__("io").StringIO()
    call_command("notification_mail_status", stdout=out)
    assert "sending: 1" in out.getvalue()
    assert f"stuck: {delivery.key}" in out.getvalue()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_mail_once(world, monkeypatch):
    # Outside a test transaction notify's on-commit send would run at once: keep the rows
    # waiting for the two workers instead.
    monkeypatch.setattr("zona.notifications.tasks.enqueue_sending", lambda: None)
    deliveries = _queue(world, n=2 * CLAIM_BATCH)
    assert mail.outbox == []
    # Each worker's first mail waits until the other worker is sending too: both hold
    # claimed rows at the same moment, and neither may send the other's.
    both_sending = threading.Barrier(2, timeout=20)
    first = threading.local()
    real_send = EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        if not getattr(first, "done", False):
            first.done = True
            both_sending.wait()
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    errors: list[BaseException] = []
    sent: list[int] = []

    def worker() -> None:
        try:
            sent.append(deliveries_send().sent)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(sent) == [CLAIM_BATCH, CLAIM_BATCH]
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == len(deliveries) == len(set(subjects))
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(EmailDelivery.objects.values_list("attempts", flat=True)) == {1}
