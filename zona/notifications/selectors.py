"""Reads: a user's preference and language, inbox entries, unread counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet

from zona.accounts.models import User
from zona.notifications.models import Delivery, Notification, NotificationPreference


def default_language() -> str:
    return str(settings.LANGUAGE_CODE)


def preference_for(user: Any) -> NotificationPreference:
    """The user's saved preference, or the defaults (unsaved) when they never chose."""
    pref = NotificationPreference.objects.filter(user_id=user.pk).first()
    return pref or NotificationPreference(
        user_id=user.pk, delivery=Delivery.EACH, language=default_language()
    )


def preferences_of(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Saved preferences by user id (one query); absent users have the defaults."""
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}


def language_of(user: Any) -> str:
    return preference_for(user).language or default_language()


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own inbox: unread first, then newest first."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def users_by_id(user_ids: Iterable[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=list(user_ids))}
