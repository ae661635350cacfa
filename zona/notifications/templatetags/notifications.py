"""`{% load notifications %}{% unread_badge %}`: the navbar's inbox link with the unread
count: one query per request, kept on the request for a second use."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from zona.notifications.selectors import unread_count

register = template.Library()

_CACHE_ATTR = "_zona_unread_count"


def unread_for_request(request: Any) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, _CACHE_ATTR):
        setattr(request, _CACHE_ATTR, unread_count(user))
    return getattr(request, _CACHE_ATTR)


@register.simple_tag(takes_context=True)
def unread_badge(context: template.Context) -> SafeString:
    count = unread_for_request(context.get("request"))
    if count is None:
        return mark_safe("")
    return mark_safe(render_to_string("notifications/_badge.html", {"count": count}))  # noqa: S308
