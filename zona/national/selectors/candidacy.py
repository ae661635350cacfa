"""Reads of the candidacy part (issue 11 §1): the rules from the data files, a unit's
declaration, pacts and eligibility for a year, why a designation is refused, and the
agency's candidates page (a fixed number of queries whatever the number of units)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zona.accounts.models import Unit
from zona.core.errors import Problem, Refusal
from zona.national.models import (
    Candidacy,
    CandidacyStatus,
    Declaration,
    EligibilityAnswer,
    EligibilityCriterion,
    IntegrityPact,
)
from zona.national.models.declaration import ROMAN
from zona.national.selectors.core import program_data

DATA = Path(__file__).resolve().parent.parent / "data" / "candidacy.yaml"


@cache
def candidacy_data() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    return doc


def max_echelon() -> int:
    """The lowest echelon (largest number) allowed to sign a declaration."""
    return int(program_data()["declaration_max_echelon"])


def echelon_choices() -> list[tuple[int, str]]:
    return [(n, ROMAN.get(n, str(n))) for n in range(1, max_echelon() + 1)]


def nip_digits() -> int:
    return int(candidacy_data()["nip_digits"])


def year_bounds(today: dt.date) -> tuple[int, int]:
    data = candidacy_data()
    return int(data["first_year"]), today.year + int(data["years_ahead"])


# --- the eligibility checklist ----------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """A criterion of the agency's checklist; `pk` None while the agency still uses the
    data file's defaults (nothing saved yet)."""

    pk: int | None
    code: str
    name: str
    active: bool
    position: int


def default_criteria(language: str | None = None) -> list[CriterionRow]:
    lang = (language or get_language() or "id")[:2]
    rows = []
    for position, item in enumerate(program_data().get("eligibility") or [], start=1):
        names = item["name"]
        rows.append(
            CriterionRow(
                pk=None,
                code=str(item["code"]),
                name=str(names.get(lang) or names.get("id") or item["code"]),
                active=True,
                position=position,
            )
        )
    return rows


def checklist(agency: Unit, *, active_only: bool = False) -> list[CriterionRow]:
    """The agency's checklist: its saved criteria, or the data file's defaults."""
    saved = list(EligibilityCriterion.objects.filter(agency=agency).order_by("position", "pk"))
    if not saved:
        return default_criteria()
    return [
        CriterionRow(pk=c.pk, code=c.code, name=c.name, active=c.active, position=c.position)
        for c in saved
        if c.active or not active_only
    ]


# --- one unit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PactSummary:
    total: int
    signed: int

    @property
    def percent(self) -> Decimal | None:
        """Signed pacts among the people in the roster, in percent (one decimal)."""
        if not self.total:
            return None
        value = Decimal(self.signed * 100) / Decimal(self.total)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def complete(self) -> bool:
        return bool(self.total) and self.signed == self.total


def pact_summaries(unit_ids: Iterable[int], year: int) -> dict[int, PactSummary]:
    rows = (
        IntegrityPact.objects.filter(unit_id__in=list(unit_ids), year=year, in_roster=True)
        .values("unit_id")
        .annotate(total=Count("pk"), signed=Count("pk", filter=Q(signed=True)))
    )
    return {r["unit_id"]: PactSummary(total=r["total"], signed=r["signed"]) for r in rows}


def pact_summary(unit: Unit, year: int) -> PactSummary:
    return pact_summaries([unit.pk], year).get(unit.pk, PactSummary(0, 0))


def roster(unit: Unit, year: int) -> list[IntegrityPact]:
    """The year's roster: people in it first, then those who left it (kept with their pact)."""
    return list(
        IntegrityPact.objects.filter(unit=unit, year=year).order_by("-in_roster", "name", "nip")
    )


def declaration_of(unit: Unit, year: int) -> Declaration | None:
    return Declaration.objects.filter(unit=unit, year=year).select_related("recorded_by").first()


@dataclass(frozen=True)
class EligibilityRow:
    criterion: CriterionRow
    answer: EligibilityAnswer | None

    @property
    def state(self) -> str:
        """ "yes", "no" or "missing"."""
        if self.answer is None:
            return "missing"
        return "yes" if self.answer.answer else "no"


