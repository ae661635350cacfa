"""The national administrator's settings: the rules of each program year (proposal deadline,
appeal and follow-up windows) and the national rules that are not per year. Saving a year
creates its row from `program_year(year)`'s defaults; every change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import is_system_admin
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed
from zona.national.models import NationalSettings, ProgramYear
from zona.national.selectors.core import national_settings, program_year

# Bounds of what a person types (not rules of the program: those are the values saved).
MAX_DAYS = 365
MAX_MONTHS = 120
MAX_NOTE = 5000


@dataclass(frozen=True)
class YearInput:
    proposal_deadline: dt.date | None
    appeal_window_days: int | None
    follow_up_days: int | None
    note: str = ""


@dataclass(frozen=True)
class SettingsInput:
    revocation_block_months: int | None
    monitoring_cycle_months: int | None
    public_registry: bool


def _national_admin(actor: Any) -> None:
    if not is_system_admin(actor):
        raise PermissionDenied(_("Only the national administrator changes these settings."))


def _count(value: int | None, field: str, maximum: int, problems: list[Problem]) -> None:
    if value is None or not 1 <= value <= maximum:
        problems.append(
            Problem(
                "invalid_number",
                _("Enter a whole number from 1 to %(max)s.") % {"max": maximum},
                field=field,
            )
        )


def _changes(row: Any, values: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for name, value in values.items():
        before = getattr(row, name)
        if before != value or row.pk is None:
            changed[name] = [
                before.isoformat() if isinstance(before, dt.date) else before,
                value.isoformat() if isinstance(value, dt.date) else value,
            ]
    return changed


def program_year_save(*, actor: Any, year: int, data: YearInput) -> ProgramYear:
    _national_admin(actor)
    problems: list[Problem] = []
    deadline = data.proposal_deadline
    if deadline is None:
        problems.append(
            Problem("required", _("Enter the proposal deadline."), field="proposal_deadline")
        )
    elif deadline.year != year:
        problems.append(
            Problem(
                "deadline_outside_year",
                _("The proposal deadline must fall in %(year)s.") % {"year": year},
                field="proposal_deadline",
            )
        )
    _count(data.appeal_window_days, "appeal_window_days", MAX_DAYS, problems)
    _count(data.follow_up_days, "follow_up_days", MAX_DAYS, problems)
    if len(data.note) > MAX_NOTE:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_NOTE}, field="note")
        )
    if problems:
        raise ValidationFailed(_("Check the values of the year."), problems=problems)
    with transaction.atomic():
        row = ProgramYear.objects.select_for_update().filter(year=year).first()
        if row is None:
            row = program_year(year)
        values = {
            "proposal_deadline": deadline,
            "appeal_window_days": data.appeal_window_days,
            "follow_up_days": data.follow_up_days,
            "note": data.note.strip(),
        }
        changed = _changes(row, values)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = actor
        row.save()
        audit_record(
            actor=actor,
            action="program_year.saved",
            target=row,
            details={"year": year, "changes": changed},
        )
    return row


def national_settings_save(*, actor: Any, data: SettingsInput) -> NationalSettings:
    _national_admin(actor)
    problems: list[Problem] = []
    _count(data.revocation_block_months, "revocation_block_months", MAX_MONTHS, problems)
    _count(data.monitoring_cycle_months, "monitoring_cycle_months", MAX_MONTHS, problems)
    if problems:
        raise ValidationFailed(_("Check the national settings."), problems=problems)
    with transaction.atomic():
        row = NationalSettings.objects.select_for_update().filter(pk=1).first()
        if row is None:
            row = national_settings()
            row._state.adding = True
        values = {
            "revocation_block_months": data.revocation_block_months,
            "monitoring_cycle_months": data.monitoring_cycle_months,
            "public_registry": bool(data.public_registry),
        }
        changed = _changes(row, values) if not row._state.adding else dict.fromkeys(values)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = actor
        row.save()
        audit_record(
            actor=actor,
            action="national_settings.saved",
            target=row,
            details={"changes": changed, **values},
        )
    return row
