"""Who may see what of the predicates part. Missing and forbidden are the same 404.

- A predicate: the national users (system administrator, TPN) and whoever sees its unit.
- An agency's register and history: whoever sees the agency root (national users too).
- A monitoring round: the national users, the monitors of its kind in its agency, and
  whoever sees the predicate's unit (reading); acting is the monitor's (tables/monitoring.py).
- The monitors of an agency: its administrator (UNIT_MANAGE on the root).
- A unit's history: whoever sees the unit, and the national users.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zona.accounts.access import (
    Perm,
    access_agency_by_id,
    access_unit_by_id,
    is_system_admin,
    user_can,
)
from zona.accounts.models import Unit
from zona.core.api.params import int_or_none
from zona.national.models import MonitoringRound, Predicate
from zona.national.selectors.predicates import is_monitor, is_national


def _pk(raw: Any) -> int:
    value = int_or_none(str(raw))
    if value is None:
        raise Http404
    return value


def access_predicate_by_id(user: Any, predicate_id: Any) -> Predicate:
    try:
        predicate = Predicate.objects.select_related("unit", "revocation").get(pk=_pk(predicate_id))
    except Predicate.DoesNotExist:
        raise Http404 from None
    if is_national(user) or user_can(user, Perm.UNIT_VIEW, predicate.unit):
        return predicate
    raise Http404


def access_register_agency(user: Any, agency_id: Any) -> Unit:
    """An agency root whose register and history the user may read."""
    try:
        unit = Unit.objects.get(pk=_pk(agency_id), depth=1)
    except Unit.DoesNotExist:
        raise Http404 from None
    if is_national(user) or user_can(user, Perm.UNIT_VIEW, unit):
        return unit
    raise Http404


def access_monitor_agency(user: Any, agency_id: Any) -> Unit:
    """An agency whose monitors the user sets (its administrator, the system admin)."""
    return access_agency_by_id(user, _pk(agency_id))


def access_history_unit(user: Any, unit_id: Any) -> Unit:
    if is_national(user):
        try:
            return Unit.objects.get(pk=_pk(unit_id))
        except Unit.DoesNotExist:
            raise Http404 from None
    return access_unit_by_id(user, _pk(unit_id))


def access_monitoring_round_by_id(user: Any, round_id: Any) -> MonitoringRound:
    try:
        rnd = MonitoringRound.objects.select_related(
            "predicate__unit", "predicate__revocation", "monitor", "agency", "assessment__period"
        ).get(pk=_pk(round_id))
    except MonitoringRound.DoesNotExist:
        raise Http404 from None
    if (
        is_national(user)
        or user_can(user, Perm.UNIT_VIEW, rnd.predicate.unit)
        or is_monitor(user, rnd)
    ):
        return rnd
    raise Http404


def may_record_predicates(user: Any) -> bool:
    """Recording an earlier year's decree is the system administrator's."""
    return is_system_admin(user)


def may_revoke(user: Any) -> bool:
    return is_national(user)
