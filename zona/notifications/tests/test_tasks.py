"""The worker's daily run and its clock."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zona.notifications.models import Delivery, Notification, NotificationPreference
from zona.notifications.reminders import Window, register_window_source, unregister_window_source
from zona.notifications.services import notify
from zona.notifications.tasks import next_daily_run, notifications_daily, send_pending_emails

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_daily_run_reminds_digests_and_sends(world):
    head = world["unit_head"]
    NotificationPreference.objects.create(user=head, delivery=Delivery.DIGEST)
    [entry] = notify(recipients=[head], kind="test.returned", params={"unit": "Bogor"})
    Notification.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=1))

    def source(day: date):
        return [Window("w", [world["operator"]], day + timedelta(days=3), "LKE 2026")]

    register_window_source(source)
    try:
        result = notifications_daily.call()
    finally:
        unregister_window_source(source)
    assert result == {"monitoring_rounds": 0, "reminders": 1, "digests": 1, "sent": 2, "stuck": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [world["operator"].email, head.email]


def test_the_next_daily_run_is_at_the_configured_hour(settings):
    settings.ZONA_NOTIFY_DAILY_HOUR = 6

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 12, day, hour, tzinfo=timezone.get_current_timezone())

    assert next_daily_run(at(6, 5)) == at(6, 6)
    assert next_daily_run(at(6, 7)) == at(7, 6)


def test_the_clock_queues_one_daily_run(settings):
    settings.TASKS = DB_TASKS
    out = io.StringIO()
    call_command("notifications_clock", stdout=out)
    call_command("notifications_clock", stdout=out)
    assert out.getvalue().startswith("queued")
    assert "already queued" in out.getvalue()
    runs = DBTaskResult.objects.filter(
        task_path=notifications_daily.module_path, status=TaskResultStatus.READY
    )
    assert runs.count() == 1


def test_a_failed_mail_queues_a_retry(world, settings, monkeypatch):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    settings.TASKS = DB_TASKS
    notify(recipients=[world["operator"]], kind="test.returned", params={"unit": "X"})
    assert send_pending_emails.call() == 0
    retry = DBTaskResult.objects.get(
        task_path=send_pending_emails.module_path, status=TaskResultStatus.READY
    )
    assert retry.run_after > timezone.now()
