"""notify(): inbox entries, once per key, e-mail per preference, in the recipient's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.db import transaction

from zona.notifications.models import (
    Delivery,
    DeliveryStatus,
    EmailDelivery,
    Notification,
    NotificationPreference,
)
from zona.notifications.services import notify

pytestmark = pytest.mark.django_db


def _returned(world, recipients, *, key="", actor=None):
    return notify(
        recipients=recipients,
        kind="test.returned",
        params={"unit": "Bandung", "tier": "TPI", "note": "lengkapi"},
        url="/assessments/1/",
        actor=actor,
        key=key,
    )


def test_one_entry_and_one_mail_per_recipient(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = _returned(world, [world["operator"], world["unit_head"], world["operator"]])
    assert len(created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        world["operator"].email,
        world["unit_head"].email,
    ]
    message = mail.outbox[0]
    assert message.subject == "Zona: Sheet of Bandung returned"
    assert "Returned by TPI: lengkapi" in message.body
    assert "http://127.0.0.1:8000/assessments/1/" in message.body
    html, mime = message.alternatives[0]  # type: ignore[attr-defined]
    assert mime == "text/html"
    assert 'href="http://127.0.0.1:8000/assessments/1/"' in html
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_the_same_key_notifies_once(world, django_capture_on_commit_callbacks):
    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            _returned(world, [world["operator"]], key="sheet:1:returned:7")
    assert Notification.objects.filter(recipient=world["operator"]).count() == 1
    assert EmailDelivery.objects.count() == 1
    assert len(mail.outbox) == 1
    # Another recipient with the same key is a first time for them.
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_returned(world, [world["unit_head"]], key="sheet:1:returned:7")) == 1
    assert len(mail.outbox) == 2


def test_the_actor_and_inactive_users_are_not_notified(world):
    head = world["unit_head"]
    head.is_active = False
    head.save()
    created = _returned(world, [world["operator"], head], actor=world["operator"])
    assert created == []


def test_a_rolled_back_handoff_notifies_nobody(world, django_capture_on_commit_callbacks):
    def handoff_that_fails() -> None:
        with transaction.atomic():
            _returned(world, [world["operator"]])
            raise RuntimeError("the hand-off failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        handoff_that_fails()
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_unknown_kind_and_foreign_url_are_programming_errors(world):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(recipients=[world["operator"]], kind="nope", url="/x/")
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="local path"):
            notify(recipients=[world["operator"]], kind="test.returned", url=url)
    assert Notification.objects.count() == 0


def test_preferences_decide_the_mail(world, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world["operator"], delivery=Delivery.NONE)
    NotificationPreference.objects.create(user=world["unit_head"], delivery=Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        created = _returned(world, [world["operator"], world["unit_head"]])
    assert {n.email_mode for n in created} == {Delivery.NONE, Delivery.DIGEST}
    assert all(n.email_id is None for n in created)
    assert mail.outbox == []


def test_each_recipient_reads_it_in_their_language(world, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world["operator"], language="id")
    NotificationPreference.objects.create(user=world["unit_head"], language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[world["operator"], world["unit_head"]],
            kind="reminder.closing",
            params={"title": "LKE 2026", "days": 3, "closes_on": date(2026, 12, 9)},
            url="/assessments/1/",
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    indonesian = by_address[world["operator"].email]
    english = by_address[world["unit_head"].email]
    assert english.subject == "Zona: LKE 2026 closes in 3 days"
    assert "Dec. 9, 2026" in english.body
    assert indonesian.subject == "Zona: LKE 2026 ditutup dalam 3 hari"
    assert "Batas waktunya 9 Des. 2026." in indonesian.body
    assert 'lang="id"' in indonesian.alternatives[0][0]  # type: ignore[attr-defined]
