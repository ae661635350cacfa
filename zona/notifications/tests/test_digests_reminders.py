"""Daily digests (never empty, never twice) and reminders (offsets, overdue, once each)."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from zona.notifications.models import Delivery, EmailDelivery, Notification, NotificationPreference
from zona.notifications.reminders import (
    Window,
    register_window_source,
    reminders_send,
    unregister_window_source,
)
from zona.notifications.services import notify
from zona.notifications.services.digests import digests_prepare
from zona.notifications.services.email import deliveries_send

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 1)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour=hour)))


def _notify_on(day: date, user, unit: str) -> Notification:
    [entry] = notify(recipients=[user], kind="test.returned", params={"unit": unit})
    Notification.objects.filter(pk=entry.pk).update(created_at=_at(day))
    return entry


@pytest.fixture
def digest_user(world):
    user = world["operator"]
    NotificationPreference.objects.create(user=user, delivery=Delivery.DIGEST)
    return user


def test_a_digest_gathers_the_day_once(world, digest_user):
    _notify_on(DAY, digest_user, "Bandung")
    _notify_on(DAY, digest_user, "Bogor")
    today = _notify_on(DAY + timedelta(days=1), digest_user, "Depok")
    assert digests_prepare(day=DAY) == 1
    assert deliveries_send().sent == 1
    [message] = mail.outbox
    assert message.to == [digest_user.email]
    assert "Sheet of Bandung returned" in message.body
    assert "Sheet of Bogor returned" in message.body
    assert "Depok" not in message.body
    # Never twice for the same day, even when run again.
    assert digests_prepare(day=DAY) == 0
    assert deliveries_send().sent == 0
    # The next day's digest holds only what came since.
    assert digests_prepare(day=DAY + timedelta(days=1)) == 1
    deliveries_send()
    assert len(mail.outbox) == 2
    assert "Depok" in mail.outbox[1].body
    assert "Bandung" not in mail.outbox[1].body
    today.refresh_from_db()
    assert today.email is not None
    assert today.email.is_digest


def test_an_empty_digest_is_never_sent(world, digest_user):
    # Nothing at all, and an entry of a user who wants each mail: no digest for anyone.
    notify(recipients=[world["unit_head"]], kind="test.returned", params={"unit": "X"})
    assert digests_prepare(day=DAY) == 0
    assert not EmailDelivery.objects.filter(is_digest=True).exists()
    # A day's entries already in another day's digest leave nothing for a second run.
    _notify_on(DAY, digest_user, "Bandung")
    assert digests_prepare(day=DAY + timedelta(days=1)) == 1
    assert digests_prepare(day=DAY + timedelta(days=2)) == 0


def test_send_digests_command(world, digest_user, django_capture_on_commit_callbacks):
    _notify_on(DAY, digest_user, "Bandung")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", "--date", DAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "1"
    assert len(mail.outbox) == 1
    with pytest.raises(Exception, match="--date"):
        call_command("send_digests", "--date", "kemarin")


@pytest.fixture
def windows(world):
    closing: list[Window] = []

    def source(today: date):
        return closing

    register_window_source(source)
    yield closing
    unregister_window_source(source)


def _window(world, key: str, closes_on: date) -> Window:
    return Window(
        key=key,
        recipients=[world["operator"]],
        closes_on=closes_on,
        title=f"LKE {key}",
        url="/assessments/1/",
    )


def test_reminders_at_the_offsets_and_once_overdue(world, windows):
    for left in (8, 7, 5, 3, 1, 0, -1, -4):
        windows.append(_window(world, f"w{left}", DAY + timedelta(days=left)))
    assert reminders_send(today=DAY) == 5  # 7, 3, 1 days before; overdue 1 and 4 days
    got = {n.params["title"]: (n.kind, n.params["days"]) for n in Notification.objects.all()}
    assert got == {
        "LKE w7": ("reminder.closing", 7),
        "LKE w3": ("reminder.closing", 3),
        "LKE w1": ("reminder.closing", 1),
        "LKE w-1": ("reminder.overdue", 1),
        "LKE w-4": ("reminder.overdue", 4),
    }
    # A second run the same day, and the next days, send no second overdue reminder.
    assert reminders_send(today=DAY) == 0
    windows[:] = [_window(world, "w-1", DAY - timedelta(days=1))]
    assert reminders_send(today=DAY + timedelta(days=1)) == 0
    # A deadline moved later is a new window: its reminders come again.
    windows[:] = [_window(world, "w-1", DAY + timedelta(days=3))]
    assert reminders_send(today=DAY) == 1


def test_reminder_days_and_overdue_cadence_are_settings(world, windows, settings):
    settings.ZONA_REMINDER_DAYS = [2, 0]
    settings.ZONA_REMINDER_OVERDUE_EVERY_DAYS = 2
    windows.append(_window(world, "a", DAY + timedelta(days=2)))
    windows.append(_window(world, "b", DAY))
    windows.append(_window(world, "c", DAY + timedelta(days=7)))
    assert reminders_send(today=DAY) == 2
    windows[:] = [_window(world, "late", DAY - timedelta(days=1))]
    sent = [reminders_send(today=DAY + timedelta(days=d)) for d in range(5)]
    assert sent == [1, 0, 1, 0, 1]  # 1, 3, 5 days late


def test_a_reminder_run_queues_one_sending_task(world, windows, django_capture_on_commit_callbacks):
    for left in (7, 3, 1):
        windows.append(_window(world, f"one{left}", DAY + timedelta(days=left)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminders_send(today=DAY) == 3
    assert len(callbacks) == 1
    assert len(mail.outbox) == 3


def test_send_reminders_command(world, windows):
    windows.append(_window(world, "cmd", DAY + timedelta(days=3)))
    out = io.StringIO()
    call_command("send_reminders", "--date", DAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "1"
