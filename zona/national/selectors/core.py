"""What every part of the national stage reads: the rules (per year and national), whether a
unit is a candidate, which predicates it holds, and until when a revocation blocks it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Max

from zona.national.models import (
    Candidacy,
    CandidacyStatus,
    NationalSettings,
    Predicate,
    PredicateStatus,
    ProgramYear,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "program.yaml"


@cache
def program_data() -> dict[str, Any]:
    """`data/program.yaml`: the values a new year and the settings start from, the default
    eligibility checklist, the revocation grounds and the monitors by predicate kind."""
    doc: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    return doc


def program_year(year: int) -> ProgramYear:
    """The rules of `year`: the saved row, or an unsaved one with the file's defaults (the
    national administrator saves it when changing a value)."""
    row = ProgramYear.objects.filter(year=year).first()
    if row is not None:
        return row
    defaults = program_data()["year_defaults"]
    month, day = (int(x) for x in str(defaults["proposal_deadline"]).split("-"))
    return ProgramYear(
        year=year,
        proposal_deadline=dt.date(year, month, day),
        appeal_window_days=int(defaults["appeal_window_days"]),
        follow_up_days=int(defaults["follow_up_days"]),
    )


def national_settings() -> NationalSettings:
    """The national rules (one row; the file's defaults until the administrator saves)."""
    row = NationalSettings.objects.filter(pk=1).first()
    if row is not None:
        return row
    defaults = program_data()["settings_defaults"]
    return NationalSettings(
        pk=1,
        revocation_block_months=int(defaults["revocation_block_months"]),
        monitoring_cycle_months=int(defaults["monitoring_cycle_months"]),
        public_registry=bool(defaults["public_registry"]),
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months (the 29th-31st fall back to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def is_candidate(unit: Any, year: int) -> bool:
    return Candidacy.objects.filter(
        unit=unit, year=year, status=CandidacyStatus.DESIGNATED
    ).exists()


def held_kinds(unit_ids: Iterable[int], on: dt.date) -> dict[int, frozenset[str]]:
    """The predicate kinds each unit holds on `on` (decreed by then, not revoked)."""
    held: dict[int, set[str]] = {}
    for unit_id, kind in Predicate.objects.filter(
        unit_id__in=list(unit_ids), status=PredicateStatus.HELD, decree_date__lte=on
    ).values_list("unit_id", "kind"):
        held.setdefault(unit_id, set()).add(kind)
    return {k: frozenset(v) for k, v in held.items()}


def revocation_block(unit: Any, on: dt.date) -> dt.date | None:
    """The day until which a revocation blocks a new proposal of `unit` (exclusive: it may
    be proposed again on that day), or None when it is not blocked on `on`."""
    return Predicate.objects.filter(
        unit=unit, status=PredicateStatus.REVOKED, blocked_until__gt=on
    ).aggregate(m=Max("blocked_until"))["m"]


@dataclass(frozen=True)
class RegistryPredicates:
    """The sheet's port (zona/assessments/ports.py PredicateRegister) on the register. The
    framework names its predicates in lower case ("wbk"), the register in the decree's
    upper case ("WBK")."""

    def held(self, unit_ids: Iterable[int], on: Any) -> dict[int, frozenset[str]] | None:
        return {
            unit: frozenset(kind.lower() for kind in kinds)
            for unit, kinds in held_kinds(unit_ids, on).items()
        }
