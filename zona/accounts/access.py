"""Who may see and change what. Every view and endpoint asks these functions.

A permission is granted by a role assignment on a unit; an assignment that covers the
subtree grants it on every unit below too. Missing and forbidden objects give the same
404, so a user cannot probe which units exist outside their scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Protocol, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from zona.accounts.models import GLOBAL_ROLES, ReviewTier, Role, RoleAssignment, Unit, User

# Access functions accept the request's user as is: anonymous users simply hold nothing.
AnyUser: TypeAlias = User | AnonymousUser


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
    Role.NATIONAL_EVALUATOR: frozenset(_ALL_VIEW | {Perm.ASSESSMENT_REVIEW, Perm.SURVEY_VALIDATE}),
    Role.VIEWER: frozenset(_ALL_VIEW),
}


def assignments_of(user: AnyUser) -> list[RoleAssignment]:
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


def forget_assignments(user: AnyUser) -> None:
    for attr in ("_zona_assignments", "_zona_global_units"):
        if hasattr(user, attr):
            delattr(user, attr)


# --- the national scope (a port) --------------------------------------------------------------
#
# A national evaluator (TPN member) holds a global role, but evaluates nominations, not every
# sheet of every agency: the role covers only the units the national stage has nominated.
# Which those are is zona.national's to say (accounts never imports it): it registers a
# `NationalScope` in its AppConfig.ready(). Without one the role covers no unit.


class NationalScope(Protocol):
    def unit_ids(self) -> QuerySet[Any]:
        """A queryset of one column, the ids of the units in the national scope (used as a
        subquery)."""
        ...

    def desk_sheet_ids(self) -> QuerySet[Any]:
        """A queryset of one column, the ids of the sheets whose nomination waits for the
        national tier's own layer (its desk evaluation) now."""
        ...


class NoNationalScope:
    def unit_ids(self) -> QuerySet[Any]:
        return Unit.objects.none().values("pk")

    def desk_sheet_ids(self) -> QuerySet[Any]:
        return Unit.objects.none().values("pk")


_national_scope: NationalScope = NoNationalScope()


def register_national_scope(scope: NationalScope) -> NationalScope:
    """Make `scope` the national evaluators' units; returns the one it replaces."""
    global _national_scope  # the registry is this one module-level slot
    previous, _national_scope = _national_scope, scope
    return previous


def national_scope() -> NationalScope:
    return _national_scope


def assignment_units(assignment: RoleAssignment, prefix: str = "") -> Q | None:
    """The units one role assignment covers, as a filter on units (or, through `prefix`,
    on a relation to units): None when it covers no unit, an empty Q when it covers every
    unit. The one place a scope is turned into a query: the national evaluator's global
    role covers the national scope's units (one subquery, whatever their number), not
    every unit; queries that need an assignment's units ask here, not the port."""
    a = assignment
    if a.unit is None:
        if a.role == Role.NATIONAL_EVALUATOR:
            return Q(**{f"{prefix}pk__in": _national_scope.unit_ids()})
        return Q() if a.role in GLOBAL_ROLES else None
    if a.covers_subtree:
        return Q(**{f"{prefix}path__startswith": a.unit.path})
    return Q(**{f"{prefix}pk": a.unit.pk})


def _units_of(user: AnyUser, assignment: RoleAssignment) -> frozenset[int]:
    """The ids of the units a global assignment with a limited scope (the national
    evaluator's) covers; its scope is its role's, so they are read once per role and user
    object."""
    cache: dict[str, frozenset[int]] = user.__dict__.setdefault("_zona_global_units", {})
    if assignment.role not in cache:
        units = assignment_units(assignment)
        cache[assignment.role] = frozenset(
            Unit.objects.filter(units).values_list("pk", flat=True) if units else ()
        )
    return cache[assignment.role]


def _covers(assignment: RoleAssignment, unit: Unit, user: AnyUser) -> bool:
    if assignment.unit is None:
        units = assignment_units(assignment)
        return units is not None and (not units or unit.pk in _units_of(user, assignment))
    if assignment.unit.pk == unit.pk:
        return True
    return assignment.covers_subtree and unit.path.startswith(assignment.unit.path)


def _granting(user: AnyUser, perm: Perm) -> Iterable[RoleAssignment]:
    return (a for a in assignments_of(user) if perm in ROLE_PERMS.get(a.role, frozenset()))


def user_can(user: AnyUser, perm: Perm, unit: Unit) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(_covers(a, unit, user) for a in _granting(user, perm))


def has_any_role(user: AnyUser, *roles: Role) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(a.role in roles for a in assignments_of(user))


def has_perm_anywhere(user: AnyUser, perm: Perm) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(True for _ in _granting(user, perm))


def _scope_q(assignments: Iterable[RoleAssignment], prefix: str = "") -> Q | None:
    """A filter on units (or on a relation to units via `prefix`) for these assignments."""
    q: Q | None = None
    for a in assignments:
        part = assignment_units(a, prefix)
        if part is None:
            continue
        if not part:
            return Q()
        q = part if q is None else q | part
    return q


def units_where(user: AnyUser, perm: Perm) -> QuerySet[Unit]:
    """Units on which the user holds `perm`: one query, no tree walk."""
    if user.is_authenticated and user.is_superuser:
        return Unit.objects.all()
    q = _scope_q(_granting(user, perm))
    if q is None:
        return Unit.objects.none()
    return Unit.objects.filter(q)


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    return units_where(user, Perm.UNIT_VIEW)


def filter_by_unit_scope(
    qs: QuerySet, user: AnyUser, perm: Perm, unit_field: str = "unit"
) -> QuerySet:
    """Restrict any queryset with a FK to Unit to the units where the user holds `perm`."""
    if user.is_authenticated and user.is_superuser:
        return qs
    q = _scope_q(_granting(user, perm), prefix=f"{unit_field}__")
    if q is None:
        return qs.none()
    return qs.filter(q)


def lke_areas_for(user: AnyUser, unit: Unit) -> frozenset[str] | None:
    """LKE areas the user may edit on `unit`; None means every area.

    A working-group member is limited to the areas of their assignment; any other role
    with edit rights on the unit edits all areas.
    """
    if user.is_authenticated and user.is_superuser:
        return None
    areas: set[str] = set()
    limited = False
    for a in _granting(user, Perm.ASSESSMENT_EDIT):
        if not _covers(a, unit, user):
            continue
        if a.role != Role.WORKING_GROUP:
            return None
        limited = True
        areas.update(str(x) for x in a.lke_areas)
    return frozenset(areas) if limited else frozenset()


def review_tiers_for(user: AnyUser, unit: Unit) -> list:
    """The review tiers in which the user reviews `unit`."""
    tiers = []
    for a in _granting(user, Perm.ASSESSMENT_REVIEW):
        if a.review_tier is not None and _covers(a, unit, user):
            tiers.append(a.review_tier)
    return sorted({t.pk: t for t in tiers}.values(), key=lambda t: t.rank)


def access_unit_by_id(
    user: AnyUser, unit_id: int | str, *, perm: Perm = Perm.UNIT_VIEW, for_change: bool = False
) -> Unit:
    """The unit, when the user holds `perm` on it (UNIT_MANAGE with `for_change`); else 404."""
    if for_change and perm == Perm.UNIT_VIEW:
        perm = Perm.UNIT_MANAGE
    try:
        unit = Unit.objects.get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not user_can(user, perm, unit):
        raise Http404
    return unit


