"""Writes of the candidacy part (issue 11 §1), each checked, validated and audited in one
transaction: the declaration, the integrity-pact roster (dry run, then apply) and each
pact's signature, the agency's eligibility checklist and a unit's answers, and the
designation of candidates (withdrawal through the table `tables/candidacy.py`).

Uploaded files are checked on their bytes (`zona.assessments.uploads.check_file`) and
stored through Django storage with their SHA-256; a write that fails leaves no file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zona.accounts.imports.reader import HEADER_ROW, RawRow, header_problems
from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.assessments.uploads import CheckedFile, check_file
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed, ZonaError
from zona.national.access_candidacy import is_designator, may_record
from zona.national.models import (
    Candidacy,
    CandidacyStatus,
    Declaration,
    EligibilityAnswer,
    EligibilityCriterion,
    IntegrityPact,
    PredicateKind,
)
from zona.national.selectors.candidacy import (
    ROMAN,
    default_criteria,
    designation_problems,
    max_echelon,
    nip_digits,
    year_bounds,
)
from zona.national.tables.candidacy import CANDIDACY
from zona.notifications.services import notify
from zona.workflow import engine

MAX_NAME = 200
MAX_TEXT = 2000
MAX_URL = 2000


def _invalid(problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(" ".join(p.message for p in problems), problems=problems)


def _check_year(year: int, today: dt.date) -> None:
    first, last = year_bounds(today)
    if not first <= year <= last:
        message = _("The year must be between %(first)s and %(last)s.") % {
            "first": first,
            "last": last,
        }
        raise ValidationFailed(message, problems=[Problem("invalid_year", message, "year")])


def _nip_problem(raw: str, field_name: str, row: int | None = None) -> tuple[str, Problem | None]:
    nip = "".join(raw.split())
    digits = nip_digits()
    if not nip:
        return nip, Problem("required", _("Give the NIP."), field_name, row)
    if not nip.isascii() or not nip.isdigit() or len(nip) != digits:
        return nip, Problem(
            "invalid_nip",
            _("A NIP has %(n)s digits.") % {"n": digits},
            field_name,
            row,
        )
    return nip, None


@contextmanager
def _stored(upload: File | None, folder: str) -> Iterator[tuple[str, CheckedFile | None]]:
    """Check and store an upload; delete it again when the block fails (no orphan file)."""
    if upload is None:
        yield "", None
        return
    checked = check_file(upload)
    name = default_storage.save(f"national/{folder}/{uuid.uuid4().hex}/{checked.name}", upload)
    try:
        yield name, checked
    except BaseException:
        default_storage.delete(name)
        raise


def _file_fields(name: str, checked: CheckedFile) -> dict[str, Any]:
    return {
        "file": name,
        "file_name": checked.name,
        "file_type": checked.content_type,
        "file_size": checked.size,
        "file_sha256": checked.sha256,
    }


# --- declaration --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationInput:
    declared_on: dt.date | None
    signer_name: str
    signer_nip: str
    signer_position: str
    signer_echelon: int | None
    charter: File | None = None


def _clean_declaration(data: DeclarationInput, today: dt.date, *, has_file: bool) -> dict:
    problems: list[Problem] = []
    if data.declared_on is None:
        problems.append(Problem("required", _("Give the date of the declaration."), "declared_on"))
    elif data.declared_on > today:
        problems.append(
            Problem("date_in_future", _("The date cannot be in the future."), "declared_on")
        )
    name = data.signer_name.strip()
    if not name:
        problems.append(Problem("required", _("Give the signer's name."), "signer_name"))
    elif len(name) > MAX_NAME:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_NAME}, "signer_name")
        )
    nip, nip_problem = _nip_problem(data.signer_nip, "signer_nip")
    if nip_problem:
        problems.append(nip_problem)
    position = data.signer_position.strip()
    if not position:
        problems.append(Problem("required", _("Give the signer's position."), "signer_position"))
    elif len(position) > MAX_NAME:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_NAME}, "signer_position")
        )
    lowest = max_echelon()
    if data.signer_echelon is None:
        problems.append(Problem("required", _("Give the signer's echelon."), "signer_echelon"))
    elif not 1 <= data.signer_echelon <= lowest:
        problems.append(
            Problem(
                "echelon_too_low",
                _("The declaration is signed by a head of echelon %(lowest)s or higher.")
                % {"lowest": ROMAN.get(lowest, str(lowest))},
                "signer_echelon",
            )
        )
    if data.charter is None and not has_file:
        problems.append(Problem("required", _("Upload the signed charter."), "charter"))
    if problems:
        raise _invalid(problems)
    return {
        "declared_on": data.declared_on,
        "signer_name": name,
        "signer_nip": nip,
        "signer_position": position,
        "signer_echelon": data.signer_echelon,
    }


def declaration_save(
    *, actor: User, unit: Unit, year: int, data: DeclarationInput, now: dt.datetime | None = None
) -> Declaration:
    """Record (or correct) the unit's declaration for `year`: its operator or head. A new
    charter file replaces the stored one; without one the stored charter stays."""
    now = now or timezone.now()
    if not may_record(actor, unit):
        raise PermissionDenied(_("Only the unit's operator or head records its declaration."))
    today = timezone.localdate(now)
    _check_year(year, today)
    existing = Declaration.objects.filter(unit=unit, year=year).first()
    fields = _clean_declaration(data, today, has_file=bool(existing and existing.file))
    with _stored(data.charter, f"declarations/{unit.pk}") as (name, checked), transaction.atomic():
        row = Declaration.objects.select_for_update().filter(unit=unit, year=year).first()
        before = _declaration_details(row) if row is not None else None
        if row is None:
            row = Declaration(unit=unit, year=year)
        for key, value in fields.items():
            setattr(row, key, value)
        if checked is not None:
            for key, value in _file_fields(name, checked).items():
                setattr(row, key, value)
        row.recorded_by = actor
        row.recorded_at = now
        row.save()
        after = _declaration_details(row)
        audit_record(
            actor=actor,
            action="declaration.recorded" if before is None else "declaration.updated",
            target=row,
            unit=unit,
            details={"year": year, **after}
            if before is None
            else {
                "year": year,
                "before": {k: v for k, v in before.items() if after[k] != v},
                "after": {k: v for k, v in after.items() if before[k] != v},
            },
        )
    return row


def _declaration_details(row: Declaration) -> dict[str, Any]:
    return {
        "declared_on": row.declared_on.isoformat(),
        "signer_name": row.signer_name,
        "signer_nip": row.signer_nip,
        "signer_position": row.signer_position,
        "signer_echelon": row.signer_echelon,
        "file": row.file_name,
        "sha256": row.file_sha256,
    }


# --- integrity pacts: the roster -------------------------------------------------------------

ROSTER_COLUMNS = ("name", "nip", "position")
# Indonesian column names are accepted as well.
ROSTER_ALIASES = {"nama": "name", "jabatan": "position"}

CREATE, UPDATE, UNCHANGED, LEAVE = "create", "update", "unchanged", "leave"


@dataclass(frozen=True)
class RosterChange:
    row: int | None  # None: a person who is not in the file (leaves the roster)
    nip: str
    name: str
    position: str
    action: str
    signed: bool = False


@dataclass
class RosterPlan:
    problems: list[Problem] = field(default_factory=list)
    changes: list[RosterChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def roster_headers(headers: Sequence[str]) -> list[str]:
    return [ROSTER_ALIASES.get(h, h) for h in headers]


def pact_roster_plan(
    *, unit: Unit, year: int, headers: Sequence[str], rows: Iterable[RawRow]
) -> RosterPlan:
    """What importing these rows would change (nothing is written): every problem by row
    and column, and per person create / update / unchanged; people of the roster missing
    from the file leave it (their pact, signed or not, is kept)."""
    plan = RosterPlan()
    headers = roster_headers(headers)
    plan.problems.extend(header_problems(headers, columns=ROSTER_COLUMNS, required=("name", "nip")))
    if plan.problems:
        return plan
    existing = {p.nip: p for p in IntegrityPact.objects.filter(unit=unit, year=year)}
    seen: dict[str, int] = {}
    for raw in rows:
        values = {ROSTER_ALIASES.get(k, k): v for k, v in raw.values.items()}
        name = values.get("name", "").strip()
        position = values.get("position", "").strip()
        nip, problem = _nip_problem(values.get("nip", ""), "nip", raw.row)
        row_problems = [problem] if problem else []
        if not name:
            row_problems.append(Problem("required", _("Give the name."), "name", raw.row))
        elif len(name) > MAX_NAME:
            row_problems.append(
                Problem(
                    "too_long", _("At most %(n)s characters.") % {"n": MAX_NAME}, "name", raw.row
                )
            )
        if len(position) > MAX_NAME:
            row_problems.append(
                Problem(
                    "too_long",
                    _("At most %(n)s characters.") % {"n": MAX_NAME},
                    "position",
                    raw.row,
                )
            )
        if not problem and nip in seen:
            row_problems.append(
                Problem(
                    "duplicate_nip",
                    _("This NIP is already on row %(row)s.") % {"row": seen[nip]},
                    "nip",
                    raw.row,
                )
            )
        if row_problems:
            plan.problems.extend(row_problems)
            continue
        seen[nip] = raw.row
        current = existing.get(nip)
        if current is None:
            action = CREATE
        elif current.name != name or current.position != position or not current.in_roster:
            action = UPDATE
        else:
            action = UNCHANGED
        plan.changes.append(
            RosterChange(
                row=raw.row,
                nip=nip,
                name=name,
                position=position,
                action=action,
                signed=bool(current and current.signed),
            )
        )
    if not seen and not plan.problems:
        plan.problems.append(Problem("empty", _("The file has no one in it."), "", HEADER_ROW))
    for nip, pact in existing.items():
        if nip not in seen and pact.in_roster:
            plan.changes.append(
                RosterChange(
                    row=None,
                    nip=nip,
                    name=pact.name,
                    position=pact.position,
                    action=LEAVE,
                    signed=pact.signed,
                )
            )
    return plan


@dataclass(frozen=True)
class RosterResult:
    created: int
    updated: int
    unchanged: int
    left: int


def pact_roster_import(
    *,
    actor: User,
    unit: Unit,
    year: int,
    headers: Sequence[str],
    rows: Sequence[RawRow],
    file_name: str = "",
    sha256: str = "",
    now: dt.datetime | None = None,
) -> RosterResult:
    """Apply a roster file: checked again under the unit's roster lock, then all of it or
    nothing. People are matched by NIP; nobody is deleted."""
    now = now or timezone.now()
    if not may_record(actor, unit):
        raise PermissionDenied(_("Only the unit's operator or head keeps its roster."))
    _check_year(year, timezone.localdate(now))
    with transaction.atomic():
        # Two imports of one roster at once: the second waits and plans on the first's rows.
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        plan = pact_roster_plan(unit=unit, year=year, headers=headers, rows=rows)
        if not plan.ok:
            raise _invalid(plan.problems)
        existing = {p.nip: p for p in IntegrityPact.objects.filter(unit=unit, year=year)}
        for change in plan.changes:
            if change.action == CREATE:
                IntegrityPact.objects.create(
                    unit=unit,
                    year=year,
                    nip=change.nip,
                    name=change.name,
                    position=change.position,
                    updated_by=actor,
                    updated_at=now,
                )
            elif change.action in (UPDATE, LEAVE):
                pact = existing[change.nip]
                if change.action == UPDATE:
                    pact.name, pact.position, pact.in_roster = change.name, change.position, True
                else:
                    pact.in_roster = False
                pact.updated_by, pact.updated_at = actor, now
                pact.save()
        result = RosterResult(
            created=plan.count(CREATE),
            updated=plan.count(UPDATE),
            unchanged=plan.count(UNCHANGED),
            left=plan.count(LEAVE),
        )
        audit_record(
            actor=actor,
            action="integrity_pact.roster_imported",
            target=unit,
            unit=unit,
            details={
                "year": year,
                "file": file_name,
                "sha256": sha256,
                **result.__dict__,
                "left_signed": [c.nip for c in plan.changes if c.action == LEAVE and c.signed],
            },
        )
    return result


@dataclass(frozen=True)
class PactInput:
    signed: bool
    signed_on: dt.date | None = None
    document: File | None = None


def pact_sign(
    *, actor: User, pact: IntegrityPact, data: PactInput, now: dt.datetime | None = None
) -> IntegrityPact:
    """Record one person's pact as signed (date and the signed document) or as not signed."""
    now = now or timezone.now()
    if not may_record(actor, pact.unit):
        raise PermissionDenied(_("Only the unit's operator or head keeps its roster."))
    problems: list[Problem] = []
    if data.signed:
        if data.signed_on is None:
            problems.append(Problem("required", _("Give the date it was signed."), "signed_on"))
        elif data.signed_on > timezone.localdate(now):
            problems.append(
                Problem("date_in_future", _("The date cannot be in the future."), "signed_on")
            )
        if data.document is None and not pact.file:
            problems.append(Problem("required", _("Upload the signed pact."), "document"))
    if problems:
        raise _invalid(problems)
    with (
        _stored(data.document if data.signed else None, f"pacts/{pact.unit_id}") as (
            name,
            checked,
        ),
        transaction.atomic(),
    ):
        row = IntegrityPact.objects.select_for_update().get(pk=pact.pk)
        before = {"signed": row.signed, "signed_on": _iso(row.signed_on), "file": row.file_name}
        row.signed = data.signed
        row.signed_on = data.signed_on if data.signed else None
        if checked is not None:
            for key, value in _file_fields(name, checked).items():
                setattr(row, key, value)
        row.updated_by, row.updated_at = actor, now
        row.save()
        after = {"signed": row.signed, "signed_on": _iso(row.signed_on), "file": row.file_name}
        audit_record(
            actor=actor,
            action="integrity_pact.signed" if row.signed else "integrity_pact.unsigned",
            target=row,
            unit=row.unit,
            details={
                "year": row.year,
                "nip": row.nip,
                "name": row.name,
                "before": before,
                "after": after,
                "sha256": row.file_sha256,
            },
        )
    return row


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- eligibility: the agency's checklist ------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    name: str
    code: str = ""
    active: bool = True
    position: int = 0


