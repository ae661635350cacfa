"""Read-only admin of the notification e-mails, for support questions and the rows stuck in
`sending` (see `manage.py notification_mail_status`). Nothing is changed here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from zona.notifications.models import EmailDelivery

# ModelAdmin is generic only in the type stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(_ModelAdmin):
    list_display = ["key", "recipient", "status", "attempts", "claimed_at", "sent_at", "subject"]
    list_filter = ["status", "is_digest"]
    search_fields = ["key", "to_address", "subject"]
    raw_id_fields = ["recipient"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
