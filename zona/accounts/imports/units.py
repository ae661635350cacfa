"""Checking a unit import against the tree and the admin's scope, and planning the changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zona.accounts.access import AnyUser, Perm, covers_subtree_of, is_system_admin, user_can
from zona.accounts.imports.reader import RawRow, header_problems
from zona.accounts.imports.rows import UnitRow, parse_row
from zona.accounts.models import ServiceType, Unit
from zona.accounts.services.units import unit_problems
from zona.core.errors import Problem

UNIT_COLUMNS = (
    "code",
    "name",
    "short_name",
    "parent_code",
    "kind",
    "echelon",
    "region",
    "service_types",
)
UNIT_REQUIRED = ("code", "name", "parent_code", "kind")
UNIT_FIELDS = ("name", "short_name", "kind", "echelon", "region")
CHUNK = 500

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class UnitChange:
    row: UnitRow
    action: str
    existing: Unit | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class UnitPlan:
    problems: list[Problem] = field(default_factory=list)
    changes: list[UnitChange] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def ok(self) -> bool:
        return not self.problems


def units_by_code(codes: set[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    ordered = sorted(codes)
    for i in range(0, len(ordered), CHUNK):
        for unit in Unit.objects.filter(code__in=ordered[i : i + CHUNK]):
            found[unit.code] = unit
    return found


def _service_types_of(units: Sequence[Unit]) -> dict[int, dict[str, str]]:
    """Code → name of each unit's current service types, in one query per chunk."""
    found: dict[int, dict[str, str]] = {u.pk: {} for u in units}
    pks = sorted(found)
    for i in range(0, len(pks), CHUNK):
        for unit_id, code, name in ServiceType.objects.filter(
            unit_id__in=pks[i : i + CHUNK]
        ).values_list("unit_id", "code", "name"):
            found[unit_id][code] = name
    return found


def _service_type_change(row: UnitRow, current: dict[str, str]) -> list[Any] | None:
    """[before, after] of the listed types that are new or renamed; None when none are.
    Types the row does not list are kept, so they are not part of the change."""
    before, after = [], []
    for code, name in row.service_types:
        if current.get(code) == name:
            continue
        if code in current:
            before.append(f"{code}={current[code]}")
        after.append(f"{code}={name}")
    if not after:
        return None
    return ["; ".join(before), "; ".join(after)]


def _parent_codes(units: dict[str, Unit]) -> dict[str, str]:
    """The current parent code of each existing unit, in one query."""
    parent_paths = {u.path[: -Unit.steplen] for u in units.values() if u.depth > 1}
    by_path: dict[str, str] = {}
    ordered = sorted(parent_paths)
    for i in range(0, len(ordered), CHUNK):
        for path, code in Unit.objects.filter(path__in=ordered[i : i + CHUNK]).values_list(
            "path", "code"
        ):
            by_path[path] = code
    return {
        code: (by_path.get(u.path[: -Unit.steplen], "") if u.depth > 1 else "")
        for code, u in units.items()
    }


