"""Applying a checked import: everything in one transaction, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.imports import (
    CREATE,
    UNCHANGED,
    UPDATE,
    RawRow,
    UnitPlan,
    UserPlan,
    validate_unit_rows,
    validate_user_rows,
)
from zona.accounts.imports.units import creation_order
from zona.accounts.models import Unit, User
from zona.accounts.services.units import ServiceTypeInput, unit_create, unit_update
from zona.accounts.services.users import role_assign, role_update, user_create, user_update
from zona.audit.services import audit_record
from zona.core.errors import ValidationFailed


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    roles_created: int = 0
    roles_updated: int = 0
    roles_unchanged: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.roles_created or self.roles_updated)


def _refuse(plan: UnitPlan | UserPlan) -> None:
    if plan.problems:
        raise ValidationFailed(
            _("The file has problems; nothing was imported."), problems=plan.problems
        )


def _service_types(pairs: Sequence[tuple[str, str]]) -> list[ServiceTypeInput]:
    # is_active stays None: the import adds and renames types, and leaves a type that was
    # deactivated on the unit's page deactivated.
    return [ServiceTypeInput(code=code, name=name) for code, name in pairs]


@transaction.atomic
def import_units(
    *, actor: User, headers: Sequence[str], rows: Sequence[RawRow], file_name: str = ""
) -> ImportResult:
    """Create and update units from checked rows. The rows are checked again here: the tree
    may have changed since the dry run."""
    plan = validate_unit_rows(actor, headers, rows)
    _refuse(plan)
    result = ImportResult(unchanged=plan.count(UNCHANGED))
    for change in plan.changes:
        if change.action != UPDATE:
            continue
        unit = change.existing
        assert unit is not None
        row = change.row
        unit_update(
            actor=actor,
            unit=unit,
            parent=Unit.objects.get_parent(unit),
            code=unit.code,
            name=row.name,
            kind=row.kind,
            short_name=row.short_name,
            echelon=row.echelon,
            region=row.region,
            is_active=unit.is_active,
            service_types=_service_types(row.service_types),
        )
        result.updated += 1
    created: dict[str, Unit] = {}
    for change in creation_order(plan.changes):
        row = change.row
        parent = None
        if row.parent_code:
            parent = created.get(row.parent_code) or Unit.objects.get(code=row.parent_code)
        created[row.code] = unit_create(
            actor=actor,
            parent=parent,
            code=row.code,
            name=row.name,
            kind=row.kind,
            short_name=row.short_name,
            echelon=row.echelon,
            region=row.region,
            service_types=_service_types(row.service_types),
        )
        result.created += 1
    if result.changed:
        audit_record(
            actor=actor,
            action="import.units",
            details={
                "file": file_name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            unit=actor.home_unit,
        )
    return result


@transaction.atomic
def import_users(
    *, actor: User, headers: Sequence[str], rows: Sequence[RawRow], file_name: str = ""
) -> ImportResult:
    """Create and update accounts and add or widen their roles; never revokes a role."""
    plan = validate_user_rows(actor, headers, rows)
    _refuse(plan)
    result = ImportResult(
        unchanged=plan.count(UNCHANGED), roles_unchanged=plan.count(UNCHANGED, roles=True)
    )
    users: dict[str, User] = {}
    for account in plan.accounts:
        row = account.row
        if account.action == CREATE:
            users[row.username] = user_create(
                actor=actor,
                username=row.username,
                email=row.email,
                home_unit=account.home_unit,
                full_name=row.full_name,
                nip=row.nip,
                is_active=row.active,
                send_welcome=True,
            )
            result.created += 1
            continue
        assert account.existing is not None
        users[row.username] = account.existing
        if account.action == UPDATE:
            users[row.username] = user_update(
                actor=actor,
                user=account.existing,
                email=row.email,
                home_unit=account.home_unit,
                full_name=row.full_name,
                nip=row.nip,
                is_active=row.active,
            )
            result.updated += 1
    for role in plan.roles:
        row = role.row
        if role.action == CREATE:
            role_assign(
                actor=actor,
                user=users[row.username],
                role=row.role,
                unit=role.unit,
                covers_subtree=row.covers_subtree,
                review_tier=role.tier,
                lke_areas=row.lke_areas,
            )
            result.roles_created += 1
        elif role.action == UPDATE:
            assert role.existing is not None
            role_update(
                actor=actor,
                assignment=role.existing,
                covers_subtree=row.covers_subtree,
                lke_areas=row.lke_areas,
            )
            result.roles_updated += 1
    if result.changed:
        audit_record(
            actor=actor,
            action="import.users",
            details={
                "file": file_name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "roles_created": result.roles_created,
                "roles_updated": result.roles_updated,
                "roles_unchanged": result.roles_unchanged,
            },
            unit=actor.home_unit,
        )
    return result
