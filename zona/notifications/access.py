"""Who may see a notification: only its recipient. Anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zona.core.api.params import MAX_ID
from zona.notifications.models import Notification


def access_notification_by_id(user: Any, notification_id: int | str) -> Notification:
    """The user's own notification; the same 404 for another user's and a missing one."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not user.is_authenticated or not 1 <= pk <= MAX_ID:
        raise Http404
    notification = Notification.objects.filter(pk=pk, recipient_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification
