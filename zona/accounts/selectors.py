"""Reads with meaning: lists for the administration pages, the MFA rule."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from zona.accounts.access import AnyUser, assignments_of, manageable_units, manageable_users
from zona.accounts.models import Role, RoleAssignment, Unit, User

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


def role_assignments_of(account: User) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(user=account)
        .select_related("unit", "review_tier", "review_tier__agency")
        .order_by("role", "id")
    )
