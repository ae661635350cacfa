"""Who sees and acts on nominations (the TPN's stages).

- The TPN (national evaluators) and the system administrator see every nomination; only
  the TPN acts on the stages.
- The unit's people and its agency see their nominations (ASSESSMENT_VIEW on the unit);
  the agency's administrator or head appeals a failed selection; the unit's people (or the
  agency's administrator or head) upload what a follow-up asks for.

A nomination outside the user's sight is a 404, the same as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from zona.accounts.access import (
    Perm,
    assignments_of,
    filter_by_unit_scope,
    is_system_admin,
    user_can,
)
from zona.accounts.models import Role, Unit
from zona.national.models import Nomination


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404 from None


def is_tpn_member(user: Any) -> bool:
    """A national evaluator (TPN member): acts on the nominations' stages."""
    return any(a.role == Role.NATIONAL_EVALUATOR and a.unit is None for a in assignments_of(user))


def sees_all_nominations(user: Any) -> bool:
    return is_tpn_member(user) or is_system_admin(user)


def nominations_visible_to(user: Any) -> QuerySet[Nomination]:
    qs = Nomination.objects.select_related("unit", "proposal", "proposal__agency", "assessment")
    if sees_all_nominations(user):
        return qs
    return filter_by_unit_scope(qs, user, Perm.ASSESSMENT_VIEW)


def access_nomination_by_id(user: Any, nomination_id: object) -> Nomination:
    """The nomination when the user may see it; else 404."""
    try:
        nomination = Nomination.objects.select_related(
            "unit", "proposal", "proposal__agency", "assessment", "assessment__period"
        ).get(pk=_int(nomination_id))
    except Nomination.DoesNotExist:
        raise Http404 from None
    if not sees_all_nominations(user) and not user_can(user, Perm.ASSESSMENT_VIEW, nomination.unit):
        raise Http404
    return nomination


def agency_of(nomination: Nomination) -> Unit:
    return nomination.proposal.agency


def speaks_for_agency(user: Any, agency: Unit) -> bool:
    """The agency's administrator or head (on its root unit): who appeals for the agency."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    for a in assignments_of(user):
        if a.unit is None or a.role not in (Role.AGENCY_ADMIN, Role.UNIT_HEAD):
            continue
        if a.unit.pk == agency.pk:
            return True
    return False


def may_upload_follow_up(user: Any, nomination: Nomination) -> bool:
    """The unit's people who edit its sheet, or the agency's administrator or head."""
    return user_can(user, Perm.ASSESSMENT_EDIT, nomination.unit) or speaks_for_agency(
        user, agency_of(nomination)
    )
