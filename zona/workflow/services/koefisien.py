"""Koefisien (issue 10 §6): the agency's kinds, and events recorded on sheets; every write
audited.

Recording or withdrawing an event rescores the sheet in the same transaction, under the
sheet's row lock: `scores_refresh(assessment, deductions=...)` gets the counted events'
deductions, so the stored effective view (its total after the koefisien and its verdicts)
commits or rolls back with the event. The unit's operators and head are told
(`handoffs.handoff`, kinds "koefisien.recorded" and "koefisien.withdrawn").
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.assessments.models import Assessment
from zona.assessments.services.answers import lock_assessment
from zona.assessments.services.scores import scores_refresh
from zona.assessments.uploads import check_file
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.workflow import engine, handoffs
from zona.workflow.models import (
    DeductionMode,
    KoefisienEvent,
    KoefisienEventStatus,
    KoefisienKind,
)
from zona.workflow.selectors.koefisien import (
    deduction_text,
    deductions_of,
    events_of,
    penalties_of,
    record_refusal,
)
from zona.workflow.tables.koefisien import KOEFISIEN_EVENT

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "koefisien.yaml"
MAX_TEXT = 5000
MAX_SOURCE = 2000
MAX_POINTS = Decimal(100)


def _fail(problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(problems[0].message, problems=problems)


# --- kinds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindInput:
    name: str
    mode: str
    value: Decimal | str
    description: str = ""
    active: bool = True
    code: str = ""
    position: int = 0


def parse_deduction(mode: str, raw: Decimal | str | float | int | None) -> Decimal:
    """The deduction's value, checked: a factor in (0, 1], points in (0, 100]. Raises
    ValidationFailed (field "value", or "mode") with a message for people."""
    if mode not in DeductionMode.values:
        raise _fail([Problem("invalid_mode", _("Choose a factor or points."), "mode")])
    try:
        value = Decimal(str(raw).strip().replace(",", ".")) if raw is not None else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise _fail([Problem("invalid_value", _("Enter a number."), "value")])
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise _fail([Problem("invalid_value", _("At most 4 decimal places."), "value")])
    if mode == DeductionMode.FACTOR and not Decimal(0) < value <= Decimal(1):
        raise _fail(
            [
                Problem(
                    "factor_out_of_range",
                    _("A factor must be more than 0 and at most 1 (for example 0.9)."),
                    "value",
                )
            ]
        )
    if mode == DeductionMode.POINTS and not Decimal(0) < value <= MAX_POINTS:
        raise _fail(
            [
                Problem(
                    "points_out_of_range",
                    _("Points must be more than 0 and at most 100 (for example 5)."),
                    "value",
                )
            ]
        )
    return value


def _clean_kind(agency: Unit, data: KindInput, *, exclude: int | None = None) -> dict[str, Any]:
    problems: list[Problem] = []
    name = (data.name or "").strip()
    if not name:
        problems.append(Problem("required", _("Give the kind a name."), "name"))
    elif len(name) > 200:
        problems.append(Problem("too_long", _("At most %(n)s characters.") % {"n": 200}, "name"))
    description = (data.description or "").strip()
    if len(description) > MAX_TEXT:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_TEXT}, "description")
        )
    code = slugify(data.code or name)[:40].strip("-") or "koefisien"
    taken = KoefisienKind.objects.filter(agency=agency, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if data.code and taken.exists():
        problems.append(
            Problem("duplicate_code", _("The agency already has a kind with this code."), "code")
        )
    if problems:
        raise _fail(problems)
    value = parse_deduction(data.mode, data.value)
    if not data.code:
        # A code made from the name: numbered when the name's slug is taken.
        base, n = code, 2
        while taken.exists():
            code = f"{base[:36]}-{n}"
            taken = KoefisienKind.objects.filter(agency=agency, code=code)
            n += 1
    return {
        "code": code,
        "name": name,
        "description": description,
        "mode": data.mode,
        "value": value,
        "active": bool(data.active),
        "position": max(0, min(int(data.position or 0), 32000)),
    }


def _kind_details(kind: KoefisienKind) -> dict[str, Any]:
    return {
        "code": kind.code,
        "name": kind.name,
        "mode": kind.mode,
        "value": f"{Decimal(kind.value).normalize():f}",
        "active": kind.active,
    }


def koefisien_kind_create(*, actor: User, agency: Unit, data: KindInput) -> KoefisienKind:
    fields = _clean_kind(agency, data)
    try:
        with transaction.atomic():
            kind = KoefisienKind.objects.create(agency=agency, **fields)
            audit_record(
                actor=actor,
                action="koefisien.kind_created",
                target=kind,
                unit=agency,
                details=_kind_details(kind),
            )
    except IntegrityError:
        raise _fail(
            [Problem("duplicate_code", _("The agency already has a kind with this code."), "code")]
        ) from None
    return kind


def koefisien_kind_update(*, actor: User, kind: KoefisienKind, data: KindInput) -> KoefisienKind:
    """Change a kind. Events already recorded keep the deduction they were recorded with."""
    fields = _clean_kind(kind.agency, data, exclude=kind.pk)
    before = _kind_details(kind)
    with transaction.atomic():
        row = KoefisienKind.objects.select_for_update().get(pk=kind.pk)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        after = _kind_details(row)
        changed = {
            k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]
        }
        if changed:
            audit_record(
                actor=actor,
                action="koefisien.kind_updated",
                target=row,
                unit=row.agency,
                details={"code": row.code, "changes": changed},
            )
    return row


@dataclass(frozen=True)
class StarterKind:
    code: str
    mode: str
    value: Decimal
    name: Mapping[str, str]
    description: Mapping[str, str]

    def text(self, texts: Mapping[str, str], language: str) -> str:
        return texts.get(language) or texts.get("id") or next(iter(texts.values()), "")


def parse_starter_kinds(text: str) -> list[StarterKind]:
    """The starting set of a data file; ValueError when it is malformed."""
    doc = yaml.safe_load(text) or {}
    kinds = []
    try:
        for row in doc.get("kinds") or []:
            mode = str(row["mode"])
            value = Decimal(str(row["value"]))
            if mode == "factor" and not Decimal(0) < value <= 1:
                raise ValueError(f"kind {row['code']}: a factor must be in (0, 1]")
            if mode == "points" and not Decimal(0) < value <= MAX_POINTS:
                raise ValueError(f"kind {row['code']}: points must be in (0, 100]")
            if mode not in DeductionMode.values:
                raise ValueError(f"kind {row['code']}: unknown mode {mode!r}")
            kinds.append(
                StarterKind(
                    code=slugify(str(row["code"]))[:40],
                    mode=mode,
                    value=value,
                    name=dict(row["name"]),
                    description=dict(row.get("description") or {}),
                )
            )
    except (KeyError, TypeError, AttributeError, InvalidOperation) as exc:
        raise ValueError(f"malformed koefisien data: {exc}") from exc
    codes = [k.code for k in kinds]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate codes in koefisien data")
    return kinds


@functools.cache
def starter_kinds() -> list[StarterKind]:
    return parse_starter_kinds(DATA_FILE.read_text(encoding="utf-8"))


def koefisien_kinds_take_starters(*, actor: User, agency: Unit) -> list[KoefisienKind]:
    """Copy the data file's starting set into the agency (in the actor's language); kinds
    the agency already has (same code) are left as they are. Returns the kinds added."""
    language = (get_language() or "id")[:2]
    added: list[KoefisienKind] = []
    with transaction.atomic():
        have = set(KoefisienKind.objects.filter(agency=agency).values_list("code", flat=True))
        for position, starter in enumerate(starter_kinds(), start=1):
            if starter.code in have:
                continue
            added.append(
                KoefisienKind.objects.create(
                    agency=agency,
                    code=starter.code,
                    name=starter.text(starter.name, language)[:200],
                    description=starter.text(starter.description, language),
                    mode=starter.mode,
                    value=starter.value,
                    position=position,
                )
            )
        if added:
            audit_record(
                actor=actor,
                action="koefisien.kinds_loaded",
                target=agency,
                unit=agency,
                details={"kinds": [_kind_details(k) for k in added]},
            )
    return added


# --- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventInput:
    kind: int | None
    occurred_on: dt.date | None
    source: str
    note: str = ""
    internal_note: str = ""
    evidence_url: str = ""
    evidence_file: File | None = None


def unit_recipients(assessment: Assessment) -> list[User]:
    """The unit's operators and head: those told about a koefisien. One query."""
    rows = RoleAssignment.objects.filter(
        unit=assessment.unit,
        role__in=[Role.UNIT_OPERATOR, Role.UNIT_HEAD],
        user__is_active=True,
    ).select_related("user")
    return sorted({a.user.pk: a.user for a in rows}.values(), key=lambda u: u.pk)


