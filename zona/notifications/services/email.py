"""Sending the e-mails: claim, send, mark; retry a failure later; never send a row twice.

A worker claims due rows in one short transaction: `SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL (two workers take different rows instead of waiting for each other), then a
conditional UPDATE pending -> sending that only one worker can win (on SQLite, which has no
row locks, that UPDATE alone decides). The claim commits before the SMTP call, so a worker
that dies after the mail left but before marking it sent leaves the row in `sending`: it is
reported (`deliveries_stuck`, `manage.py notification_mail_status`), never sent again.
Sending twice is worse than a mail an administrator looks into.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zona.notifications.kinds import render
from zona.notifications.models import DeliveryStatus, EmailDelivery
from zona.notifications.selectors import language_of

log = logging.getLogger(__name__)

CLAIM_BATCH = 20


def max_attempts() -> int:
    return int(getattr(settings, "ZONA_NOTIFY_MAX_ATTEMPTS", 5))


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try: the base doubled after each failed one (1, 2, 4 ... x)."""
    base = int(getattr(settings, "ZONA_NOTIFY_RETRY_SECONDS", 60))
    return timedelta(seconds=base * 2 ** max(0, attempts - 1))


def stuck_after() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ZONA_NOTIFY_STUCK_MINUTES", 30)))


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int
    retry_at: datetime | None  # the earliest retry still waiting, for the task to come back


def _due(now: datetime) -> QuerySet[EmailDelivery]:
    return EmailDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


def delivery_claim(*, delivery_id: int, now: datetime) -> bool:
    """Move one due row to `sending`; True for the one worker that wins it."""
    won = (
        _due(now)
        .filter(pk=delivery_id)
        .update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return won == 1


def deliveries_claim(*, now: datetime, limit: int = CLAIM_BATCH) -> list[int]:
    with transaction.atomic():
        candidates = list(
            _due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        return [pk for pk in candidates if delivery_claim(delivery_id=pk, now=now)]


def _absolute(url: str) -> str:
    return settings.ZONA_BASE_URL.rstrip("/") + url if url else ""


def build_message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    """The mail of one delivery, in its recipient's language, as text and HTML."""
    user = delivery.recipient
    language = language_of(user)
    entries = list(delivery.notifications.order_by("created_at", "pk"))
    with translation.override(language):
        items = [
            {
                "subject": r.subject,
                "body": r.body,
                "url": _absolute(n.url),
                "created_at": n.created_at,
            }
            for n in entries
            for r in [render(n.kind, n.params, language)]
        ]
        if delivery.is_digest:
            subject = ngettext(
                "Zona: %(count)s notification on %(date)s",
                "Zona: %(count)s notifications on %(date)s",
                len(items),
            ) % {
                "count": len(items),
                "date": date_format(delivery.digest_date) if delivery.digest_date else "",
            }
        else:
            subject = "Zona: " + (str(items[0]["subject"]) if items else "")
        context = {
            "user": user,
            "items": items,
            "digest": delivery.is_digest,
            "inbox_url": _absolute(reverse("notifications:inbox")),
            "preferences_url": _absolute(reverse("notifications:preferences")),
            "language": language,
        }
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(
        subject=subject[:255], body=text, from_email=None, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _finish(delivery: EmailDelivery, **fields: Any) -> None:
    # Only a row this worker holds (status `sending`) is changed.
    EmailDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**fields)


def delivery_send(*, delivery_id: int, now: datetime) -> str:
    """Send one claimed row; returns its new status."""
    delivery = EmailDelivery.objects.select_related("recipient").get(pk=delivery_id)
    user = delivery.recipient
    if not user.email or not user.is_active or not delivery.notifications.exists():
        _finish(delivery, status=DeliveryStatus.FAILED, last_error=_("Nothing to send."))
        return DeliveryStatus.FAILED
    try:
        message = build_message(delivery)
        message.send()
    except Exception as exc:  # SMTP refusals, a server away, a bad template: try again later
        log.warning("notification mail %s failed: %s", delivery.key, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= max_attempts():
            _finish(delivery, status=DeliveryStatus.FAILED, last_error=error)
            return DeliveryStatus.FAILED
        _finish(
            delivery,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now + retry_delay(delivery.attempts),
            last_error=error,
        )
        return DeliveryStatus.PENDING
    _finish(
        delivery,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        to_address=user.email,
        subject=str(message.subject)[:255],
        last_error="",
    )
    return DeliveryStatus.SENT


def deliveries_send(*, now: datetime | None = None) -> SendResult:
    """Send every due mail, in batches; the worker's task calls this."""
    now = now or timezone.now()
    sent = failed = 0
    while True:
        claimed = deliveries_claim(now=now)
        if not claimed:
            break
        for pk in claimed:
            status = delivery_send(delivery_id=pk, now=now)
            sent += status == DeliveryStatus.SENT
            failed += status == DeliveryStatus.FAILED
    waiting = (
        EmailDelivery.objects.filter(status=DeliveryStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return SendResult(sent=sent, failed=failed, retry_at=waiting)


def deliveries_stuck(*, now: datetime | None = None) -> QuerySet[EmailDelivery]:
    """Rows claimed long ago and never marked: the mail may have left. Not resent."""
    now = now or timezone.now()
    return EmailDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - stuck_after()
    ).order_by("claimed_at")