def _check_checklist_admin(actor: User, agency: Unit) -> None:
    from zona.accounts.access import Perm, user_can

    if not agency.is_agency or not user_can(actor, Perm.UNIT_MANAGE, agency):
        raise PermissionDenied(_("Only the agency administrator changes its checklist."))


def _start_checklist(actor: User, agency: Unit) -> None:
    """Save the data file's default criteria for the agency (in the actor's language) the
    first time anything of its checklist is written."""
    if EligibilityCriterion.objects.filter(agency=agency).exists():
        return
    defaults = default_criteria(get_language())
    for c in defaults:
        EligibilityCriterion.objects.create(
            agency=agency, code=c.code, name=c.name, active=True, position=c.position
        )
    audit_record(
        actor=actor,
        action="eligibility_criterion.started",
        target=agency,
        unit=agency,
        details={"criteria": [c.code for c in defaults]},
    )


def _clean_criterion(agency: Unit, data: CriterionInput, *, pk: int | None) -> dict[str, Any]:
    problems: list[Problem] = []
    name = data.name.strip()
    if not name:
        problems.append(Problem("required", _("Give the name."), "name"))
    elif len(name) > 300:
        problems.append(Problem("too_long", _("At most %(n)s characters.") % {"n": 300}, "name"))
    code = slugify(data.code.strip() or name)[:40].strip("-")
    if name and not code:
        problems.append(
            Problem("invalid_code", _("Use letters, digits and hyphens in the code."), "code")
        )
    clash = EligibilityCriterion.objects.filter(agency=agency, code=code)
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if code and clash.exists():
        problems.append(
            Problem("duplicate_code", _("Another criterion already has this code."), "code")
        )
    if not 0 <= data.position <= 32000:
        problems.append(Problem("invalid_number", _("Give a number from 0."), "position"))
    if problems:
        raise _invalid(problems)
    return {"name": name, "code": code, "active": data.active, "position": data.position}


