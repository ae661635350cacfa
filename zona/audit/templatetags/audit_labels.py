"""Audit events read as words on the log page (zona.audit.labels).

Filters rather than model methods: the labels name accounts' roles, and AuditEvent sits
below accounts in the dependency order (accounts' services record events), so the model
may not reach up to them.
"""

from __future__ import annotations

from typing import Any

from django import template

from zona.audit.labels import action_label, details_rows

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return action_label(action)


@register.filter
def audit_details(event: Any) -> list[tuple[str, str]]:
    """An event's details as rows; field names come from the changed model where we have none."""
    return details_rows(event.details, event.target_type)
