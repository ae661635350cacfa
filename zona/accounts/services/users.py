"""Accounts and their role assignments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import (
    Perm,
    can_assign_role,
    forget_assignments,
    is_system_admin,
    manageable_users,
    user_can,
)
from zona.accounts.areas import area_problem, split_areas
from zona.accounts.models import (
    GLOBAL_ROLES,
    ReviewTier,
    Role,
    RoleAssignment,
    Unit,
    User,
)
from zona.accounts.services._common import as_changes, fail, raise_if
from zona.accounts.services.welcome import welcome_email_send
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed


def normalize_username(username: str) -> str:
    return username.strip().lower()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_problems(
    *,
    username: str,
    email: str,
    full_name: str = "",
    nip: str = "",
    exclude_pk: int | None = None,
    check_unique: bool = True,
) -> list[Problem]:
    """What is wrong with these account fields; `check_unique=False` skips the database."""
    problems: list[Problem] = []
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk is not None else User.objects.all()
    if not username:
        problems.append(Problem("required", _("Enter a username."), "username"))
    elif len(username) > 150 or not _username_ok(username):
        problems.append(
            Problem(
                "invalid_username",
                _("A username has up to 150 letters, digits and @ . + - _ only, without spaces."),
                "username",
            )
        )
    elif check_unique and others.filter(username__iexact=username).exists():
        problems.append(Problem("duplicate_username", _("This username is taken."), "username"))
    if not email:
        problems.append(Problem("required", _("Enter an e-mail address."), "email"))
    elif not _email_ok(email):
        problems.append(Problem("invalid_email", _("Enter a valid e-mail address."), "email"))
    elif check_unique and others.filter(email__iexact=email).exists():
        problems.append(
            Problem(
                "duplicate_email", _("Another account already uses this e-mail address."), "email"
            )
        )
    if len(full_name) > 255:
        problems.append(
            Problem("too_long", _("The name is too long (255 characters at most)."), "full_name")
        )
    if len(nip) > 32:
        problems.append(
            Problem("too_long", _("The NIP is too long (32 characters at most)."), "nip")
        )
    return problems


def _username_ok(username: str) -> bool:
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return False
    return True


def _email_ok(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _check_home_unit(actor: User, home_unit: Unit | None) -> None:
    if home_unit is None:
        if not is_system_admin(actor):
            raise fail("home_unit", "required", _("Choose the home unit of the account."))
    elif not user_can(actor, Perm.USER_MANAGE, home_unit):
        raise fail("home_unit", "out_of_scope", _("This unit is outside your scope."))


def _password_problems(password: str, user: User) -> list[Problem]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [Problem("weak_password", str(m), "password") for m in exc.messages]
    return []


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    email: str,
    home_unit: Unit | None,
    full_name: str = "",
    nip: str = "",
    is_active: bool = True,
    password: str | None = None,
    send_welcome: bool,
) -> User:
    """Create an account. With `send_welcome`, the person gets an e-mail with a link to set
    their password once the transaction commits (never for a rolled-back import)."""
    _check_home_unit(actor, home_unit)
    username, email = normalize_username(username), normalize_email(email)
    full_name, nip = full_name.strip(), nip.strip()
    problems = user_problems(username=username, email=email, full_name=full_name, nip=nip)
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        nip=nip,
        home_unit=home_unit,
        is_active=is_active,
    )
    if password:
        problems += _password_problems(password, user)
    raise_if(problems)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        target=user,
        unit=home_unit,
        details={
            "username": username,
            "email": email,
            "full_name": full_name,
            "nip": nip,
            "home_unit": home_unit.code if home_unit else None,
            "is_active": is_active,
            "password_set": bool(password),
        },
    )
    if send_welcome and user.email:
        user_id = user.pk
        # robust: an unreachable mail server must not fail a page or an import that has
        # already committed; the person can still use "Forgot password?".
        transaction.on_commit(lambda: welcome_email_send(user_id=user_id), robust=True)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    email: str,
    home_unit: Unit | None,
    full_name: str = "",
    nip: str = "",
    is_active: bool = True,
    password: str | None = None,
) -> User:
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You cannot change this account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if (home_unit.pk if home_unit else None) != user.home_unit_id:
        _check_home_unit(actor, home_unit)
    if user.pk == actor.pk and not is_active:
        raise fail("is_active", "self_deactivate", _("You cannot deactivate your own account."))
    email, full_name, nip = normalize_email(email), full_name.strip(), nip.strip()
    problems = user_problems(
        username=user.username, email=email, full_name=full_name, nip=nip, exclude_pk=user.pk
    )
    if password:
        problems += _password_problems(password, user)
    raise_if(problems)
    new: dict[str, Any] = {
        "email": email,
        "full_name": full_name,
        "nip": nip,
        "home_unit": home_unit,
        "is_active": is_active,
    }
    changes = {f: [getattr(user, f), v] for f, v in new.items() if getattr(user, f) != v}
    for field, (_old, value) in changes.items():
        setattr(user, field, value)
    if password:
        user.set_password(password)
    if changes or password:
        user.save()
    if "email" in changes:
        # allauth looks up password-reset addresses in its own table too; an old address
        # left there would still reach the account.
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
    if changes:
        audit_record(
            actor=actor,
            action="user.updated",
            target=user,
            unit=user.home_unit,
            details=as_changes(changes),
        )
    if password:
        audit_record(actor=actor, action="user.password_set", target=user, unit=user.home_unit)
    return user


# --- Role assignments ------------------------------------------------------------------


def normalize_areas(areas: Iterable[str]) -> list[str]:
    """Known areas spelled and ordered as the frameworks declare them, then unknown ones."""
    known, unknown = split_areas(areas)
    return known + unknown


def role_problems(
    *,
    role: str,
    unit: Unit | None,
    covers_subtree: bool,
    review_tier: ReviewTier | None,
    lke_areas: Sequence[str],
) -> list[Problem]:
    problems: list[Problem] = []
    if role not in Role.values:
        return [Problem("invalid_role", _("Choose a valid role."), "role")]
    if unit is None and role not in GLOBAL_ROLES:
        problems.append(Problem("required", _("Choose the unit this role applies to."), "unit"))
    if role == Role.REVIEWER:
        if review_tier is None:
            problems.append(
                Problem("tier_required", _("A reviewer needs a review tier."), "review_tier")
            )
        elif unit is not None and (
            review_tier.agency is None or review_tier.agency.path != unit.agency_path
        ):
            problems.append(
                Problem(
                    "tier_agency", _("Choose a review tier of this unit's agency."), "review_tier"
                )
            )
    elif role == Role.NATIONAL_EVALUATOR:
        if review_tier is not None and review_tier.agency is not None:
            problems.append(
                Problem(
                    "tier_agency",
                    _("A national evaluator takes a national review tier."),
                    "review_tier",
                )
            )
    elif review_tier is not None:
        problems.append(
            Problem("tier_not_allowed", _("Only reviewers have a review tier."), "review_tier")
        )
    bad_areas = area_problem(lke_areas)
    if bad_areas:
        problems.append(Problem("invalid_areas", bad_areas, "lke_areas"))
    elif role == Role.WORKING_GROUP and not lke_areas:
        problems.append(
            Problem(
                "areas_required",
                _("Choose the LKE areas of this working-group member."),
                "lke_areas",
            )
        )
    elif role != Role.WORKING_GROUP and lke_areas:
        problems.append(
            Problem(
                "areas_not_allowed",
                _("Only working-group members are limited to LKE areas."),
                "lke_areas",
            )
        )
    return problems


def _role_details(a: RoleAssignment) -> dict[str, Any]:
    return {
        "role": a.role,
        "unit": a.unit.code if a.unit else None,
        "covers_subtree": a.covers_subtree,
        "review_tier": a.review_tier.code if a.review_tier else None,
        "lke_areas": list(a.lke_areas),
    }


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    unit: Unit | None,
    covers_subtree: bool = False,
    review_tier: ReviewTier | None = None,
    lke_areas: Sequence[str] = (),
) -> RoleAssignment:
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You cannot change this account."))
    covers_subtree = covers_subtree and unit is not None
    areas = normalize_areas(lke_areas)
    # What is wrong with the request itself first (a missing unit is "choose a unit", not
    # "not allowed"), then whether this admin may give it.
    raise_if(
        role_problems(
            role=role,
            unit=unit,
            covers_subtree=covers_subtree,
            review_tier=review_tier,
            lke_areas=areas,
        )
    )
    if not can_assign_role(actor, role, unit, covers_subtree=covers_subtree):
        raise fail("unit", "out_of_scope", _("You cannot give this role on this unit."))
    if RoleAssignment.objects.filter(
        user=user, role=role, unit=unit, review_tier=review_tier
    ).exists():
        raise fail("role", "duplicate_role", _("This account already has this role on this unit."))
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        unit=unit,
        covers_subtree=covers_subtree,
        review_tier=review_tier,
        lke_areas=areas,
    )
    forget_assignments(user)
    audit_record(
        actor=actor,
        action="role.assigned",
        target=user,
        unit=unit or user.home_unit,
        details=_role_details(assignment),
    )
    return assignment


@transaction.atomic
def role_update(
    *, actor: User, assignment: RoleAssignment, covers_subtree: bool, lke_areas: Sequence[str]
) -> RoleAssignment:
    """Change the reach of an assignment (sub-units, LKE areas); role, unit and tier stay."""
    assignment = RoleAssignment.objects.select_related("unit", "review_tier", "user").get(
        pk=assignment.pk
    )
    covers_subtree = covers_subtree and assignment.unit is not None
    if not manageable_users(actor).filter(pk=assignment.user_id).exists() or not can_assign_role(
        actor, assignment.role, assignment.unit, covers_subtree=covers_subtree
    ):
        raise PermissionDenied(_("You cannot change this role."))
    areas = normalize_areas(lke_areas)
    raise_if(
        role_problems(
            role=assignment.role,
            unit=assignment.unit,
            covers_subtree=covers_subtree,
            review_tier=assignment.review_tier,
            lke_areas=areas,
        )
    )
    before = _role_details(assignment)
    if (assignment.covers_subtree, list(assignment.lke_areas)) == (covers_subtree, areas):
        return assignment
    assignment.covers_subtree, assignment.lke_areas = covers_subtree, areas
    assignment.save(update_fields=["covers_subtree", "lke_areas"])
    forget_assignments(assignment.user)
    after = _role_details(assignment)
    audit_record(
        actor=actor,
        action="role.updated",
        target=assignment.user,
        unit=assignment.unit or assignment.user.home_unit,
        details={"role": assignment.role}
        | as_changes({k: [before[k], after[k]] for k in after if before[k] != after[k]}),
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    assignment = RoleAssignment.objects.select_related("unit", "review_tier", "user").get(
        pk=assignment.pk
    )
    if not manageable_users(actor).filter(pk=assignment.user_id).exists() or not can_assign_role(
        actor, assignment.role, assignment.unit, covers_subtree=assignment.covers_subtree
    ):
        raise PermissionDenied(_("You cannot revoke this role."))
    if assignment.user_id == actor.pk and assignment.role in (Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN):
        # Nobody locks themselves out; another administrator has to do it.
        raise ValidationFailed(_("You cannot revoke your own administrator role."))
    details = _role_details(assignment)
    user = assignment.user
    audit_record(
        actor=actor,
        action="role.revoked",
        target=user,
        unit=assignment.unit or user.home_unit,
        details=details,
    )
    assignment.delete()
    forget_assignments(user)
