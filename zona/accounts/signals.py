"""Audit events for what people change on their own account through allauth's pages."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import (
    email_added,
    email_changed,
    email_removed,
    password_changed,
    password_reset,
)
from django.db import transaction
from django.dispatch import receiver

from zona.audit.services import audit_record


def _record(user: Any, action: str, details: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=action,
            target=user,
            unit=getattr(user, "home_unit", None),
            details=details,
        )


@receiver(email_added)
def _email_added(sender: Any, request: Any, user: Any, email_address: Any, **kwargs: Any) -> None:
    # With ACCOUNT_CHANGE_EMAIL the added address waits for its owner's confirmation.
    _record(user, "account.email_added", {"email": email_address.email})


@receiver(email_changed)
def _email_changed(
    sender: Any,
    request: Any,
    user: Any,
    from_email_address: Any,
    to_email_address: Any,
    **kwargs: Any,
) -> None:
    old = from_email_address.email if from_email_address else ""
    _record(user, "account.email_changed", {"email": {"old": old, "new": to_email_address.email}})


@receiver(email_removed)
def _email_removed(sender: Any, request: Any, user: Any, email_address: Any, **kwargs: Any) -> None:
    _record(user, "account.email_removed", {"email": email_address.email})


@receiver(password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(user, "account.password_changed", {})


@receiver(password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record(user, "account.password_reset", {})
