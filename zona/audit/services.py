from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from zona.audit.models import AuditEvent


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    # Decimals, dates and lazy strings become plain JSON values.
    return json.loads(json.dumps(details, cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    unit: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        # An event outside a transaction could survive a change that rolled back.
        raise RuntimeError("audit_record must run inside transaction.atomic()")
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_repr=str(actor_obj) if actor_obj else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        unit=unit,
        unit_path=getattr(unit, "path", "") or "",
        details=_jsonable(details or {}),
    )