def criterion_create(*, actor: User, agency: Unit, data: CriterionInput) -> EligibilityCriterion:
    _check_checklist_admin(actor, agency)
    with transaction.atomic():
        _start_checklist(actor, agency)
        fields = _clean_criterion(agency, data, pk=None)
        if not fields["position"]:
            fields["position"] = EligibilityCriterion.objects.filter(agency=agency).count() + 1
        row = EligibilityCriterion.objects.create(agency=agency, **fields)
        audit_record(
            actor=actor,
            action="eligibility_criterion.created",
            target=row,
            unit=agency,
            details=fields,
        )
    return row


def criterion_update(
    *, actor: User, agency: Unit, code: str, data: CriterionInput
) -> EligibilityCriterion:
    """Rename, reorder, deactivate or reactivate a criterion (by code; the defaults are
    saved first when the agency still uses them). Answers already given are kept."""
    _check_checklist_admin(actor, agency)
    with transaction.atomic():
        _start_checklist(actor, agency)
        row = (
            EligibilityCriterion.objects.select_for_update()
            .filter(agency=agency, code=code)
            .first()
        )
        if row is None:
            raise ValidationFailed(
                _("Choose one of the agency's criteria."),
                problems=[Problem("unknown_criterion", _("Choose one of the agency's criteria."))],
            )
        fields = _clean_criterion(agency, data, pk=row.pk)
        before = {k: getattr(row, k) for k in fields}
        for key, value in fields.items():
            setattr(row, key, value)
        row.save()
        audit_record(
            actor=actor,
            action="eligibility_criterion.updated",
            target=row,
            unit=agency,
            details={
                "before": {k: v for k, v in before.items() if fields[k] != v},
                "after": {k: v for k, v in fields.items() if before[k] != v},
            },
        )
    return row


