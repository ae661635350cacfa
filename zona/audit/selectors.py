from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from zona.accounts.access import Perm, filter_by_unit_scope
from zona.audit.models import AuditEvent


def audit_events_for(
    user,
    *,
    action: str = "",
    actor: str = "",
    unit_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = filter_by_unit_scope(AuditEvent.objects.all(), user, Perm.AUDIT_VIEW)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_repr__icontains=actor)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.select_related("unit")
