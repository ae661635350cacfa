"""Units, their service types and agency settings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import (
    Perm,
    covers_subtree_of,
    is_system_admin,
    user_can,
)
from zona.accounts.models import (
    AGENCY_KINDS,
    ServiceType,
    Unit,
    UnitKind,
    User,
)
from zona.accounts.services._common import as_changes, fail, raise_if
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed

UNIT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")
MAX_ECHELON = 5


def normalize_unit_code(code: str) -> str:
    return code.strip().upper()


def unit_problems(
    *,
    code: str,
    name: str,
    kind: str,
    is_root: bool,
    short_name: str = "",
    echelon: int | None = None,
    region: str = "",
    exclude_pk: int | None = None,
    check_unique: bool = True,
) -> list[Problem]:
    """What is wrong with these unit fields (the services and the import share the rules).

    `check_unique=False` skips the one database query, for callers that check codes in bulk.
    """
    problems: list[Problem] = []
    if not code:
        problems.append(Problem("required", _("Enter a code."), "code"))
    elif len(code) > 64 or not UNIT_CODE_RE.match(code):
        problems.append(
            Problem(
                "invalid_code",
                _(
                    "A code has up to 64 letters, digits, dots, dashes or underscores, "
                    "and starts with a letter or digit."
                ),
                "code",
            )
        )
    elif check_unique:
        taken = Unit.objects.filter(code=code)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            problems.append(
                Problem("duplicate_code", _("Another unit already uses this code."), "code")
            )
    if not name.strip():
        problems.append(Problem("required", _("Enter a name."), "name"))
    elif len(name) > 255:
        problems.append(
            Problem("too_long", _("The name is too long (255 characters at most)."), "name")
        )
    if len(short_name) > 64:
        problems.append(
            Problem(
                "too_long", _("The short name is too long (64 characters at most)."), "short_name"
            )
        )
    if len(region) > 128:
        problems.append(
            Problem("too_long", _("The region is too long (128 characters at most)."), "region")
        )
    if kind not in UnitKind.values:
        problems.append(Problem("invalid_kind", _("Choose a valid kind of unit."), "kind"))
    elif is_root and kind not in AGENCY_KINDS:
        problems.append(
            Problem(
                "kind_level",
                _(
                    "A unit without a parent is an agency: "
                    "ministry, agency, province, regency or city."
                ),
                "kind",
            )
        )
    elif not is_root and kind in AGENCY_KINDS:
        problems.append(
            Problem(
                "kind_level",
                _("Ministries, agencies, provinces, regencies and cities have no parent unit."),
                "kind",
            )
        )
    if echelon is not None and not 1 <= echelon <= MAX_ECHELON:
        problems.append(Problem("invalid_echelon", _("The echelon level is 1 to 5."), "echelon"))
    return problems


def _check_can_place_under(actor: User, parent: Unit | None) -> None:
    if parent is None:
        if not is_system_admin(actor):
            raise PermissionDenied(_("Only a system administrator can create an agency."))
        return
    # The new unit must fall inside the actor's own scope, so the parent's sub-tree must.
    if not covers_subtree_of(actor, Perm.UNIT_MANAGE, parent):
        raise PermissionDenied(_("You cannot add units under this unit."))


@dataclass(frozen=True)
class ServiceTypeInput:
    code: str
    name: str
    # None keeps an existing type as it is (a new one starts active): the unit import has
    # no "active" column and must not undo a deactivation made on the unit's page.
    is_active: bool | None = None


def _sync_service_types(unit: Unit, items: Iterable[ServiceTypeInput]) -> list[str]:
    """Upsert the unit's service types by code; codes not listed stay as they are.

    Service types are never deleted here: surveys refer to them. Deactivate instead.
    """
    existing = {s.code: s for s in ServiceType.objects.filter(unit=unit)}
    changed: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in items:
        code = item.code.strip().upper()
        name = item.name.strip()
        if not code or not name:
            problems.append(
                Problem(
                    "required", _("Each service type needs a code and a name."), "service_types"
                )
            )
            continue
        if code in seen:
            problems.append(
                Problem(
                    "duplicate_code",
                    _("The service type code %(code)s appears twice.") % {"code": code},
                    "service_types",
                )
            )
            continue
        seen.add(code)
        current = existing.get(code)
        if current is None:
            is_active = True if item.is_active is None else item.is_active
            ServiceType.objects.create(unit=unit, code=code, name=name, is_active=is_active)
            changed.append(code)
            continue
        is_active = current.is_active if item.is_active is None else item.is_active
        if (current.name, current.is_active) != (name, is_active):
            current.name, current.is_active = name, is_active
            current.save(update_fields=["name", "is_active"])
            changed.append(code)
    raise_if(problems)
    return changed


@transaction.atomic
def unit_create(
    *,
    actor: User,
    parent: Unit | None,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    echelon: int | None = None,
    region: str = "",
    is_active: bool = True,
    service_types: Sequence[ServiceTypeInput] = (),
) -> Unit:
    _check_can_place_under(actor, parent)
    code = normalize_unit_code(code)
    name, short_name, region = name.strip(), short_name.strip(), region.strip()
    raise_if(
        unit_problems(
            code=code,
            name=name,
            kind=kind,
            is_root=parent is None,
            short_name=short_name,
            echelon=echelon,
            region=region,
        )
    )
    fields: dict[str, Any] = {
        "code": code,
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "echelon": echelon,
        "region": region,
        "is_active": is_active,
    }
    if parent is None:
        unit = Unit.objects.add_root(create_kwargs=fields)
    else:
        # Treebeard computes the child's path from the parent's current row.
        parent = Unit.objects.get(pk=parent.pk)
        unit = Unit.objects.add_child(parent, create_kwargs=fields)
    details: dict[str, Any] = {**fields, "parent": parent.code if parent else None}
    if service_types:
        details["service_types"] = _sync_service_types(unit, service_types)
    audit_record(actor=actor, action="unit.created", target=unit, unit=unit, details=details)
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: Unit,
    parent: Unit | None,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    echelon: int | None = None,
    region: str = "",
    is_active: bool = True,
    service_types: Sequence[ServiceTypeInput] | None = None,
) -> Unit:
    """Change a unit's fields, its parent (within the same agency) and its service types."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not user_can(actor, Perm.UNIT_MANAGE, unit):
        raise PermissionDenied(_("You cannot change this unit."))
    current_parent = Unit.objects.get_parent(unit)
    code = normalize_unit_code(code)
    name, short_name, region = name.strip(), short_name.strip(), region.strip()
    moved = (parent.pk if parent else None) != (current_parent.pk if current_parent else None)
    if moved:
        _check_move(actor, unit, parent)
    raise_if(
        unit_problems(
            code=code,
            name=name,
            kind=kind,
            is_root=parent is None,
            short_name=short_name,
            echelon=echelon,
            region=region,
            exclude_pk=unit.pk,
        )
    )
    if moved and parent is not None:
        Unit.objects.move(unit, Unit.objects.get(pk=parent.pk), "sorted-child")
        # The move rewrote paths in the database; carry on from the fresh row.
        unit = Unit.objects.get(pk=unit.pk)
        audit_record(
            actor=actor,
            action="unit.moved",
            target=unit,
            unit=unit,
            details={
                "from": current_parent.code if current_parent else None,
                "to": parent.code,
            },
        )
    new = {
        "code": code,
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "echelon": echelon,
        "region": region,
        "is_active": is_active,
    }
    changes = {f: [getattr(unit, f), v] for f, v in new.items() if getattr(unit, f) != v}
    if changes:
        for field, (_old, value) in changes.items():
            setattr(unit, field, value)
        unit.save(update_fields=list(changes))
    services_changed = _sync_service_types(unit, service_types) if service_types else []
    if changes or services_changed:
        details: dict[str, Any] = as_changes(changes)
        if services_changed:
            details["service_types"] = services_changed
        audit_record(actor=actor, action="unit.updated", target=unit, unit=unit, details=details)
    return unit


