"""Checking an import of accounts with their roles, and planning the changes.

One row per role; an account with three roles has three rows that repeat its own fields.
A row with an empty `role` only creates or updates the account. Importing never revokes a
role: that is done on the account's page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from zona.accounts.access import (
    AnyUser,
    Perm,
    can_assign_role,
    is_system_admin,
    manageable_users,
    user_can,
)
from zona.accounts.imports.reader import RawRow, header_problems
from zona.accounts.imports.rows import UserRow, parse_row
from zona.accounts.imports.units import CHUNK, CREATE, UNCHANGED, UPDATE, units_by_code
from zona.accounts.models import GLOBAL_ROLES, ReviewTier, RoleAssignment, Unit, User
from zona.accounts.services.users import role_problems, user_problems
from zona.core.errors import Problem

USER_COLUMNS = (
    "username",
    "email",
    "full_name",
    "nip",
    "home_unit_code",
    "active",
    "role",
    "role_unit_code",
    "covers_subtree",
    "review_tier",
    "lke_areas",
)
USER_REQUIRED = ("username", "email", "home_unit_code", "role", "role_unit_code")
ACCOUNT_FIELDS = ("email", "full_name", "nip", "home_unit_code", "active")
# Service problems name model fields; the file names columns.
COLUMN_OF = {"home_unit": "home_unit_code", "unit": "role_unit_code", "is_active": "active"}


@dataclass
class AccountChange:
    row: UserRow
    action: str
    home_unit: Unit | None
    existing: User | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class RoleChange:
    row: UserRow
    action: str
    unit: Unit | None
    tier: ReviewTier | None
    existing: RoleAssignment | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class UserPlan:
    problems: list[Problem] = field(default_factory=list)
    accounts: list[AccountChange] = field(default_factory=list)
    roles: list[RoleChange] = field(default_factory=list)

    def count(self, action: str, *, roles: bool = False) -> int:
        items: Sequence[AccountChange | RoleChange] = self.roles if roles else self.accounts
        return sum(1 for c in items if c.action == action)

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(p: Problem, row: int) -> Problem:
    return Problem(p.code, p.message, COLUMN_OF.get(p.field, p.field), row)


def _existing_users(
    usernames: set[str], emails: set[str]
) -> tuple[dict[str, User], dict[str, User]]:
    by_name: dict[str, User] = {}
    by_email: dict[str, User] = {}
    names, mails = sorted(usernames), sorted(emails)
    for i in range(0, max(len(names), len(mails)), CHUNK):
        qs = User.objects.annotate(lname=Lower("username"), lmail=Lower("email")).filter(
            Q(lname__in=names[i : i + CHUNK]) | Q(lmail__in=mails[i : i + CHUNK])
        )
        for u in qs.select_related("home_unit"):
            by_name.setdefault(u.username.lower(), u)
            if u.email:
                by_email.setdefault(u.email.lower(), u)
    return by_name, by_email


def validate_user_rows(
    actor: AnyUser, headers: Sequence[str], raw_rows: Sequence[RawRow]
) -> UserPlan:
    plan = UserPlan(problems=header_problems(headers, columns=USER_COLUMNS, required=USER_REQUIRED))
    if plan.problems:
        return plan
    rows: list[UserRow] = []
    for raw in raw_rows:
        row, problems = parse_row(UserRow, raw.row, raw.values)
        plan.problems += problems
        if row is not None:
            rows.append(row)

    by_name, by_email = _existing_users(
        {r.username for r in rows if r.username}, {r.email for r in rows if r.email}
    )
    units = units_by_code(
        {r.home_unit_code for r in rows if r.home_unit_code}
        | {r.role_unit_code for r in rows if r.role_unit_code}
    )
    agency_paths = {u.agency_path for u in units.values()}
    tiers = {
        (t.agency.path if t.agency else "", t.code): t
        for t in ReviewTier.objects.filter(
            Q(agency__path__in=agency_paths) | Q(agency__isnull=True)
        ).select_related("agency")
    }
    existing_ids = sorted({u.pk for u in (*by_name.values(), *by_email.values())})
    manageable = set()
    for i in range(0, len(existing_ids), CHUNK):
        manageable |= set(
            manageable_users(actor)
            .filter(pk__in=existing_ids[i : i + CHUNK])
            .values_list("pk", flat=True)
        )
    assignments: dict[int, list[RoleAssignment]] = {}
    for i in range(0, len(existing_ids), CHUNK):
        for a in RoleAssignment.objects.filter(user_id__in=existing_ids[i : i + CHUNK]):
            assignments.setdefault(a.user_id, []).append(a)

    first_of_user: dict[str, UserRow] = {}
    user_of_email: dict[str, UserRow] = {}
    bad_users: set[str] = set()
    seen_roles: dict[tuple, int] = {}
    system_admin = is_system_admin(actor)

    for row in rows:
        first = first_of_user.get(row.username)
        if first is None:
            problems = _account_problems(
                actor, row, by_name, by_email, units, manageable, user_of_email, system_admin
            )
            first_of_user[row.username] = row
            if row.email:
                user_of_email.setdefault(row.email, row)
            if problems:
                plan.problems += problems
                bad_users.add(row.username)
            else:
                plan.accounts.append(_account_change(row, by_name.get(row.username), units))
        else:
            differing = [c for c in ACCOUNT_FIELDS if getattr(row, c) != getattr(first, c)]
            for column in differing:
                plan.problems.append(
                    Problem(
                        "inconsistent_account",
                        _("Differs from row %(row)d for the same username.") % {"row": first.row},
                        column,
                        row.row,
                    )
                )
        if not row.role:
            if row.role_unit_code or row.review_tier or row.lke_areas:
                plan.problems.append(Problem("required", _("Enter the role."), "role", row.row))
            continue
        key = (row.username, row.role, row.role_unit_code, row.review_tier)
        if key in seen_roles:
            plan.problems.append(
                Problem(
                    "duplicate_in_file",
                    _("The same role is already on row %(row)d.") % {"row": seen_roles[key]},
                    "role",
                    row.row,
                )
            )
            continue
        seen_roles[key] = row.row
        change, problems = _role_change(
            actor, row, units, tiers, by_name.get(row.username), assignments
        )
        plan.problems += problems
        if change is not None and row.username not in bad_users:
            plan.roles.append(change)
    plan.problems.sort(key=lambda p: (p.row or 0, p.field))
    return plan


def _account_problems(
    actor: AnyUser,
    row: UserRow,
    by_name: dict[str, User],
    by_email: dict[str, User],
    units: dict[str, Unit],
    manageable: set[int],
    user_of_email: dict[str, UserRow],
    system_admin: bool,
) -> list[Problem]:
    problems = [
        _problem(p, row.row)
        for p in user_problems(
            username=row.username,
            email=row.email,
            full_name=row.full_name,
            nip=row.nip,
            check_unique=False,
        )
    ]
    # Accounts outside the admin's scope stay invisible: a clash with one reads the same
    # whatever agency holds it, and never says that it is an account elsewhere.
    user = by_name.get(row.username)
    if user is not None and user.pk not in manageable:
        problems.append(
            Problem(
                "unavailable",
                _("This username cannot be used; choose another."),
                "username",
                row.row,
            )
        )
    owner = by_email.get(row.email)
    if row.email and owner is not None and owner.username.lower() != row.username:
        if owner.pk in manageable:
            message = _("Your account %(username)s already uses this e-mail address.") % {
                "username": owner.username
            }
            problems.append(Problem("duplicate_email", message, "email", row.row))
        else:
            problems.append(
                Problem(
                    "unavailable",
                    _("This e-mail address cannot be used; give another."),
                    "email",
                    row.row,
                )
            )
    other = user_of_email.get(row.email)
    if row.email and other is not None and other.username != row.username:
        problems.append(
            Problem(
                "duplicate_in_file",
                _("Row %(row)d gives this e-mail address to another username.")
                % {"row": other.row},
                "email",
                row.row,
            )
        )
    if not row.home_unit_code:
        if not system_admin:
            problems.append(
                Problem(
                    "required", _("Enter the code of the home unit."), "home_unit_code", row.row
                )
            )
    else:
        home = units.get(row.home_unit_code)
        if home is None:
            problems.append(
                Problem(
                    "unknown_unit",
                    _("No unit has the code %(code)s.") % {"code": row.home_unit_code},
                    "home_unit_code",
                    row.row,
                )
            )
        elif not user_can(actor, Perm.USER_MANAGE, home):
            problems.append(
                Problem(
                    "unit_out_of_scope",
                    _("This unit is outside your scope."),
                    "home_unit_code",
                    row.row,
                )
            )
    return problems


def _account_change(row: UserRow, user: User | None, units: dict[str, Unit]) -> AccountChange:
    home = units.get(row.home_unit_code) if row.home_unit_code else None
    if user is None:
        return AccountChange(row=row, action=CREATE, home_unit=home)
    current = {
        "email": user.email.lower(),
        "full_name": user.full_name,
        "nip": user.nip,
        "home_unit_code": user.home_unit.code if user.home_unit else "",
        "active": user.is_active,
    }
    changes = {
        f: [current[f], getattr(row, f)] for f in ACCOUNT_FIELDS if current[f] != getattr(row, f)
    }
    return AccountChange(
        row=row,
        action=UPDATE if changes else UNCHANGED,
        home_unit=home,
        existing=user,
        changes=changes,
    )


def _role_change(
    actor: AnyUser,
    row: UserRow,
    units: dict[str, Unit],
    tiers: dict[tuple[str, str], ReviewTier],
    user: User | None,
    assignments: dict[int, list[RoleAssignment]],
) -> tuple[RoleChange | None, list[Problem]]:
    problems: list[Problem] = []
    unit: Unit | None = None
    if row.role_unit_code:
        unit = units.get(row.role_unit_code)
        if unit is None:
            problems.append(
                Problem(
                    "unknown_unit",
                    _("No unit has the code %(code)s.") % {"code": row.role_unit_code},
                    "role_unit_code",
                    row.row,
                )
            )
            return None, problems
    elif row.role not in GLOBAL_ROLES:
        problems.append(
            Problem(
                "required",
                _("Enter the code of the unit this role applies to."),
                "role_unit_code",
                row.row,
            )
        )
        return None, problems
    covers = row.covers_subtree and unit is not None
    if not can_assign_role(actor, row.role, unit, covers_subtree=covers):
        problems.append(
            Problem(
                "role_out_of_scope",
                _("You cannot give this role on this unit."),
                "role_unit_code",
                row.row,
            )
        )
        return None, problems
    tier: ReviewTier | None = None
    if row.review_tier:
        agency_path = unit.agency_path if unit is not None else ""
        tier = tiers.get((agency_path, row.review_tier)) or tiers.get(("", row.review_tier))
        if tier is None:
            problems.append(
                Problem(
                    "unknown_tier",
                    _("The agency of this unit has no review tier %(code)s.")
                    % {"code": row.review_tier},
                    "review_tier",
                    row.row,
                )
            )
            return None, problems
    problems += [
        _problem(p, row.row)
        for p in role_problems(
            role=row.role,
            unit=unit,
            covers_subtree=covers,
            review_tier=tier,
            lke_areas=list(row.lke_areas),
        )
    ]
    if problems:
        return None, problems
    current = None
    if user is not None:
        current = next(
            (
                a
                for a in assignments.get(user.pk, [])
                if a.role == row.role
                and a.unit_id == (unit.pk if unit else None)
                and a.review_tier_id == (tier.pk if tier else None)
            ),
            None,
        )
    if current is None:
        return RoleChange(row=row, action=CREATE, unit=unit, tier=tier), []
    changes: dict[str, list[Any]] = {}
    if current.covers_subtree != covers:
        changes["covers_subtree"] = [current.covers_subtree, covers]
    if list(current.lke_areas) != list(row.lke_areas):
        changes["lke_areas"] = [list(current.lke_areas), list(row.lke_areas)]
    return (
        RoleChange(
            row=row,
            action=UPDATE if changes else UNCHANGED,
            unit=unit,
            tier=tier,
            existing=current,
            changes=changes,
        ),
        [],
    )