# --- eligibility: a unit's answers --------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    code: str
    answer: bool | None
    note: str = ""
    evidence_url: str = ""
    evidence_file: File | None = None


def eligibility_answer_save(
    *, actor: User, unit: Unit, year: int, data: AnswerInput, now: dt.datetime | None = None
) -> EligibilityAnswer:
    """The unit's answer to one active criterion of its agency's checklist for `year` (its
    operator or head, or its designators), with a note and evidence (a file or a link)."""
    from zona.national.access_candidacy import candidacy_rights

    now = now or timezone.now()
    if not candidacy_rights(actor, unit).answer or unit.is_agency:
        raise PermissionDenied(_("You may not answer the eligibility of this unit."))
    _check_year(year, timezone.localdate(now))
    problems: list[Problem] = []
    if data.answer is None:
        problems.append(Problem("required", _("Answer yes or no."), "answer"))
    note = data.note.strip()
    if len(note) > MAX_TEXT:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_TEXT}, "note")
        )
    url = data.evidence_url.strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except DjangoValidationError:
            problems.append(Problem("invalid_url", _("Enter a full web address."), "evidence_url"))
        if len(url) > MAX_URL:
            problems.append(
                Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_URL}, "evidence_url")
            )
    agency = unit.get_agency()
    if problems:
        raise _invalid(problems)
    with (
        _stored(data.evidence_file, f"eligibility/{unit.pk}") as (name, checked),
        transaction.atomic(),
    ):
        _start_checklist(actor, agency)
        criterion = EligibilityCriterion.objects.filter(
            agency=agency, code=data.code, active=True
        ).first()
        if criterion is None:
            message = _("Choose one of the agency's criteria.")
            raise ValidationFailed(
                message, problems=[Problem("unknown_criterion", message, "code")]
            )
        row = (
            EligibilityAnswer.objects.select_for_update()
            .filter(unit=unit, year=year, criterion=criterion)
            .first()
        )
        before = _answer_details(row) if row is not None else None
        if row is None:
            row = EligibilityAnswer(unit=unit, year=year, criterion=criterion)
        row.answer = bool(data.answer)
        row.note = note
        row.evidence_url = url
        if checked is not None:
            for key, value in _file_fields(name, checked).items():
                setattr(row, key, value)
        row.answered_by, row.answered_at = actor, now
        row.save()
        after = _answer_details(row)
        audit_record(
            actor=actor,
            action="eligibility_answer.saved",
            target=row,
            unit=unit,
            details={"year": year, "criterion": criterion.code, **after}
            if before is None
            else {
                "year": year,
                "criterion": criterion.code,
                "before": {k: v for k, v in before.items() if after[k] != v},
                "after": {k: v for k, v in after.items() if before[k] != v},
            },
        )
    return row