def validate_unit_rows(
    actor: AnyUser, headers: Sequence[str], raw_rows: Sequence[RawRow]
) -> UnitPlan:
    """Every problem of the file, by row and column, and what applying it would change."""
    plan = UnitPlan(problems=header_problems(headers, columns=UNIT_COLUMNS, required=UNIT_REQUIRED))
    if plan.problems:
        return plan
    rows: list[UnitRow] = []
    first_row_of: dict[str, int] = {}
    for raw in raw_rows:
        row, problems = parse_row(UnitRow, raw.row, raw.values)
        code = raw.values.get("code", "").strip().upper()
        # Checked on the raw cell, so a repeated code is reported even when the row has
        # other problems too.
        if code and code in first_row_of:
            problems.append(
                Problem(
                    "duplicate_in_file",
                    _("The code %(code)s is already on row %(row)d.")
                    % {"code": code, "row": first_row_of[code]},
                    "code",
                    raw.row,
                )
            )
        elif code:
            first_row_of[code] = raw.row
        plan.problems += problems
        if row is not None and not problems:
            rows.append(row)

    in_file = {r.code: r for r in rows if r.code}
    existing = units_by_code(
        {r.code for r in rows if r.code} | {r.parent_code for r in rows if r.parent_code}
    )
    current_parent = _parent_codes({c: u for c, u in existing.items() if c in in_file})
    current_services = _service_types_of(
        [existing[r.code] for r in rows if r.service_types and r.code in existing]
    )
    system_admin = is_system_admin(actor)

    for row in rows:
        problems = [
            Problem(p.code, p.message, p.field, row.row)
            for p in unit_problems(
                code=row.code,
                name=row.name,
                kind=row.kind,
                is_root=not row.parent_code,
                short_name=row.short_name,
                echelon=row.echelon,
                region=row.region,
                check_unique=False,
            )
        ]
        unit = existing.get(row.code)
        if unit is not None and not user_can(actor, Perm.UNIT_MANAGE, unit):
            problems.append(
                Problem(
                    "code_out_of_scope",
                    _("This code belongs to a unit outside your scope."),
                    "code",
                    row.row,
                )
            )
        problems += _parent_problems(
            actor, row, unit, existing, in_file, current_parent, system_admin
        )
        if problems:
            plan.problems += problems
            continue
        if unit is None:
            plan.changes.append(UnitChange(row=row, action=CREATE))
            continue
        changes = {
            f: [getattr(unit, f), getattr(row, f)]
            for f in UNIT_FIELDS
            if getattr(unit, f) != getattr(row, f)
        }
        services = _service_type_change(row, current_services.get(unit.pk, {}))
        if services is not None:
            changes["service_types"] = services
        plan.changes.append(
            UnitChange(
                row=row, action=UPDATE if changes else UNCHANGED, existing=unit, changes=changes
            )
        )
    plan.problems += _cycle_problems(rows, existing)
    plan.problems.sort(key=lambda p: (p.row or 0, p.field))
    return plan


def _parent_problems(
    actor: AnyUser,
    row: UnitRow,
    unit: Unit | None,
    existing: dict[str, Unit],
    in_file: dict[str, UnitRow],
    current_parent: dict[str, str],
    system_admin: bool,
) -> list[Problem]:
    def problem(code: str, message: str) -> list[Problem]:
        return [Problem(code, message, "parent_code", row.row)]

    if unit is not None:
        # Moving units changes who sees them; that is done on the unit's page, one at a time.
        if current_parent.get(row.code, "") != row.parent_code:
            return problem(
                "parent_changed",
                _("The unit exists under %(parent)s; move units on their own page.")
                % {"parent": current_parent.get(row.code) or "—"},
            )
        return []
    if not row.parent_code:
        if system_admin:
            return []
        return problem("required", _("Enter the code of the parent unit."))
    if row.parent_code == row.code:
        return problem("parent_cycle", _("A unit cannot be its own parent."))
    parent = existing.get(row.parent_code)
    if parent is not None:
        if not covers_subtree_of(actor, Perm.UNIT_MANAGE, parent):
            return problem("parent_out_of_scope", _("The parent unit is outside your scope."))
        return []
    if row.parent_code in in_file:
        return []  # checked on the parent's own row
    return problem(
        "unknown_parent",
        _("No unit has the code %(code)s, in the file or in Zona.") % {"code": row.parent_code},
    )


def _cycle_problems(rows: list[UnitRow], existing: dict[str, Unit]) -> list[Problem]:
    """New units whose chain of parents in the file never reaches an existing unit."""
    parent_of = {r.code: r.parent_code for r in rows if r.code and r.code not in existing}
    problems = []
    for row in rows:
        if row.code not in parent_of:
            continue
        seen = {row.code}
        code = parent_of[row.code]
        while code in parent_of:
            if code in seen:
                problems.append(
                    Problem(
                        "parent_cycle",
                        _("The parent codes of these rows go round in a circle."),
                        "parent_code",
                        row.row,
                    )
                )
                break
            seen.add(code)
            code = parent_of[code]
    return problems


def creation_order(changes: Sequence[UnitChange]) -> list[UnitChange]:
    """New units with parents before children; siblings by name, so treebeard appends."""
    new = {c.row.code: c for c in changes if c.action == CREATE}

    def depth(change: UnitChange) -> int:
        d, code = 0, change.row.parent_code
        while code in new:
            d, code = d + 1, new[code].row.parent_code
        return d

    return sorted(new.values(), key=lambda c: (depth(c), c.row.name.lower(), c.row.code))
