"""`status_colour`: the badge colour of a lifecycle status (see zona.core.status)."""

from __future__ import annotations

from django import template

from zona.core.status import status_colour as colour_of

register = template.Library()


@register.filter
def status_colour(value: object, kind: str = "") -> str:
    return colour_of(value, kind)
