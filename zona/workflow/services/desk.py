"""Desk-evaluation sessions and assistance (asistensi) records: every write, audited.

Survey validation (SHPZI) is in `desk_validation.py`. Statuses move only through the tables
of `zona/workflow/tables/desk.py`; hand-offs tell the unit's people (the working group of
the session's or item's area, the operator and the head).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.models import ReviewTier, User
from zona.assessments.models import Assessment, PeriodStatus
from zona.assessments.sheet import AnswerInvalid, SheetSpec, parse_value, score_value, sheet_spec
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.frameworks.scoring import InvalidAnswers, item_value
from zona.workflow import engine, handoffs
from zona.workflow.models import (
    AssistanceRecord,
    DeskAttendee,
    DeskNote,
    DeskSession,
    DeskSessionStatus,
    DocumentCheck,
)
from zona.workflow.selectors.desk import desk_tiers_of, unit_people
from zona.workflow.tables.desk import ASSISTANCE, ASSISTANCE_TARGETS, DESK_SESSION

MAX_TEXT = 10_000


def _invalid(message: str, field: str = "", code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code, message, field)])


def require_tier(actor: Any, assessment: Assessment, tier: ReviewTier | None) -> ReviewTier:
    """`tier`, when the actor reviews the sheet's unit in it; else PermissionDenied."""
    if tier is None or not any(t.pk == tier.pk for t in desk_tiers_of(actor, assessment)):
        raise PermissionDenied(_("You do not review this unit in that tier."))
    return tier


def require_period_open(assessment: Assessment) -> None:
    if assessment.period.status == PeriodStatus.CLOSED:
        raise StateError(
            _("The period is closed; the sheet can no longer be changed."),
            problems=[Problem("period_closed", _("The period is closed."))],
        )


