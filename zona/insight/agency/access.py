"""Who opens an agency's or a subtree's dashboard, and who sets the agency's targets.

The dashboard shows every sheet of a subtree, so it opens for the roles that oversee one:
the agency administrator, viewers and reviewers whose assignment covers the whole subtree,
the TPN and system administrators. A unit's own operator or head (one unit, no subtree)
and anyone from another agency get the same 404 as for a missing agency.
"""

from __future__ import annotations

from django.http import Http404

from zona.accounts.access import AnyUser, Perm, assignments_of, user_can
from zona.accounts.models import GLOBAL_ROLES, Role, Unit
from zona.insight.models import AgencyTarget

DASHBOARD_ROLES = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.AGENCY_ADMIN,
        Role.VIEWER,
        Role.REVIEWER,
        Role.NATIONAL_EVALUATOR,
    }
)


def can_view_subtree_dashboard(user: AnyUser, unit: Unit) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for a in assignments_of(user):
        if a.role not in DASHBOARD_ROLES:
            continue
        if a.unit is None:
            if a.role in GLOBAL_ROLES:
                return True
            continue
        if a.covers_subtree and unit.path.startswith(a.unit.path):
            return True
    return False


def _unit(unit_id: object) -> Unit:
    try:
        return Unit.objects.get(pk=int(unit_id))  # type: ignore[call-overload]
    except (Unit.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def access_agency_dashboard(
    user: AnyUser, agency_id: object, unit_id: object = None
) -> tuple[Unit, Unit]:
    """(agency, scope): the agency root and the subtree the page shows (`unit_id`, which
    must lie in the agency; without it the agency, or for a user who oversees only part of
    it, the first subtree they oversee). 404 for anything else."""
    agency = _unit(agency_id)
    if not agency.is_agency:
        raise Http404
    if unit_id not in (None, ""):
        scope = _unit(unit_id)
        if not agency.contains(scope) or not can_view_subtree_dashboard(user, scope):
            raise Http404
        return agency, scope
    if can_view_subtree_dashboard(user, agency):
        return agency, agency
    covered = sorted(
        (
            a.unit
            for a in assignments_of(user)
            if a.role in DASHBOARD_ROLES
            and a.unit is not None
            and a.covers_subtree
            and agency.contains(a.unit)
        ),
        key=lambda u: u.path,
    )
    if not covered:
        raise Http404
    return agency, covered[0]


def access_agency_target(user: AnyUser, agency: Unit, target_id: object) -> AgencyTarget:
    """One of the agency's targets, for someone who sets them; else 404."""
    if not can_set_targets(user, agency):
        raise Http404
    try:
        return AgencyTarget.objects.get(agency=agency, pk=int(target_id))  # type: ignore[call-overload]
    except (AgencyTarget.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def can_set_targets(user: AnyUser, agency: Unit) -> bool:
    """The agency's administrators (and system administrators) set its targets."""
    return user_can(user, Perm.PERIOD_MANAGE, agency)
