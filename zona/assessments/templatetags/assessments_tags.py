"""Small template helpers for the worksheet pages."""

from __future__ import annotations

from django import template

from zona.assessments.presenters import slug

register = template.Library()


@register.filter
def code_slug(code: str) -> str:
    """The HTML id part of a node code (A.I.1.i.a -> A-I-1-i-a)."""
    return slug(str(code))