def _clean_event(assessment: Assessment, data: EventInput, today: dt.date) -> dict[str, Any]:
    problems: list[Problem] = []
    kind = None
    if data.kind is not None:
        kind = KoefisienKind.objects.filter(
            pk=data.kind, agency=assessment.period.agency, active=True
        ).first()
    if kind is None:
        problems.append(Problem("unknown_kind", _("Choose one of the agency's kinds."), "kind"))
    start = dt.date(assessment.period.year, 1, 1)
    if data.occurred_on is None:
        problems.append(Problem("required", _("Give the date of the event."), "occurred_on"))
    elif data.occurred_on > today:
        problems.append(
            Problem("date_in_future", _("The date cannot be in the future."), "occurred_on")
        )
    elif data.occurred_on < start:
        problems.append(
            Problem(
                "date_before_period",
                _("The date cannot be before the start of %(year)s, the period's year.")
                % {"year": assessment.period.year},
                "occurred_on",
            )
        )
    source = (data.source or "").strip()
    if not source:
        problems.append(
            Problem(
                "source_required",
                _("Give the source (for example a court decision, a news link)."),
                "source",
            )
        )
    elif len(source) > MAX_SOURCE:
        problems.append(
            Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_SOURCE}, "source")
        )
    for name in ("note", "internal_note"):
        if len(getattr(data, name) or "") > MAX_TEXT:
            problems.append(
                Problem("too_long", _("At most %(n)s characters.") % {"n": MAX_TEXT}, name)
            )
    url = (data.evidence_url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except DjangoValidationError:
            problems.append(Problem("invalid_url", _("Enter a full web address."), "evidence_url"))
        if len(url) > 2000:
            problems.append(
                Problem("too_long", _("At most %(n)s characters.") % {"n": 2000}, "evidence_url")
            )
    if problems:
        raise _fail(problems)
    assert kind is not None
    return {
        "kind": kind,
        "label": kind.name,
        "mode": kind.mode,
        "value": kind.value,
        "occurred_on": data.occurred_on,
        "source": source,
        "note": (data.note or "").strip(),
        "internal_note": (data.internal_note or "").strip(),
        "evidence_url": url,
    }


def _refresh_scores(assessment: Assessment) -> list[KoefisienEvent]:
    """Rescore the (locked) sheet with its counted events; returns the events."""
    events = events_of(assessment)
    scores_refresh(assessment, deductions=penalties_of(deductions_of(events)))
    return events


def _tell_unit(
    actor: User, event: KoefisienEvent, *, kind: str, key: str, extra: Mapping[str, Any]
) -> None:
    assessment = event.assessment
    handoffs.handoff(
        kind=kind,
        recipients=unit_recipients(assessment),
        params={
            "unit": assessment.unit.name,
            "period": assessment.period.title,
            "tier": event.tier.name,
            "label": event.label,
            "mode": event.mode,
            "value": f"{Decimal(event.value).normalize():f}",
            # As people read it: times 0.9, or minus 5, with the signs.
            "deduction": deduction_text(event.mode, Decimal(event.value)),
            "occurred_on": event.occurred_on.isoformat(),
            **extra,
        },
        url=reverse("workflow:koefisien_sheet", args=[assessment.pk]),
        key=key,
        actor=actor,
    )


def koefisien_record(
    *,
    actor: User,
    assessment: Assessment,
    tier: ReviewTier | None,
    data: EventInput,
    now: dt.datetime | None = None,
) -> KoefisienEvent:
    """Record an event on the sheet in `tier` (one of the actor's): the sheet is rescored
    in the same transaction and the unit's operators and head are told."""
    now = now or timezone.now()
    refused = record_refusal(actor, assessment, tier)
    if refused is not None:
        error = PermissionDenied if refused.code == "not_tier_reviewer" else StateError
        raise error(refused.message, problems=refused.problems())
    assert tier is not None
    fields = _clean_event(assessment, data, timezone.localdate(now))
    checked = check_file(data.evidence_file) if data.evidence_file is not None else None
    stored = ""
    if checked is not None and data.evidence_file is not None:
        name = f"koefisien/{assessment.pk}/{uuid.uuid4().hex}/{checked.name}"
        stored = default_storage.save(name, data.evidence_file)
    try:
        with transaction.atomic():
            locked = lock_assessment(assessment)
            event = KoefisienEvent.objects.create(
                assessment=locked,
                tier=tier,
                status=KoefisienEventStatus.RECORDED,
                recorded_by=actor,
                recorded_at=now,
                evidence_file=stored,
                evidence_name=checked.name if checked else "",
                evidence_type=checked.content_type if checked else "",
                evidence_size=checked.size if checked else 0,
                evidence_sha256=checked.sha256 if checked else "",
                **fields,
            )
            # The sheet's history shows the event beside its submissions and returns.
            from zona.workflow.models import WorkflowEvent

            WorkflowEvent.objects.create(
                subject_kind=KOEFISIEN_EVENT.kind,
                subject_id=event.pk,
                assessment=locked,
                action="record",
                from_state="",
                to_state=KoefisienEventStatus.RECORDED,
                tier=tier,
                actor=actor,
                reason=event.note[:500],
                details={"kind": event.kind.code, "label": event.label},
                at=now,
            )
            _refresh_scores(locked)
            audit_record(
                actor=actor,
                action="koefisien.record",
                target=event,
                unit=locked.unit,
                details={
                    "assessment": locked.pk,
                    "tier": tier.code,
                    "kind": event.kind.code,
                    "label": event.label,
                    "mode": event.mode,
                    "value": f"{Decimal(event.value).normalize():f}",
                    "occurred_on": event.occurred_on.isoformat(),
                    "source": event.source[:500],
                    "file": event.evidence_name,
                    "sha256": event.evidence_sha256,
                    "url": event.evidence_url,
                },
            )
            event.assessment = locked
            _tell_unit(
                actor,
                event,
                kind="koefisien.recorded",
                key=f"koefisien-recorded:{event.pk}",
                extra={"note": event.note[:500]},
            )
    except Exception:
        # The row never existed: no orphan file left behind.
        if stored:
            default_storage.delete(stored)
        raise
    return event


def koefisien_withdraw(
    *, actor: User, event: KoefisienEvent, reason: str, now: dt.datetime | None = None
) -> KoefisienEvent:
    """Withdraw an event (kept, with the reason): it stops counting; the sheet is rescored
    in the same transaction and the unit's operators and head are told."""
    with transaction.atomic():
        locked = lock_assessment(event.assessment)
        row = (
            KoefisienEvent.objects.select_for_update(of=("self",))
            .select_related("kind", "tier")
            .get(pk=event.pk, assessment=locked)
        )
        row.assessment = locked
        row = engine.apply(
            KOEFISIEN_EVENT,
            row,
            "withdraw",
            actor,
            now=now,
            tier=row.tier,
            reason=reason or "",
            locked=True,
        )
        _refresh_scores(locked)
        _tell_unit(
            actor,
            row,
            kind="koefisien.withdrawn",
            key=f"koefisien-withdrawn:{row.pk}",
            extra={"reason": row.withdraw_reason[:500]},
        )
    return row
