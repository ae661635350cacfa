"""Who may see and change what. Every view and endpoint asks these functions.

A permission is granted by a role assignment on a unit; an assignment that covers the
subtree grants it on every unit below too. Missing and forbidden objects give the same
404, so a user cannot probe which units exist outside their scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from zona.accounts.models import GLOBAL_ROLES, Role, RoleAssignment, Unit, User


class Perm(StrEnum):
    UNIT_VIEW = "unit.view"
    UNIT_MANAGE = "unit.manage"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"
    PERIOD_MANAGE = "period.manage"
    ASSESSMENT_VIEW = "assessment.view"
    ASSESSMENT_EDIT = "assessment.edit"
    ASSESSMENT_ASSIGN = "assessment.assign"
    ASSESSMENT_SUBMIT = "assessment.submit"
    ASSESSMENT_REVIEW = "assessment.review"
    EVIDENCE_EDIT = "evidence.edit"
    SURVEY_VIEW = "survey.view"
    SURVEY_MANAGE = "survey.manage"
    SURVEY_VALIDATE = "survey.validate"


_ALL_VIEW = {Perm.UNIT_VIEW, Perm.ASSESSMENT_VIEW, Perm.SURVEY_VIEW}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.SYSTEM_ADMIN: frozenset(Perm),
    Role.AGENCY_ADMIN: frozenset(
        _ALL_VIEW
        | {
            Perm.UNIT_MANAGE,
            Perm.USER_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.PERIOD_MANAGE,
            Perm.SURVEY_MANAGE,
        }
    ),
    Role.UNIT_OPERATOR: frozenset(
        _ALL_VIEW
        | {
            Perm.ASSESSMENT_EDIT,
            Perm.ASSESSMENT_ASSIGN,
            Perm.EVIDENCE_EDIT,
            Perm.SURVEY_MANAGE,
        }
    ),
    # Limited further to the assignment's LKE areas by `lke_areas_for`.
    Role.WORKING_GROUP: frozenset(_ALL_VIEW | {Perm.ASSESSMENT_EDIT, Perm.EVIDENCE_EDIT}),
    Role.UNIT_HEAD: frozenset(
        _ALL_VIEW
        | {
            Perm.ASSESSMENT_EDIT,
            Perm.ASSESSMENT_ASSIGN,
            Perm.ASSESSMENT_SUBMIT,
            Perm.EVIDENCE_EDIT,
            Perm.SURVEY_MANAGE,
        }
    ),
    Role.REVIEWER: frozenset(_ALL_VIEW | {Perm.ASSESSMENT_REVIEW, Perm.SURVEY_VALIDATE}),
    Role.NATIONAL_EVALUATOR: frozenset(
        _ALL_VIEW | {Perm.ASSESSMENT_REVIEW, Perm.SURVEY_VALIDATE}
    ),
    Role.VIEWER: frozenset(_ALL_VIEW),
}


def assignments_of(user: User) -> list[RoleAssignment]:
    """The user's assignments, loaded once per request object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_zona_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).select_related("unit", "review_tier")
        )
        user._zona_assignments = cached  # type: ignore[attr-defined]
    return cached


def forget_assignments(user: User) -> None:
    if hasattr(user, "_zona_assignments"):
        del user._zona_assignments


def _covers(assignment: RoleAssignment, unit: Unit) -> bool:
    if assignment.unit is None:
        return assignment.role in GLOBAL_ROLES
    if assignment.unit.pk == unit.pk:
        return True
    return assignment.covers_subtree and unit.path.startswith(assignment.unit.path)


def _granting(user: User, perm: Perm) -> Iterable[RoleAssignment]:
    return (a for a in assignments_of(user) if perm in ROLE_PERMS.get(a.role, frozenset()))


def user_can(user: User, perm: Perm, unit: Unit) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(_covers(a, unit) for a in _granting(user, perm))


def has_any_role(user: User, *roles: Role) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(a.role in roles for a in assignments_of(user))


def has_perm_anywhere(user: User, perm: Perm) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(True for _ in _granting(user, perm))


def _scope_q(assignments: Iterable[RoleAssignment], prefix: str = "") -> Q | None:
    """A filter on units (or on a relation to units via `prefix`) for these assignments."""
    q: Q | None = None
    for a in assignments:
        if a.unit is None:
            if a.role in GLOBAL_ROLES:
                return Q()
            continue
        part = (
            Q(**{f"{prefix}path__startswith": a.unit.path})
            if a.covers_subtree
            else Q(**{f"{prefix}pk": a.unit.pk})
        )
        q = part if q is None else q | part
    return q


def units_where(user: User, perm: Perm) -> QuerySet[Unit]:
    """Units on which the user holds `perm`: one query, no tree walk."""
    if user.is_authenticated and user.is_superuser:
        return Unit.objects.all()
    q = _scope_q(_granting(user, perm))
    if q is None:
        return Unit.objects.none()
    return Unit.objects.filter(q)


def units_visible_to(user: User) -> QuerySet[Unit]:
    return units_where(user, Perm.UNIT_VIEW)


def filter_by_unit_scope(qs: QuerySet, user: User, perm: Perm, unit_field: str = "unit") -> QuerySet:
    """Restrict any queryset with a FK to Unit to the units where the user holds `perm`."""
    if user.is_authenticated and user.is_superuser:
        return qs
    q = _scope_q(_granting(user, perm), prefix=f"{unit_field}__")
    if q is None:
        return qs.none()
    return qs.filter(q)


def lke_areas_for(user: User, unit: Unit) -> frozenset[str] | None:
    """LKE areas the user may edit on `unit`; None means every area.

    A working-group member is limited to the areas of their assignment; any other role
    with edit rights on the unit edits all areas.
    """
    if user.is_authenticated and user.is_superuser:
        return None
    areas: set[str] = set()
    limited = False
    for a in _granting(user, Perm.ASSESSMENT_EDIT):
        if not _covers(a, unit):
            continue
        if a.role != Role.WORKING_GROUP:
            return None
        limited = True
        areas.update(str(x) for x in a.lke_areas)
    return frozenset(areas) if limited else frozenset()


def review_tiers_for(user: User, unit: Unit) -> list:
    """The review tiers in which the user reviews `unit`."""
    tiers = []
    for a in _granting(user, Perm.ASSESSMENT_REVIEW):
        if a.review_tier is not None and _covers(a, unit):
            tiers.append(a.review_tier)
    return sorted({t.pk: t for t in tiers}.values(), key=lambda t: t.rank)


def access_unit_by_id(user: User, unit_id: int, *, perm: Perm = Perm.UNIT_VIEW) -> Unit:
    try:
        unit = Unit.objects.get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not user_can(user, perm, unit):
        raise Http404
    return unit


def manageable_users(user: User) -> QuerySet[User]:
    """Accounts an admin may manage: those whose home unit is in the admin's scope."""
    if user.is_authenticated and user.is_superuser:
        return User.objects.all()
    q = _scope_q(_granting(user, Perm.USER_MANAGE), prefix="home_unit__")
    if q is None:
        return User.objects.none()
    return User.objects.filter(q)


def access_user_by_id(user: User, user_id: int) -> User:
    try:
        return manageable_users(user).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