def is_system_admin(user: AnyUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(a.role == Role.SYSTEM_ADMIN and a.unit is None for a in assignments_of(user))


def covers_subtree_of(user: AnyUser, perm: Perm, unit: Unit) -> bool:
    """True when `perm` reaches the whole subtree below `unit`, not only the unit itself.

    An admin may hand out a sub-tree wide role only within a sub-tree they hold themselves.
    """
    if user.is_authenticated and user.is_superuser:
        return True
    for a in _granting(user, perm):
        if a.unit is None:
            # A global role covers every sub-tree only when it covers every unit (a national
            # evaluator covers nominated units, never a whole sub-tree).
            units = assignment_units(a)
            if units is not None and not units:
                return True
            continue
        if a.covers_subtree and unit.path.startswith(a.unit.path):
            return True
    return False


def units_with_subtree_where(user: AnyUser, perm: Perm) -> QuerySet[Unit]:
    """Units whose whole sub-tree the user holds `perm` on (where they may add sub-units)."""
    if user.is_authenticated and user.is_superuser:
        return Unit.objects.all()
    q = _scope_q(a for a in _granting(user, perm) if a.unit is None or a.covers_subtree)
    if q is None:
        return Unit.objects.none()
    return Unit.objects.filter(q)


def manageable_units(user: AnyUser) -> QuerySet[Unit]:
    return units_where(user, Perm.UNIT_MANAGE)


def manageable_agencies(user: AnyUser) -> QuerySet[Unit]:
    """Agency roots whose settings and review tiers the user may change."""
    return manageable_units(user).filter(depth=1)


def manageable_users(user: AnyUser) -> QuerySet[User]:
    """Accounts an admin may manage.

    The home unit must lie in the admin's scope, and so must every role the account holds:
    otherwise an agency admin could change the e-mail of an account with roles elsewhere
    (another agency, or a global role) and take it over through a password reset.
    """
    if is_system_admin(user):
        return User.objects.all()
    granting = list(_granting(user, Perm.USER_MANAGE))
    home_q = _scope_q(granting, prefix="home_unit__")
    if home_q is None:
        return User.objects.none()
    roles_q = _scope_q(granting, prefix="unit__")
    assert roles_q is not None  # built from the same assignments as home_q
    outside = RoleAssignment.objects.filter(user=OuterRef("pk")).filter(
        Q(unit__isnull=True) | ~roles_q
    )
    return User.objects.filter(home_q).filter(is_superuser=False).exclude(Exists(outside))


def access_user_by_id(user: AnyUser, user_id: int | str, *, for_change: bool = False) -> User:
    """An account the user manages; 404 for missing and for accounts outside their scope.

    Only admins look at other accounts, so viewing and changing need the same right.
    """
    try:
        return manageable_users(user).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assignable_roles(user: AnyUser) -> list[Role]:
    """Roles the user may hand out. Global roles are the system administrator's alone."""
    if is_system_admin(user):
        return list(Role)
    if not has_perm_anywhere(user, Perm.USER_MANAGE):
        return []
    return [r for r in Role if r not in GLOBAL_ROLES]


def can_assign_role(user: AnyUser, role: str, unit: Unit | None, *, covers_subtree: bool) -> bool:
    if role in GLOBAL_ROLES or unit is None:
        return is_system_admin(user)
    if not user_can(user, Perm.USER_MANAGE, unit):
        return False
    return not covers_subtree or covers_subtree_of(user, Perm.USER_MANAGE, unit)


def access_role_assignment_by_id(
    user: AnyUser, assignment_id: int | str, *, account: User
) -> RoleAssignment:
    """An assignment of `account` that the user may revoke or change; else 404."""
    try:
        assignment = RoleAssignment.objects.select_related("unit", "review_tier").get(
            pk=assignment_id, user=account
        )
    except (RoleAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_assign_role(
        user, assignment.role, assignment.unit, covers_subtree=assignment.covers_subtree
    ):
        raise Http404
    return assignment


def visible_review_tiers(user: AnyUser) -> QuerySet[ReviewTier]:
    """Tiers the user may pick when assigning roles: those of the agencies they administer.

    National tiers (no agency) go with global roles, which only a system admin assigns.
    """
    if is_system_admin(user):
        return ReviewTier.objects.select_related("agency").all()
    paths = {a.unit.agency_path for a in _granting(user, Perm.USER_MANAGE) if a.unit is not None}
    return ReviewTier.objects.filter(agency__path__in=paths).select_related("agency")


def access_review_tier_by_id(
    user: AnyUser, tier_id: int | str, *, for_change: bool = False
) -> ReviewTier:
    """A review tier. Changing one needs UNIT_MANAGE on its agency (national: system admin)."""
    try:
        tier = ReviewTier.objects.select_related("agency").get(pk=tier_id)
    except (ReviewTier.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if tier.agency is None:
        allowed = is_system_admin(user) if for_change else user.is_authenticated
    elif for_change:
        allowed = user_can(user, Perm.UNIT_MANAGE, tier.agency)
    else:
        allowed = user_can(user, Perm.UNIT_VIEW, tier.agency)
    if not allowed:
        raise Http404
    return tier


def access_agency_by_id(user: AnyUser, unit_id: int | str) -> Unit:
    """An agency root whose settings the user may change; 404 for any other unit."""
    unit = access_unit_by_id(user, unit_id, perm=Perm.UNIT_MANAGE)
    if not unit.is_agency:
        raise Http404
    return unit