def eligibility_rows(unit: Unit, year: int, *, agency: Unit | None = None) -> list[EligibilityRow]:
    """The agency's active criteria with the unit's answer for the year (None: none yet)."""
    agency = agency or unit.get_agency()
    answers = {
        a.criterion.code: a
        for a in EligibilityAnswer.objects.filter(
            unit=unit, year=year, criterion__agency=agency
        ).select_related("criterion", "answered_by")
    }
    return [
        EligibilityRow(criterion=c, answer=answers.get(c.code))
        for c in checklist(agency, active_only=True)
    ]


def designation_problems(unit: Unit, year: int) -> list[Problem]:
    """Why `unit` cannot be designated for `year` (empty: it can): no declaration, an
    eligibility criterion answered "no", or one not answered; each named."""
    problems: list[Problem] = []
    if not Declaration.objects.filter(unit=unit, year=year).exists():
        problems.append(
            Problem(
                "no_declaration",
                _("%(unit)s has no declaration (pencanangan) for %(year)s.")
                % {"unit": unit.name, "year": year},
            )
        )
    for row in eligibility_rows(unit, year):
        if row.state == "no":
            problems.append(
                Problem(
                    "eligibility_no",
                    _("Eligibility “%(criterion)s” is answered “no”.")
                    % {"criterion": row.criterion.name},
                    row.criterion.code,
                )
            )
        elif row.state == "missing":
            problems.append(
                Problem(
                    "eligibility_missing",
                    _("Eligibility “%(criterion)s” is not answered yet.")
                    % {"criterion": row.criterion.name},
                    row.criterion.code,
                )
            )
    return problems


def designation_refusal(unit: Unit, year: int) -> Refusal | None:
    problems = designation_problems(unit, year)
    if not problems:
        return None
    return Refusal(problems[0].code, " ".join(p.message for p in problems))


def candidacy_of(unit: Unit, year: int) -> Candidacy | None:
    return Candidacy.objects.filter(unit=unit, year=year).select_related("designated_by").first()


@dataclass(frozen=True)
class Withdrawal:
    reason: str
    at: dt.datetime
    by: str


