"""Shared pieces of the accounts services."""

from __future__ import annotations

from typing import Any

from django.db import models

from zona.core.errors import Problem, ValidationFailed


def fail(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code=code, message=message, field=field)])


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems[0].message, problems=problems)


def as_changes(changes: dict[str, list[Any]]) -> dict[str, dict[str, Any]]:
    """Audit details of changed fields: `{"field": {"old": ..., "new": ...}}`."""

    def plain(value: Any) -> Any:
        if isinstance(value, models.Model):
            return getattr(value, "code", None) or str(value)
        return value

    return {f: {"old": plain(old), "new": plain(new)} for f, (old, new) in changes.items()}