def _answer_details(row: EligibilityAnswer) -> dict[str, Any]:
    return {
        "answer": row.answer,
        "note": row.note[:500],
        "url": row.evidence_url,
        "file": row.file_name,
        "sha256": row.file_sha256,
    }


# --- candidates -------------------------------------------------------------------------------


def _unit_recipients(unit: Unit) -> list[User]:
    rows = RoleAssignment.objects.filter(
        unit=unit, role__in=[Role.UNIT_OPERATOR, Role.UNIT_HEAD], user__is_active=True
    ).select_related("user")
    return sorted({a.user.pk: a.user for a in rows}.values(), key=lambda u: u.pk)


def _tell_unit(actor: User, candidacy: Candidacy, kind: str, key: str, **params: Any) -> None:
    notify(
        recipients=_unit_recipients(candidacy.unit),
        kind=kind,
        params={
            "unit": candidacy.unit.name,
            "year": candidacy.year,
            "target": candidacy.target,
            **params,
        },
        url=reverse("national:zi_unit", args=[candidacy.unit_id]) + f"?year={candidacy.year}",
        actor=actor,
        key=key,
    )


def candidacy_designate(
    *,
    actor: User,
    unit: Unit,
    year: int,
    target: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Candidacy:
    """Designate `unit` as a candidate for `year` with its target (WBK or WBBM): the
    echelon-I head above it or the agency administrator. Refused, naming each reason, when
    the unit has no declaration for the year or an eligibility criterion is answered "no"
    or not at all. A withdrawn designation is designated again (the table's `redesignate`)."""
    now = now or timezone.now()
    if not is_designator(actor, unit):
        raise PermissionDenied(
            _("Only the echelon-I head above the unit or the agency administrator designates it.")
        )
    _check_year(year, timezone.localdate(now))
    if target not in PredicateKind.values:
        message = _("Choose WBK or WBBM.")
        raise ValidationFailed(message, problems=[Problem("invalid_target", message, "target")])
    note = note.strip()[:MAX_TEXT]
    with transaction.atomic():
        current = Candidacy.objects.select_for_update().filter(unit=unit, year=year).first()
        if current is not None:
            if current.status == CandidacyStatus.DESIGNATED:
                message = _("%(unit)s is already a candidate for %(year)s.") % {
                    "unit": unit.name,
                    "year": year,
                }
                raise StateError(message, problems=[Problem("already_designated", message)])
            row = engine.apply(
                CANDIDACY,
                current,
                "redesignate",
                actor,
                now=now,
                data={"target": target, "note": note},
                locked=True,
            )
            _tell_unit(
                actor,
                row,
                "candidacy.designated",
                f"candidacy-designated:{row.pk}:{now.isoformat()}",
            )
            return row
        problems = designation_problems(unit, year)
        if problems:
            raise StateError(" ".join(p.message for p in problems), problems=problems)
        row = Candidacy.objects.create(
            unit=unit,
            year=year,
            target=target,
            status=CandidacyStatus.DESIGNATED,
            note=note,
            designated_by=actor,
            designated_at=now,
        )
        from zona.workflow.models import WorkflowEvent

        WorkflowEvent.objects.create(
            subject_kind=CANDIDACY.kind,
            subject_id=row.pk,
            action="designate",
            from_state="",
            to_state=CandidacyStatus.DESIGNATED,
            actor=actor,
            reason=note[:500],
            details={"year": year, "target": target},
            at=now,
        )
        audit_record(
            actor=actor,
            action="candidacy.designated",
            target=row,
            unit=unit,
            details={"year": year, "target": target, "note": note[:500]},
        )
        _tell_unit(actor, row, "candidacy.designated", f"candidacy-designated:{row.pk}")
    return row


@dataclass(frozen=True)
class BulkOutcome:
    unit: Unit
    candidacy: Candidacy | None
    error: ZonaError | None


def candidacies_designate(
    *,
    actor: User,
    units: Sequence[Unit],
    year: int,
    target: str,
    now: dt.datetime | None = None,
) -> list[BulkOutcome]:
    """Designate several units at once: each on its own (one refused unit does not stop
    the others), with the reason of every refusal."""
    outcomes = []
    for unit in units:
        try:
            row = candidacy_designate(actor=actor, unit=unit, year=year, target=target, now=now)
        except ZonaError as exc:
            outcomes.append(BulkOutcome(unit=unit, candidacy=None, error=exc))
        else:
            outcomes.append(BulkOutcome(unit=unit, candidacy=row, error=None))
    return outcomes


def candidacy_withdraw(
    *, actor: User, candidacy: Candidacy, reason: str, now: dt.datetime | None = None
) -> Candidacy:
    """Withdraw a designation with a reason (the table's `withdraw`): the unit is no longer
    a candidate for the year, and its operators and head are told."""
    now = now or timezone.now()
    with transaction.atomic():
        row = engine.apply(CANDIDACY, candidacy, "withdraw", actor, now=now, reason=reason)
        _tell_unit(
            actor,
            row,
            "candidacy.withdrawn",
            f"candidacy-withdrawn:{row.pk}:{now.isoformat()}",
            reason=reason.strip()[:500],
        )
    return row