def last_withdrawal(candidacy: Candidacy) -> Withdrawal | None:
    """The reason, date and author of the candidacy's last withdrawal (its event)."""
    from zona.workflow.models import WorkflowEvent

    event = (
        WorkflowEvent.objects.filter(
            subject_kind="candidacy", subject_id=candidacy.pk, action="withdraw"
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    by = (event.actor.full_name or event.actor.username) if event.actor else ""
    return Withdrawal(reason=event.reason, at=event.at, by=by)


@dataclass(frozen=True)
class UnitZi:
    """Everything the unit's "Pencanangan & kandidat" page shows for a year."""

    unit: Unit
    year: int
    declaration: Declaration | None
    pacts: PactSummary
    eligibility: list[EligibilityRow]
    candidacy: Candidacy | None
    withdrawal: Withdrawal | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_candidate(self) -> bool:
        return self.candidacy is not None and self.candidacy.status == CandidacyStatus.DESIGNATED


def unit_zi(unit: Unit, year: int) -> UnitZi:
    candidacy = candidacy_of(unit, year)
    withdrawal = (
        last_withdrawal(candidacy)
        if candidacy is not None and candidacy.status == CandidacyStatus.WITHDRAWN
        else None
    )
    eligibility = eligibility_rows(unit, year)
    declaration = declaration_of(unit, year)
    problems = [] if unit.is_agency else designation_problems(unit, year)
    return UnitZi(
        unit=unit,
        year=year,
        declaration=declaration,
        pacts=pact_summary(unit, year),
        eligibility=eligibility,
        candidacy=candidacy,
        withdrawal=withdrawal,
        problems=problems,
    )


# --- the agency's candidates page -------------------------------------------------------------


@dataclass(frozen=True)
class CandidateRow:
    unit: Unit
    declared_on: dt.date | None
    pacts: PactSummary
    answered_yes: int
    answered_no: int
    missing: int
    candidacy: Candidacy | None
    may_designate: bool

    @property
    def eligible(self) -> bool:
        return self.answered_no == 0 and self.missing == 0

    @property
    def ready(self) -> bool:
        """Nothing stops a designation (declaration and every criterion "yes")."""
        return self.declared_on is not None and self.eligible

    @property
    def is_candidate(self) -> bool:
        return self.candidacy is not None and self.candidacy.status == CandidacyStatus.DESIGNATED


def agency_candidates(
    agency: Unit, year: int, units: Iterable[Unit], designator: Any
) -> list[CandidateRow]:
    """One row per unit of `units` (the caller's visible units below the agency): six
    queries whatever their number. `designator(unit)` says whether the user may designate."""
    units = [u for u in units if not u.is_agency]
    ids = [u.pk for u in units]
    declared = dict(
        Declaration.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "declared_on")
    )
    pacts = pact_summaries(ids, year)
    criteria = {c.code for c in checklist(agency, active_only=True)}
    answers: dict[int, dict[str, bool]] = {}
    for unit_id, code, answer in EligibilityAnswer.objects.filter(
        unit_id__in=ids, year=year, criterion__agency=agency, criterion__code__in=criteria
    ).values_list("unit_id", "criterion__code", "answer"):
        answers.setdefault(unit_id, {})[code] = answer
    candidacies = {c.unit_id: c for c in Candidacy.objects.filter(unit_id__in=ids, year=year)}
    rows = []
    for unit in units:
        given = answers.get(unit.pk, {})
        yes = sum(1 for v in given.values() if v)
        rows.append(
            CandidateRow(
                unit=unit,
                declared_on=declared.get(unit.pk),
                pacts=pacts.get(unit.pk, PactSummary(0, 0)),
                answered_yes=yes,
                answered_no=len(given) - yes,
                missing=len(criteria) - len(given),
                candidacy=candidacies.get(unit.pk),
                may_designate=designator(unit),
            )
        )
    return rows


def agency_units_for(user: Any, agency: Unit) -> list[Unit]:
    """The units below `agency` the user sees on the candidates page: those they view and
    those they designate (an echelon-I head's subtree), in tree order."""
    from zona.accounts.access import units_visible_to
    from zona.accounts.models import Role, UnitKind
    from zona.national.access_candidacy import assignments_of

    q = Q(pk__in=units_visible_to(user).filter(path__startswith=agency.path).values("pk"))
    for a in assignments_of(user):
        if a.unit is None or not a.unit.path.startswith(agency.path):
            continue
        if a.role == Role.UNIT_HEAD and a.unit.kind == UnitKind.ECHELON_I:
            q |= Q(path__startswith=a.unit.path)
    return list(Unit.objects.filter(q, depth__gt=1, is_active=True).order_by("path"))


def zi_landing(user: Any) -> tuple[Unit | None, Unit | None]:
    """Where the menu's "Declaration & candidacy" leads `user`: (agency, None) for whoever
    views an agency root or designates in it, (None, unit) for whoever records for a unit
    or views their home unit, (None, None) otherwise."""
    from zona.accounts.access import Perm, assignments_of, user_can
    from zona.accounts.models import Role, UnitKind

    mine = [(a.role, a.unit) for a in assignments_of(user) if a.unit is not None]
    for role, unit in mine:
        if role == Role.AGENCY_ADMIN or (
            role == Role.UNIT_HEAD and unit.kind == UnitKind.ECHELON_I
        ):
            return unit.get_agency(), None
    for _role, unit in mine:
        if unit.is_agency and user_can(user, Perm.UNIT_VIEW, unit):
            return unit, None
    for role, unit in mine:
        if role in (Role.UNIT_OPERATOR, Role.UNIT_HEAD):
            return None, unit
    home = getattr(user, "home_unit", None)
    if home is not None and user_can(user, Perm.UNIT_VIEW, home):
        return None, home
    if mine:
        return None, mine[0][1]
    first = Unit.objects.filter(depth=1).order_by("path").first()
    if first is not None and user_can(user, Perm.UNIT_VIEW, first):
        return first, None
    return None, None