def _text(value: str, field: str, *, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise _invalid(_("At most %(n)s characters.") % {"n": limit}, field, "too_long")
    return value


# --- desk-evaluation sessions -------------------------------------------------------------


@dataclass(frozen=True)
class SessionInput:
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    area: str = ""
    place: str = ""
    meeting_url: str = ""
    agenda: str = ""
    # Unit accounts that attend; names typed in for reviewers and anyone without an account.
    unit_users: Sequence[int] = ()
    reviewer_names: Sequence[str] = ()
    unit_names: Sequence[str] = ()


def _clean_session(assessment: Assessment, data: SessionInput) -> dict[str, Any]:
    problems: list[Problem] = []
    spec = sheet_spec(assessment.period.framework)
    areas = {a.key for a in spec.areas}
    if data.area and data.area not in areas:
        problems.append(
            Problem("unknown_area", _("Choose a working group of this sheet's LKE."), "area")
        )
    if timezone.is_naive(data.starts_at):
        problems.append(Problem("invalid", _("Give the date and time."), "starts_at"))
    if data.ends_at is not None and data.ends_at < data.starts_at:
        problems.append(Problem("ends_before_start", _("The end is before the start."), "ends_at"))
    url = (data.meeting_url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except DjangoValidationError:
            problems.append(Problem("invalid_url", _("Enter a full web address."), "meeting_url"))
    place = (data.place or "").strip()
    if not place and not url:
        problems.append(Problem("place_required", _("Give a place or a meeting link."), "place"))
    if len(place) > 200:
        problems.append(Problem("too_long", _("At most %(n)s characters.") % {"n": 200}, "place"))
    if problems:
        raise ValidationFailed(problems[0].message, problems=problems)
    return {
        "area": data.area,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "place": place,
        "meeting_url": url,
        "agenda": _text(data.agenda, "agenda"),
    }


def _attendees(
    assessment: Assessment, session: DeskSession, data: SessionInput
) -> list[DeskAttendee]:
    people = {u.pk: u for u in unit_people(assessment)}
    rows: list[DeskAttendee] = []
    for raw in data.unit_users:
        user = people.get(int(raw))
        if user is None:
            raise _invalid(_("Only the unit's people can be picked."), "unit_users")
        rows.append(
            DeskAttendee(
                session=session, user=user, name=user.display_name, side=DeskAttendee.Side.UNIT
            )
        )
    for side, names in (
        (DeskAttendee.Side.REVIEWER, data.reviewer_names),
        (DeskAttendee.Side.UNIT, data.unit_names),
    ):
        for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
            rows.append(DeskAttendee(session=session, name=name[:160], side=side))
    return rows


def _announce_session(actor: Any, session: DeskSession, *, changed: bool) -> None:
    assessment = session.assessment
    handoffs.handoff(
        kind="desk.session_rescheduled" if changed else "desk.session_scheduled",
        recipients=unit_people(assessment, area=session.area or None),
        params={
            "unit": assessment.unit.name,
            "tier": session.tier.name,
            "area": session.area,
            "starts_at": session.starts_at.isoformat(),
            "place": session.place,
            "meeting_url": session.meeting_url,
        },
        url=reverse("workflow:desk_list", args=[assessment.pk]),
        key=f"desk-session:{session.pk}:{session.starts_at.isoformat()}:{session.place}",
        actor=actor,
    )


def desk_session_create(
    *, actor: User, assessment: Assessment, tier: ReviewTier | None, data: SessionInput
) -> DeskSession:
    """Schedule a desk-evaluation session of `tier` (the actor's); tells the unit's people."""
    tier = require_tier(actor, assessment, tier)
    require_period_open(assessment)
    fields = _clean_session(assessment, data)
    with transaction.atomic():
        session = DeskSession.objects.create(
            assessment=assessment, tier=tier, created_by=actor, **fields
        )
        DeskAttendee.objects.bulk_create(_attendees(assessment, session, data))
        audit_record(
            actor=actor,
            action="desk.session_created",
            target=session,
            unit=assessment.unit,
            details={"tier": tier.code, "area": session.area, "at": session.starts_at.isoformat()},
        )
        _announce_session(actor, session, changed=False)
    return session


def desk_session_update(*, actor: User, session: DeskSession, data: SessionInput) -> DeskSession:
    """Change a planned session; the unit's people are told again when its time or place
    changed."""
    assessment = session.assessment
    require_tier(actor, assessment, session.tier)
    require_period_open(assessment)
    fields = _clean_session(assessment, data)
    with transaction.atomic():
        row = DeskSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if row.status != DeskSessionStatus.PLANNED:
            raise StateError(
                _("Only a planned session can be changed."),
                problems=[Problem("wrong_state", _("Only a planned session can be changed."))],
            )
        before = {k: getattr(row, k) for k in fields}
        for key, value in fields.items():
            setattr(row, key, value)
        row.save()
        row.assessment = assessment
        row.tier = session.tier
        DeskAttendee.objects.filter(session=row).delete()
        DeskAttendee.objects.bulk_create(_attendees(assessment, row, data))
        changed = [k for k in fields if before[k] != fields[k]]
        audit_record(
            actor=actor,
            action="desk.session_updated",
            target=row,
            unit=assessment.unit,
            details={"changed": changed},
        )
        if {"starts_at", "place", "meeting_url", "area"} & set(changed):
            _announce_session(actor, row, changed=True)
    return row


def desk_session_act(
    *, actor: User, session: DeskSession, action: str, outcome: str = ""
) -> DeskSession:
    """Hold, cancel or plan again (the desk-session table decides)."""
    if action not in DESK_SESSION.transitions:
        raise _invalid(_("Unknown action."), "action")
    row = engine.apply(
        DESK_SESSION,
        session,
        action,
        actor,
        tier=session.tier,
        data={"outcome": _text(outcome, "outcome")},
    )
    row.assessment = session.assessment
    return row


def desk_note_save(*, actor: User, session: DeskSession, item_code: str, note: str) -> None:
    """Write (or with an empty note, remove) the interview note on one item."""
    assessment = session.assessment
    require_tier(actor, assessment, session.tier)
    require_period_open(assessment)
    if session.status == DeskSessionStatus.CANCELLED:
        raise StateError(
            _("The session was cancelled."),
            problems=[Problem("wrong_state", _("The session was cancelled."))],
        )
    if item_code not in sheet_spec(assessment.period.framework).items:
        raise _invalid(_("No such item in this sheet."), "item", "unknown_item")
    note = _text(note, "note")
    with transaction.atomic():
        existing = DeskNote.objects.filter(session=session, item_code=item_code).first()
        if not note:
            if existing is None:
                return
            existing.delete()
        elif existing is None:
            DeskNote.objects.create(
                session=session, item_code=item_code, note=note, updated_by=actor
            )
        elif existing.note == note:
            return
        else:
            existing.note = note
            existing.updated_by = actor
            existing.save()
        audit_record(
            actor=actor,
            action="desk.note_saved",
            target=session,
            unit=assessment.unit,
            details={"item": item_code, "removed": not note},
        )


# --- assistance -----------------------------------------------------------------------------


def simulated_value(spec: SheetSpec, code: str, answer: Any) -> Decimal | None:
    """The item's value (0..1) the framework's scoring gives the simulated answer; None when
    there is none (or it is incomplete)."""
    item = spec.items.get(code)
    compiled = spec.compiled.items.get(code)
    if answer is None or item is None or compiled is None:
        return None
    scored = score_value(item, answer)
    if scored is None:
        return None
    try:
        return item_value(compiled, scored)
    except InvalidAnswers:
        return None


@dataclass(frozen=True)
class AssistanceInput:
    item_code: str
    document_check: str = ""
    simulated_answer: Any = None
    advice: str = ""


def assistance_save(
    *,
    actor: User,
    assessment: Assessment,
    tier: ReviewTier | None,
    data: AssistanceInput,
) -> AssistanceRecord:
    """Record (or change) the tier's assistance on one item; new or changed advice is handed
    to the unit's people of the item's area."""
    tier = require_tier(actor, assessment, tier)
    require_period_open(assessment)
    spec = sheet_spec(assessment.period.framework)
    item = spec.items.get(data.item_code)
    if item is None:
        raise _invalid(_("No such item in this sheet."), "item_code", "unknown_item")
    if data.document_check and data.document_check not in DocumentCheck.values:
        raise _invalid(_("Choose how complete the evidence is."), "document_check")
    try:
        simulated = parse_value(item, data.simulated_answer)
    except AnswerInvalid as exc:
        raise _invalid(exc.message, "simulated_answer") from None
    advice = _text(data.advice, "advice")
    with transaction.atomic():
        record, created = AssistanceRecord.objects.select_for_update().get_or_create(
            assessment=assessment,
            tier=tier,
            item_code=item.code,
            defaults={"created_by": actor},
        )
        before_advice = "" if created else record.advice
        record.document_check = data.document_check
        record.simulated_answer = simulated
        record.advice = advice
        record.save()
        record.assessment = assessment
        record.tier = tier
        audit_record(
            actor=actor,
            action="desk.assistance_saved",
            target=record,
            unit=assessment.unit,
            details={
                "item": item.code,
                "tier": tier.code,
                "document_check": record.document_check,
                "simulated": simulated,
                "created": created,
            },
        )
        if advice and advice != before_advice:
            handoffs.handoff(
                kind="desk.assistance_advice",
                recipients=unit_people(assessment, area=item.area),
                params={
                    "unit": assessment.unit.name,
                    "tier": tier.name,
                    "item": item.code,
                    "advice": advice[:500],
                },
                url=reverse("workflow:desk_assistance", args=[assessment.pk]),
                key=f"desk-advice:{record.pk}:{record.updated_at.isoformat()}",
                actor=actor,
            )
    return record


def assistance_follow_up(*, actor: User, record: AssistanceRecord, status: str) -> AssistanceRecord:
    """Move the follow-up to `status` (open, in_progress, done)."""
    action = ASSISTANCE_TARGETS.get(status)  # type: ignore[call-overload]
    if action is None:
        raise _invalid(_("Choose a follow-up status."), "status")
    row = engine.apply(
        ASSISTANCE, record, action, actor, tier=record.tier, items=[record.item_code]
    )
    row.assessment = record.assessment
    return row


def unit_user_ids(values: Iterable[object]) -> list[int]:
    """Ids from a form's or request's list, bounded (bad ones are dropped)."""
    from zona.core.api.params import int_or_none

    return [i for i in (int_or_none(v) for v in values) if i is not None]
