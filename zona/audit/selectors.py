from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from zona.accounts.access import AnyUser, Perm, filter_by_unit_scope
from zona.accounts.models import Unit
from zona.audit.models import AuditEvent


def audit_actions_seen(user: AnyUser) -> set[str]:
    """The action codes of the events the user may read (for the filter's choices)."""
    return set(
        filter_by_unit_scope(AuditEvent.objects.all(), user, Perm.AUDIT_VIEW)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )


def audit_events_for(
    user: AnyUser,
    *,
    action: str = "",
    actor: str = "",
    unit: Unit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Events on units where the user may read the audit log, newest first.

    Scope follows the units' current place in the tree (a join), so an event stays with its
    unit when the unit moves. Events without a unit (system-wide) are for system admins only.
    """
    qs = filter_by_unit_scope(AuditEvent.objects.all(), user, Perm.AUDIT_VIEW)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_repr__icontains=actor)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.select_related("unit")
