"""The TPN's work on nominations (issue 11 §3): each stage's decision through the
nomination's table, the follow-up the unit sends and the TPN accepts, the agency's appeal,
the field evaluation, the KPK's and the Ombudsman's clearance, the determination (the
register's `predicate_grant`) and the sampling plan.

Every write is audited in its transaction; every move of a stage goes through
`zona.workflow.engine.apply(NOMINATION, ...)`, which records the stage's event.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zona.accounts.models import Unit, User
from zona.assessments.uploads import check_file
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.national.access_tpn import is_tpn_member, may_upload_follow_up
from zona.national.models import (
    Clearance,
    ClearanceBody,
    ClearanceResult,
    FieldEvaluation,
    FieldMode,
    FollowUpItem,
    Nomination,
    NominationAppeal,
    NominationStatus,
    SamplingMethod,
    SamplingPlan,
)
from zona.national.selectors.tpn import nomination_audience, tpn_members, tpn_members_by_ids
from zona.national.tables.nomination import NOMINATION, last_stage_day
from zona.notifications.services.inbox import notify
from zona.workflow.engine import apply

MAX_TEXT = 5000
MAX_REF = 200
S = NominationStatus

# Actions whose twin leads straight to clearance for a nomination outside the sample.
UNSAMPLED_TWIN = {
    "pass": "pass_unsampled",
    "resolve": "resolve_unsampled",
    "uphold": "uphold_unsampled",
}
# What a TPN member decides with nomination_decide (the others have their own service).
DECISIONS = frozenset(
    {
        "pass",
        "pass_with_notes",
        "fail",
        "resolve",
        "close_follow_up",
        "close_appeal",
        "uphold",
        "reject_appeal",
        "desk_done",
        "field_done",
        "clear",
        "not_cleared",
        "not_award",
    }
)


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _url(nomination: Nomination) -> str:
    return reverse("national:nomination", args=[nomination.pk])


def _tell_unit(nomination: Nomination, actor: Any, note: str = "") -> None:
    """The unit's people and the agency learn the nomination's new stage."""
    notify(
        recipients=nomination_audience(nomination),
        kind="nomination.stage",
        params={
            "unit": nomination.unit.name,
            "year": nomination.year,
            "stage": nomination.status,
            "note": note,
        },
        url=_url(nomination),
        actor=actor,
        key=f"nomination:{nomination.pk}:{nomination.status}",
    )


def _tell_tpn(nomination: Nomination, actor: Any, kind: str) -> None:
    notify(
        recipients=tpn_members(),
        kind=kind,
        params={"unit": nomination.unit.name, "year": nomination.year},
        url=_url(nomination),
        actor=actor,
    )


def _members(actor: User, member_ids: Sequence[int] | None) -> list[User]:
    """The TPN members who took the decision (the actor when none is named)."""
    if not member_ids:
        return [actor]
    members = tpn_members_by_ids(member_ids)
    if len(members) != len(set(member_ids)):
        raise ValidationFailed(
            _("Check the members."),
            problems=[Problem("members", _("Name only members of the TPN."), field="members")],
        )
    return members


def _text(value: str, name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(
            _("Check the form."), problems=[Problem("required", _("Fill this in."), field=name)]
        )
    if len(text) > limit:
        raise ValidationFailed(
            _("Check the form."),
            problems=[
                Problem("too_long", _("At most %(n)s characters.") % {"n": limit}, field=name)
            ],
        )
    return text


def _store(prefix: str, upload: File | None) -> tuple[str, str, str]:
    """Check and keep an uploaded file: (stored path, shown name, sha256), or empties."""
    if upload is None:
        return "", "", ""
    checked = check_file(upload)
    stored = default_storage.save(f"tpn/{prefix}/{uuid.uuid4().hex}/{checked.name}", upload)
    return stored, checked.name, checked.sha256


def _require_tpn(actor: Any) -> None:
    if not is_tpn_member(actor):
        raise PermissionDenied(_("Only a TPN member decides a nomination's stages."))


# --- stage decisions -------------------------------------------------------------------------


def nomination_decide(
    *,
    actor: User,
    nomination: Nomination,
    action: str,
    held_on: dt.date | None,
    notes: str = "",
    members: Sequence[int] | None = None,
    follow_up: Sequence[dict[str, str]] = (),
    now: dt.datetime | None = None,
) -> Nomination:
    """A TPN member's decision on the nomination's stage (`action` of tables/nomination.py):
    the day, the members, the notes (the reason, where one is needed). For a nomination
    outside the sample, passing leads straight to clearance."""
    if action not in DECISIONS:
        raise ValidationFailed(
            _("Unknown action."), problems=[Problem("unknown_action", _("Unknown action."))]
        )
    if action in UNSAMPLED_TWIN and nomination.sampled is False:
        action = UNSAMPLED_TWIN[action]
    people = _members(actor, members)
    with transaction.atomic():
        row = apply(
            NOMINATION,
            nomination,
            action,
            actor,
            now=now,
            reason=notes or "",
            data={"held_on": held_on, "members": people, "follow_up": list(follow_up)},
        )
        _tell_unit(row, actor, notes or "")
    return row


def nomination_award(
    *,
    actor: User,
    nomination: Nomination,
    decree_number: str,
    decree_date: dt.date | None,
    kind: str = "",
    notes: str = "",
    members: Sequence[int] | None = None,
    now: dt.datetime | None = None,
) -> Nomination:
    """The determination: the predicate (the nomination's target unless named) by its
    decree, recorded in the register (refused there without a decree number, with a date
    in the future or before the year, or when the unit has it for the year already)."""
    people = _members(actor, members)
    with transaction.atomic():
        row = apply(
            NOMINATION,
            nomination,
            "award",
            actor,
            now=now,
            reason=notes or "",
            data={
                "decree_number": decree_number,
                "decree_date": decree_date,
                "kind": kind or nomination.target,
                "members": people,
            },
        )
        _tell_unit(row, actor, notes or "")
    return row


# --- the appeal -------------------------------------------------------------------------------


def nomination_appeal(
    *,
    actor: User,
    nomination: Nomination,
    reason: str,
    evidence: File | None = None,
    now: dt.datetime | None = None,
) -> Nomination:
    """The agency's appeal of a failed selection, within the year's window."""
    now = now or timezone.now()
    stored, name, digest = _store(f"appeals/{nomination.pk}", evidence)
    appeal = NominationAppeal(
        reason=(reason or "").strip(),
        evidence=stored,
        evidence_name=name,
        evidence_sha256=digest,
        filed_by=actor,
        filed_at=now,
    )
    try:
        with transaction.atomic():
            row = apply(
                NOMINATION,
                nomination,
                "appeal",
                actor,
                now=now,
                reason=reason or "",
                data={"held_on": timezone.localdate(now), "appeal": appeal},
            )
            _tell_tpn(row, actor, "nomination.appealed")
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return row


# --- follow-up --------------------------------------------------------------------------------


def follow_up_upload(
    *, actor: User, item: FollowUpItem, upload: File, now: dt.datetime | None = None
) -> FollowUpItem:
    """The unit sends the corrected document of one follow-up item, by its deadline."""
    now = now or timezone.now()
    nomination = item.nomination
    if not may_upload_follow_up(actor, nomination):
        raise PermissionDenied(_("Only the unit or its agency sends the follow-up."))
    if upload is None:
        raise ValidationFailed(
            _("Choose the file."),
            problems=[Problem("file_required", _("Choose the file."), field="file")],
        )
    stored, name, digest = _store(f"follow-up/{nomination.pk}", upload)
    try:
        with transaction.atomic():
            row = (
                FollowUpItem.objects.select_for_update()
                .select_related("nomination")
                .get(pk=item.pk)
            )
            if row.nomination.status != S.FOLLOW_UP:
                raise StateError(_("The follow-up of this nomination is closed."))
            if row.accepted_at is not None:
                raise StateError(_("The TPN has already accepted this document."))
            if timezone.localdate(now) > row.due_on:
                raise StateError(
                    _("The follow-up was due on %(date)s.") % {"date": _day(row.due_on)}
                )
            old = row.file.name if row.file else ""
            row.file = stored
            row.file_name = name
            row.file_sha256 = digest
            row.uploaded_by = actor
            row.uploaded_at = now
            row.save()
            audit_record(
                actor=actor,
                action="nomination.follow_up_uploaded",
                target=row.nomination,
                unit=row.nomination.unit,
                details={"kind": row.kind, "file": name, "sha256": digest},
            )
            _tell_tpn(row.nomination, actor, "nomination.follow_up_sent")
    except Exception:
        default_storage.delete(stored)
        raise
    if old:
        # The replaced file is no longer referenced (the audit keeps its digest).
        transaction.on_commit(lambda: default_storage.delete(old))
    return row


def follow_up_accept(
    *,
    actor: User,
    item: FollowUpItem,
    held_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> FollowUpItem:
    """The TPN accepts one sent document; the last one accepted completes the follow-up and
    the nomination goes on (to desk evaluation, or to clearance outside the sample)."""
    _require_tpn(actor)
    now = now or timezone.now()
    with transaction.atomic():
        row = FollowUpItem.objects.select_for_update().select_related("nomination").get(pk=item.pk)
        if row.nomination.status != S.FOLLOW_UP:
            raise StateError(_("The follow-up of this nomination is closed."))
        if not row.file:
            raise StateError(_("The unit has not sent this document yet."))
        if row.accepted_at is not None:
            return row
        row.accepted_by = actor
        row.accepted_at = now
        row.save(update_fields=["accepted_by", "accepted_at"])
        audit_record(
            actor=actor,
            action="nomination.follow_up_accepted",
            target=row.nomination,
            unit=row.nomination.unit,
            details={"kind": row.kind},
        )
        if not FollowUpItem.objects.filter(
            nomination=row.nomination, accepted_at__isnull=True
        ).exists():
            nomination_decide(
                actor=actor,
                nomination=row.nomination,
                action="resolve",
                held_on=held_on or timezone.localdate(now),
                now=now,
            )
    return row


# --- field evaluation --------------------------------------------------------------------------


@dataclass
class FieldInput:
    scheduled_on: dt.date | None = None
    mode: str = ""
    place: str = ""
    interviews: str | None = None
    observations: str | None = None
    findings: str | None = None
    findings_file: File | None = None


def field_save(
    *, actor: User, nomination: Nomination, data: FieldInput, now: dt.datetime | None = None
) -> FieldEvaluation:
    """Schedule the field evaluation (from desk evaluation on) and record what it found
    (interviews, observations, findings and their file) once it is under way."""
    _require_tpn(actor)
    now = now or timezone.now()
    problems: list[Problem] = []
    if data.scheduled_on is None:
        problems.append(
            Problem("required", _("Give the date of the evaluation."), field="scheduled_on")
        )
    else:
        previous = last_stage_day(nomination)
        if previous is not None and data.scheduled_on < previous:
            problems.append(
                Problem(
                    "date_order",
                    _("The date cannot be before %(date)s, the date of the previous stage.")
                    % {"date": _day(previous)},
                    field="scheduled_on",
                )
            )
    if data.mode not in FieldMode.values:
        problems.append(
            Problem("mode", _("Choose a site visit or an online session."), field="mode")
        )
    recording = (
        any(v is not None for v in (data.interviews, data.observations, data.findings))
        or data.findings_file is not None
    )
    if recording and nomination.status != S.FIELD:
        problems.append(
            Problem("not_field", _("Findings are recorded during the field evaluation."))
        )
    if recording and data.scheduled_on is not None and data.scheduled_on > timezone.localdate(now):
        problems.append(
            Problem(
                "field_in_future",
                _("The field evaluation is on %(date)s; record its findings afterwards.")
                % {"date": _day(data.scheduled_on)},
                field="findings",
            )
        )
    if problems:
        raise ValidationFailed(_("The field evaluation was not saved."), problems=problems)
    if nomination.status not in (S.DESK, S.FIELD):
        raise StateError(_("The field evaluation is planned during desk or field evaluation."))
    place = _text(data.place, "place", limit=500)
    texts = {
        name: _text(value, name)
        for name, value in (
            ("interviews", data.interviews),
            ("observations", data.observations),
            ("findings", data.findings),
        )
        if value is not None
    }
    assert data.scheduled_on is not None  # checked above
    stored, name, digest = _store(f"field/{nomination.pk}", data.findings_file)
    try:
        with transaction.atomic():
            row = FieldEvaluation.objects.select_for_update().filter(nomination=nomination).first()
            if row is None:
                row = FieldEvaluation(nomination=nomination)
            row.scheduled_on = data.scheduled_on
            row.mode = data.mode
            row.place = place
            for key, value in texts.items():
                setattr(row, key, value)
            if stored:
                row.findings_file = stored
                row.findings_name = name
                row.findings_sha256 = digest
            row.updated_by = actor
            row.save()
            audit_record(
                actor=actor,
                action="nomination.field_recorded" if recording else "nomination.field_scheduled",
                target=nomination,
                unit=nomination.unit,
                details={
                    "scheduled_on": row.scheduled_on.isoformat() if row.scheduled_on else None,
                    "evaluation_mode": row.mode,
                    **({"findings_file": name} if name else {}),
                },
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return row


# --- clearance ----------------------------------------------------------------------------------


@dataclass
class ClearanceInput:
    body: str = ""
    result: str = ""
    issued_on: dt.date | None = None
    reference: str = ""
    note: str = ""
    document: File | None = None
    members: list[int] = field(default_factory=list)


def clearance_record(
    *, actor: User, nomination: Nomination, data: ClearanceInput, now: dt.datetime | None = None
) -> Nomination:
    """The KPK's or the Ombudsman's answer. A negative one stops the nomination (with the
    note as the reason); when both are clear, the nomination goes to determination."""
    _require_tpn(actor)
    now = now or timezone.now()
    problems: list[Problem] = []
    if data.body not in ClearanceBody.values:
        problems.append(Problem("body", _("Choose the KPK or the Ombudsman."), field="body"))
    if data.result not in ClearanceResult.values:
        problems.append(Problem("result", _("Choose clear or not clear."), field="result"))
    if data.issued_on is None:
        problems.append(
            Problem("required", _("Give the date of the clearance."), field="issued_on")
        )
    elif data.issued_on > timezone.localdate(now):
        problems.append(
            Problem("date_in_future", _("The date cannot be in the future."), field="issued_on")
        )
    if data.result == ClearanceResult.NOT_CLEAR and not (data.note or "").strip():
        problems.append(Problem("reason_required", _("Give the reason."), field="note"))
    if problems:
        raise ValidationFailed(_("The clearance was not recorded."), problems=problems)
    reference = _text(data.reference, "reference", limit=MAX_REF)
    note = _text(data.note, "note")
    if nomination.status != S.CLEARANCE:
        raise StateError(_("Clearances are recorded at the clearance stage."))
    stored, name, digest = _store(f"clearance/{nomination.pk}", data.document)
    assert data.issued_on is not None  # checked above
    try:
        with transaction.atomic():
            row = Clearance.objects.select_for_update().filter(
                nomination=nomination, body=data.body
            ).first() or Clearance(nomination=nomination, body=data.body)
            row.result = data.result
            row.issued_on = data.issued_on
            row.reference = reference
            row.note = note
            if stored:
                row.document = stored
                row.document_name = name
                row.document_sha256 = digest
            row.recorded_by = actor
            row.recorded_at = now
            row.save()
            audit_record(
                actor=actor,
                action="nomination.clearance_recorded",
                target=nomination,
                unit=nomination.unit,
                details={
                    "body": data.body,
                    "result": data.result,
                    "issued_on": data.issued_on.isoformat(),
                    "reference": reference,
                },
            )
            held_on = max(data.issued_on, last_stage_day(nomination) or data.issued_on)
            if data.result == ClearanceResult.NOT_CLEAR:
                nomination = nomination_decide(
                    actor=actor,
                    nomination=nomination,
                    action="not_cleared",
                    held_on=held_on,
                    notes=f"{ClearanceBody(data.body).label}: {note}",
                    members=data.members,
                    now=now,
                )
            elif Clearance.objects.filter(
                nomination=nomination, result=ClearanceResult.CLEAR
            ).count() == len(ClearanceBody.values):
                nomination = nomination_decide(
                    actor=actor,
                    nomination=nomination,
                    action="clear",
                    held_on=held_on,
                    members=data.members,
                    now=now,
                )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return nomination


# --- sampling ----------------------------------------------------------------------------------

# Stages at which the sample may still be drawn (nothing evaluated yet).
BEFORE_EVALUATION = frozenset({S.ADMIN, S.FOLLOW_UP, S.FAILED, S.APPEAL})


def sampling_set(
    *,
    actor: User,
    agency: Unit,
    year: int,
    method: str,
    chosen: Iterable[int] = (),
    size: int | None = None,
    seed: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> SamplingPlan:
    """The TPN evaluates a sample of the agency's nominations of `year`: chosen by hand
    (`chosen` nomination ids) or drawn at random (`size` of them, with a recorded seed so the
    draw can be repeated). The others skip desk and field evaluation. Only before any of the
    agency's nominations of the year reached desk evaluation."""
    _require_tpn(actor)
    now = now or timezone.now()
    note = _text(note, "note")
    with transaction.atomic():
        nominations = list(
            Nomination.objects.select_for_update()
            .filter(proposal__agency=agency, year=year)
            .order_by("pk")
        )
        if not nominations:
            raise ValidationFailed(
                _("The agency has no nominations in %(year)s.") % {"year": year},
                problems=[
                    Problem(
                        "no_nominations",
                        _("The agency has no nominations in %(year)s.") % {"year": year},
                    )
                ],
            )
        late = [n for n in nominations if n.status not in BEFORE_EVALUATION]
        if late:
            raise StateError(
                _(
                    "%(unit)s is already past the administrative selection; the sample is "
                    "drawn before."
                )
                % {"unit": late[0].unit.name}
            )
        ids = [n.pk for n in nominations]
        if method == SamplingMethod.MANUAL:
            picked = {int(x) for x in chosen}
            if not picked or not picked <= set(ids):
                raise ValidationFailed(
                    _("Choose the sampled nominations among the agency's."),
                    problems=[
                        Problem(
                            "chosen",
                            _("Choose the sampled nominations among the agency's."),
                            field="chosen",
                        )
                    ],
                )
            seed = ""
        elif method == SamplingMethod.RANDOM:
            if size is None or not 1 <= size <= len(ids):
                raise ValidationFailed(
                    _("The sample size is between 1 and %(n)s.") % {"n": len(ids)},
                    problems=[
                        Problem(
                            "size",
                            _("The sample size is between 1 and %(n)s.") % {"n": len(ids)},
                            field="size",
                        )
                    ],
                )
            seed = (seed or "").strip()[:64] or secrets.token_hex(8)
            picked = set(random.Random(seed).sample(ids, size))
        else:
            raise ValidationFailed(
                _("Choose by hand or a random draw."),
                problems=[Problem("method", _("Choose by hand or a random draw."), field="method")],
            )
        plan, _created = SamplingPlan.objects.update_or_create(
            agency=agency,
            year=year,
            defaults={
                "method": method,
                "seed": seed,
                "size": len(picked),
                "note": note,
                "created_by": actor,
                "created_at": now,
            },
        )
        for n in nominations:
            if n.sampled != (n.pk in picked):
                Nomination.objects.filter(pk=n.pk).update(sampled=n.pk in picked)
        audit_record(
            actor=actor,
            action="nomination.sampling_set",
            target=plan,
            unit=agency,
            details={
                "year": year,
                "method": method,
                "seed": seed,
                "sampled": sorted(n.unit.code for n in nominations if n.pk in picked),
                "not_sampled": sorted(n.unit.code for n in nominations if n.pk not in picked),
            },
        )
    return plan
