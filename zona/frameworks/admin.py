"""Read-only admin: frameworks change only through `manage.py load_frameworks`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from zona.frameworks.models import Framework, Node

# ModelAdmin is generic only in the type stubs; at run time it cannot be subscripted.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class _ReadOnly(_ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(_ReadOnly):
    list_display = ["key", "version", "title_id", "content_hash", "loaded_at"]
    list_filter = ["key"]
    search_fields = ["key", "title_id", "title_en"]
    exclude = ["document"]


@admin.register(Node)
class NodeAdmin(_ReadOnly):
    list_display = ["code", "framework", "kind", "weight", "answer_type", "title_id"]
    list_filter = ["framework", "kind", "answer_type"]
    search_fields = ["code", "title_id", "title_en"]
    list_select_related = ["framework"]