def _check_move(actor: User, unit: Unit, parent: Unit | None) -> None:
    if unit.is_agency or parent is None:
        raise fail("parent", "move_agency", _("Agencies stay at the top of the tree."))
    if parent.pk == unit.pk or parent.path.startswith(unit.path):
        raise fail(
            "parent", "move_cycle", _("A unit cannot be placed under itself or its sub-units.")
        )
    if parent.agency_path != unit.agency_path:
        raise fail("parent", "move_agency", _("A unit can only move within its own agency."))
    _check_can_place_under(actor, parent)


@transaction.atomic
def agency_set_mfa_required(*, actor: User, agency: Unit, required: bool) -> Unit:
    """Make TOTP mandatory (or not) for every reviewer of the agency."""
    agency = Unit.objects.select_for_update().get(pk=agency.pk)
    if not agency.is_agency:
        raise ValidationFailed(_("This setting belongs to an agency."))
    if not user_can(actor, Perm.UNIT_MANAGE, agency):
        raise PermissionDenied(_("You cannot change this agency's settings."))
    if agency.mfa_required_for_reviewers != required:
        agency.mfa_required_for_reviewers = required
        agency.save(update_fields=["mfa_required_for_reviewers"])
        audit_record(
            actor=actor,
            action="agency.mfa_required_changed",
            target=agency,
            unit=agency,
            details={"mfa_required_for_reviewers": required},
        )
    return agency
