"""The daily digest: one mail per user with the day's notifications, never empty, never
twice for the same day (its delivery key is `digest:<user id>:<date>`, unique)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zona.notifications.models import Delivery, EmailDelivery, Notification, NotificationPreference


class _Empty(Exception):
    """Nothing is left to put in a digest: its transaction rolls back, nothing is sent."""


def digest_day_default() -> date:
    return timezone.localdate() - timedelta(days=1)


def digests_prepare(*, day: date | None = None) -> int:
    """Queue the digest of `day` (default yesterday) for each user who asked for digests
    and has notifications not mailed yet, created before that day ended (one missed run
    is caught up by the next). Returns the number of digests queued.

    Only users whose preference is still the digest get one: a user who switched to "no
    e-mail" gets nothing more, and one who switched to each mail has the entries of the
    digest days in the inbox only (new ones are mailed one by one)."""
    day = day or digest_day_default()
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    wanting = NotificationPreference.objects.filter(delivery=Delivery.DIGEST).values("user_id")
    waiting = Notification.objects.filter(
        email_mode=Delivery.DIGEST,
        email__isnull=True,
        created_at__lt=end,
        recipient_id__in=wanting,
        recipient__is_active=True,
    ).exclude(recipient__email="")
    queued = 0
    now = timezone.now()
    for user_id in sorted(set(waiting.values_list("recipient_id", flat=True))):
        try:
            with transaction.atomic():
                digest = EmailDelivery.objects.create(
                    key=f"digest:{user_id}:{day.isoformat()}",
                    recipient_id=user_id,
                    is_digest=True,
                    digest_date=day,
                    next_attempt_at=now,
                )
                # Another run may have taken them meanwhile: then no empty digest.
                if not waiting.filter(recipient_id=user_id).update(email=digest):
                    raise _Empty
        except (IntegrityError, _Empty):
            continue  # this day's digest exists already, or there is nothing left
        queued += 1
    return queued
