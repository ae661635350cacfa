"""Reads with meaning: lists for the administration pages, the MFA rule."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from zona.accounts.access import (
    AnyUser,
    Perm,
    assignments_of,
    manageable_units,
    manageable_users,
    units_with_subtree_where,
)
from zona.accounts.models import ReviewTier, Role, RoleAssignment, ServiceType, Unit, User

REVIEW_ROLES = frozenset({Role.REVIEWER, Role.NATIONAL_EVALUATOR})
# Roles an agency's MFA switch covers: its reviewers and its administrators.
AGENCY_MFA_ROLES = frozenset({Role.REVIEWER, Role.AGENCY_ADMIN})
# Roles above every agency: covered by settings.ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES.
NATIONAL_MFA_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.NATIONAL_EVALUATOR})


def mfa_required_for(user: AnyUser) -> bool:
    """True when the user must sign in with TOTP.

    National evaluators, system administrators and Django staff always must (unless the
    setting turns it off); reviewers and administrators of an agency must when the agency
    demands it.
    """
    if not user.is_authenticated:
        return False
    assignments = assignments_of(user)
    if settings.ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES and (
        user.is_superuser or user.is_staff or any(a.role in NATIONAL_MFA_ROLES for a in assignments)
    ):
        return True
    agency_paths = {
        a.unit.agency_path for a in assignments if a.role in AGENCY_MFA_ROLES and a.unit
    }
    if not agency_paths:
        return False
    return Unit.objects.filter(
        path__in=agency_paths, depth=1, mfa_required_for_reviewers=True
    ).exists()


def units_for_admin(
    user: AnyUser, *, q: str = "", kind: str = "", under: Unit | None = None
) -> QuerySet[Unit]:
    """Units the user manages, in tree order (materialised path), filtered."""
    units = manageable_units(user)
    if under is not None:
        units = units.filter(path__startswith=under.path)
    if q:
        units = units.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(short_name__icontains=q)
            | Q(region__icontains=q)
        )
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("path")


def parents_of(units: Iterable[Unit]) -> dict[int, Unit]:
    """The parent of each unit (by unit id), in one query."""
    units = list(units)
    paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    by_path = {p.path: p for p in Unit.objects.filter(path__in=paths)}
    return {
        u.pk: by_path[u.path[: -Unit.steplen]]
        for u in units
        if u.depth > 1 and u.path[: -Unit.steplen] in by_path
    }


def parent_of(unit: Unit) -> Unit | None:
    return Unit.objects.get_parent(unit)


def parent_choices(user: AnyUser, *, keep: Unit | None = None) -> QuerySet[Unit]:
    """Units under which the user may add or move a unit: their whole-subtree scope.

    `keep` (a unit's current parent) stays selectable even when it lies above that scope.
    """
    units = units_with_subtree_where(user, Perm.UNIT_MANAGE)
    if keep is not None:
        units = units | Unit.objects.filter(pk=keep.pk)
    return units


def with_parent_id(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units annotated with `parent_id` for the API."""
    # The parent's path is the unit's path minus one step: a correlated subquery, no N+1.
    parent = Unit.objects.filter(
        path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Unit.steplen)
    ).values("pk")[:1]
    return units.annotate(parent_id=Subquery(parent))


def unit_with_parent_id(unit: Unit) -> Unit:
    """An already-authorised unit again, annotated like `with_parent_id`."""
    return with_parent_id(Unit.objects.filter(pk=unit.pk)).get()


def service_types_of(unit: Unit) -> list[ServiceType]:
    return list(ServiceType.objects.filter(unit=unit).order_by("code"))


def national_review_tiers() -> QuerySet[ReviewTier]:
    """The review tiers above every agency, in rank order."""
    return ReviewTier.objects.filter(agency__isnull=True).order_by("rank")


def ancestors_of(unit: Unit) -> list[Unit]:
    """The unit's ancestors from the agency down, in one query (for breadcrumbs)."""
    paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


def users_for_admin(
    user: AnyUser, *, q: str = "", role: str = "", active: str = ""
) -> QuerySet[User]:
    users = manageable_users(user)
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(nip__icontains=q)
        )
    if role:
        users = users.filter(role_assignments__role=role).distinct()
    if active in ("0", "1"):
        users = users.filter(is_active=active == "1")
    return (
        users.select_related("home_unit")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("unit", "review_tier").order_by(
                    "role", "id"
                ),
            )
        )
        .order_by("username")
    )


def working_group_of(unit: Unit) -> list[RoleAssignment]:
    """The unit's working-group assignments with their people, by name."""
    return list(
        RoleAssignment.objects.filter(unit=unit, role=Role.WORKING_GROUP)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )


def role_assignments_of(account: User) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(user=account)
        .select_related("unit", "review_tier", "review_tier__agency")
        .order_by("role", "id")
    )
