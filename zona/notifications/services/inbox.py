"""Inbox entries: creating them (`notify`), reading them, and the user's preference."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.audit.services import audit_record
from zona.core.errors import Problem, ValidationFailed
from zona.notifications.kinds import is_registered
from zona.notifications.models import (
    Delivery,
    EmailDelivery,
    Notification,
    NotificationPreference,
)
from zona.notifications.selectors import default_language, preferences_of


def _local_url(url: str) -> str:
    # Links open inside Zona only: a path, never another site (`//host` is one).
    url = (url or "").strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"notification url must be a local path: {url!r}")
    return url[:500]


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    params: Mapping[str, Any] | None = None,
    url: str = "",
    actor: Any = None,
    key: str = "",
) -> list[Notification]:
    """Put a notification in each recipient's inbox; returns the entries created now.

    Call inside the transaction of the hand-off. With `key`, a recipient who already has
    an entry with that key gets nothing new (a retried hand-off never notifies twice).
    Params must be JSON values (dates become ISO strings); they fill the kind's texts.
    """
    if not is_registered(kind):
        raise ValueError(f"unknown notification kind {kind!r}: register_kind() it first")
    url = _local_url(url)
    key = (key or "")[:200]
    clean_params = json.loads(json.dumps(dict(params or {}), cls=DjangoJSONEncoder))
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    users: dict[int, Any] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk != actor_id:
            users.setdefault(user.pk, user)
    if not users:
        return []
    created: list[Notification] = []
    with transaction.atomic():
        done: set[int] = set()
        if key:
            done = set(
                Notification.objects.filter(recipient_id__in=users, key=key).values_list(
                    "recipient_id", flat=True
                )
            )
        prefs = preferences_of(users)
        now = timezone.now()
        for user_id, user in users.items():
            if user_id in done:
                continue
            pref = prefs.get(user_id)
            mode = pref.delivery if pref else Delivery.EACH
            if not user.email:
                mode = Delivery.NONE
            try:
                # A savepoint: a concurrent notify with the same key wins, this one skips.
                with transaction.atomic():
                    entry = Notification.objects.create(
                        recipient_id=user_id,
                        kind=kind,
                        params=clean_params,
                        url=url,
                        actor_id=actor_id,
                        key=key,
                        email_mode=mode,
                    )
            except IntegrityError:
                continue
            if mode == Delivery.EACH:
                entry.email = EmailDelivery.objects.create(
                    key=f"n:{entry.pk}", recipient_id=user_id, next_attempt_at=now
                )
                entry.save(update_fields=["email"])
            created.append(entry)
        if any(n.email_id for n in created):
            _send_after_commit()
    return created


# Inside `sending_batched()` the mails of many notify() calls are queued as one task.
_batch: ContextVar[list[bool] | None] = ContextVar("zona_notify_batch", default=None)


def _send_after_commit() -> None:
    """Enqueue the sending task when the transaction commits."""
    batch = _batch.get()
    if batch is not None:
        batch.append(True)
        return
    from zona.notifications.tasks import enqueue_sending

    transaction.on_commit(enqueue_sending, robust=True)


@contextmanager
def sending_batched() -> Iterator[None]:
    """Queue one sending task for all the notify() calls inside (a reminder run that
    notifies a thousand windows), on the commit of the surrounding transaction."""
    token = _batch.set([])
    try:
        yield
        pending = bool(_batch.get())
    finally:
        _batch.reset(token)
    if pending:
        _send_after_commit()


def notification_mark_read(*, user: Any, notification: Notification) -> None:
    """Mark one of the user's own entries read (the caller fetched it by access)."""
    if notification.recipient_id != user.pk:
        raise ValueError("only the recipient marks a notification read")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_save(*, user: Any, delivery: str, language: str) -> NotificationPreference:
    """Save how the user gets e-mail and in which language; bad values change nothing."""
    problems = []
    if delivery not in Delivery.values:
        problems.append(Problem("invalid_choice", _("Choose how to receive e-mail."), "delivery"))
    if language not in {code for code, _name in settings.LANGUAGES}:
        problems.append(Problem("invalid_choice", _("Choose a language."), "language"))
    if problems:
        raise ValidationFailed(_("The preferences were not saved."), problems=problems)
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user_id=user.pk,
            defaults={"delivery": delivery, "language": language or default_language()},
        )
        before = {"delivery": pref.delivery, "language": pref.language}
        pref.delivery = delivery
        pref.language = language
        pref.save()
        after = {"delivery": delivery, "language": language}
        if _created or before != after:
            audit_record(
                actor=user,
                action="notifications.preference_saved",
                target=pref,
                details={"before": None if _created else before, "after": after},
            )
    return pref
