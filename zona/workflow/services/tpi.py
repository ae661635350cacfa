"""TPI (issue 10 §8): the agency's gates, the facts and overrides the TPI records on a
sheet, the two stages of its review, and the panel that decides per unit; every write
audited, every refusal changes nothing.

Hand-offs: a confirmed panel tells each decided unit (its operators and head) and the
agency administrators ("tpi.proposed" / "tpi.not_proposed").
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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

from zona.accounts.models import Unit, User
from zona.assessments.models import Period, PeriodStatus
from zona.assessments.uploads import check_file
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.workflow import engine, handoffs
from zona.workflow.models import (
    ChainStep,
    GateComparison,
    GateKind,
    GateSource,
    GateValueType,
    PanelStatus,
    StageStatus,
    TierReview,
    TpiDecision,
    TpiGate,
    TpiGateFact,
    TpiGateOverride,
    TpiPanel,
    TpiStage,
    TpiStepConfig,
)
from zona.workflow.selectors.tpi import (
    access_panel_sheet,
    evaluate_gates,
    gates_refusal,
    is_period_admin,
    may_hold_panel,
    recipients_of_decision,
    tpi_actor_refusal,
    valid_value,
)
from zona.workflow.tables.tpi import TPI_PANEL, TPI_STAGE

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "tpi_gates.yaml"
MAX_TEXT = 5000
MAX_SHORT = 300


def stage_1_text() -> str:
    return _("Stage 1 is not finished: return the findings to the unit (or close it) first.")


def _fail(problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(problems[0].message, problems=problems)


def _refuse(refused: Any) -> None:
    if refused is not None:
        error = PermissionDenied if refused.code.startswith("not_") else StateError
        raise error(refused.message, problems=refused.problems())


def _too_long(value: str, limit: int, field: str) -> Problem | None:
    if len(value) > limit:
        return Problem("too_long", _("At most %(n)s characters.") % {"n": limit}, field)
    return None


# --- the TPI step ---------------------------------------------------------------------------


def tpi_step_mark(*, actor: User, period: Period, step: ChainStep | None) -> ChainStep | None:
    """Mark `step` as the period's TPI step (None: no TPI step). The period's administrator
    only; once a panel exists the step stays."""
    if not is_period_admin(actor, period):
        raise PermissionDenied(_("Only the agency administrator marks the TPI step."))
    if step is not None and step.period_id != period.pk:
        raise _fail([Problem("unknown_step", _("Choose a step of this period's chain."), "step")])
    with transaction.atomic():
        current = TpiStepConfig.objects.select_for_update().filter(step__period=period).first()
        if current is not None and (step is None or current.step_id != step.pk):
            if TpiPanel.objects.filter(period=period).exists():
                raise StateError(
                    _("The period already has TPI panels; its TPI step can no longer change."),
                    problems=[Problem("panels_exist", _("The period already has TPI panels."))],
                )
            current.delete()
        if step is not None and (current is None or current.step_id != step.pk):
            TpiStepConfig.objects.create(step=step, created_by=actor)
        audit_record(
            actor=actor,
            action="tpi.step_marked",
            target=period,
            unit=period.agency,
            details={"step": step.pk if step else None, "tier": step.tier.code if step else None},
        )
    return step


# --- gates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateInput:
    name: str
    kind: str
    value_type: str
    comparison: str
    required: str
    source: str = ""
    scale: Sequence[str] = ()
    target: str = ""
    description: str = ""
    stops_on_failure: bool = False
    active: bool = True
    position: int = 0
    code: str = ""


def _clean_gate(agency: Unit, data: GateInput, *, exclude: int | None = None) -> dict[str, Any]:
    problems: list[Problem] = []
    name = (data.name or "").strip()
    if not name:
        problems.append(Problem("required", _("Give the gate a name."), "name"))
    elif p := _too_long(name, 200, "name"):
        problems.append(p)
    description = (data.description or "").strip()
    if p := _too_long(description, MAX_TEXT, "description"):
        problems.append(p)
    if data.kind not in GateKind.values:
        problems.append(Problem("invalid_kind", _("Choose computed or recorded."), "kind"))
    source = data.source or ""
    if data.kind == GateKind.COMPUTED and source not in (GateSource.HASIL, GateSource.PREDICATE):
        problems.append(
            Problem("invalid_source", _("Choose what the gate is computed from."), "source")
        )
    if data.kind == GateKind.RECORDED:
        source = ""
    value_type = GateValueType.YES_NO if data.kind == GateKind.COMPUTED else data.value_type
    if value_type not in GateValueType.values:
        problems.append(Problem("invalid_value_type", _("Choose the kind of value."), "value_type"))
    if data.comparison not in GateComparison.values:
        problems.append(Problem("invalid_comparison", _("Choose a comparison."), "comparison"))
    scale = [str(s).strip() for s in data.scale if str(s).strip()][:20]
    if value_type == GateValueType.GRADE and len(scale) < 2:
        problems.append(
            Problem(
                "scale_required", _("List the grades, best first (for example AA, A, BB)."), "scale"
            )
        )
    if len(set(scale)) != len(scale):
        problems.append(Problem("duplicate_grade", _("A grade is listed twice."), "scale"))
    target = (data.target or "").strip()
    if len(target) > 16:
        problems.append(Problem("too_long", _("At most %(n)s characters.") % {"n": 16}, "target"))
    code = slugify(data.code or name)[:40].strip("-") or "gate"
    taken = TpiGate.objects.filter(agency=agency, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        problems.append(
            Problem("duplicate_code", _("The agency already has a gate with this code."), "code")
        )
    if problems:
        raise _fail(problems)
    required = (data.required or "").strip()
    probe = TpiGate(
        value_type=value_type, comparison=data.comparison, required=required, scale=scale
    )
    if not required or not valid_value(probe, required):
        raise _fail(
            [
                Problem(
                    "invalid_required",
                    _(
                        "The required value does not fit the kind of value "
                        "(a number, a grade of the scale, or yes/no)."
                    ),
                    "required",
                )
            ]
        )
    return {
        "code": code,
        "name": name,
        "description": description,
        "kind": data.kind,
        "source": source,
        "value_type": value_type,
        "comparison": data.comparison,
        "required": required,
        "scale": scale,
        "target": target,
        "stops_on_failure": bool(data.stops_on_failure),
        "active": bool(data.active),
        "position": max(0, min(int(data.position or 0), 32000)),
    }


def _gate_details(gate: TpiGate) -> dict[str, Any]:
    return {
        k: getattr(gate, k)
        for k in (
            "code",
            "name",
            "kind",
            "source",
            "value_type",
            "comparison",
            "required",
            "scale",
            "target",
            "stops_on_failure",
            "active",
            "position",
        )
    }


def tpi_gate_create(*, actor: User, agency: Unit, data: GateInput) -> TpiGate:
    fields = _clean_gate(agency, data)
    try:
        with transaction.atomic():
            gate = TpiGate.objects.create(agency=agency, **fields)
            audit_record(
                actor=actor,
                action="tpi.gate_created",
                target=gate,
                unit=agency,
                details=_gate_details(gate),
            )
    except IntegrityError:
        raise _fail(
            [Problem("duplicate_code", _("The agency already has a gate with this code."), "code")]
        ) from None
    return gate


def tpi_gate_update(*, actor: User, gate: TpiGate, data: GateInput) -> TpiGate:
    fields = _clean_gate(gate.agency, data, exclude=gate.pk)
    before = _gate_details(gate)
    with transaction.atomic():
        row = TpiGate.objects.select_for_update().get(pk=gate.pk)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        after = _gate_details(row)
        changed = {
            k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]
        }
        if changed:
            audit_record(
                actor=actor,
                action="tpi.gate_updated",
                target=row,
                unit=row.agency,
                details={"code": row.code, "changes": changed},
            )
    return row


@dataclass(frozen=True)
class StarterGate:
    data: GateInput
    name: Mapping[str, str]
    description: Mapping[str, str]


def parse_starter_gates(text: str) -> list[StarterGate]:
    """The starting set of a data file; ValueError when it is malformed."""
    doc = yaml.safe_load(text) or {}
    gates: list[StarterGate] = []
    try:
        for row in doc.get("gates") or []:
            kind = str(row["kind"])
            if kind not in GateKind.values:
                raise ValueError(f"gate {row['code']}: unknown kind {kind!r}")
            data = GateInput(
                name="",
                code=slugify(str(row["code"]))[:40],
                kind=kind,
                source=str(row.get("source") or ""),
                value_type=str(row.get("value_type") or GateValueType.YES_NO),
                comparison=str(row.get("comparison") or "eq"),
                required=str(row["required"]),
                scale=[str(s) for s in row.get("scale") or []],
                target=str(row.get("target") or ""),
                stops_on_failure=bool(row.get("stops_on_failure", False)),
            )
            probe = TpiGate(
                value_type=data.value_type if kind == GateKind.RECORDED else GateValueType.YES_NO,
                comparison=data.comparison,
                required=data.required,
                scale=list(data.scale),
            )
            if not valid_value(probe, data.required):
                raise ValueError(f"gate {data.code}: required value does not fit")
            gates.append(StarterGate(data, dict(row["name"]), dict(row.get("description") or {})))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed TPI gate data: {exc}") from exc
    codes = [g.data.code for g in gates]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate codes in TPI gate data")
    return gates


@functools.cache
def starter_gates() -> list[StarterGate]:
    return parse_starter_gates(DATA_FILE.read_text(encoding="utf-8"))


def _text(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("id") or next(iter(texts.values()), "")


def tpi_gates_take_starters(*, actor: User, agency: Unit) -> list[TpiGate]:
    """Copy the data file's gates into the agency (in the actor's language); gates the
    agency already has (same code) are left as they are. Returns the gates added."""
    language = (get_language() or "id")[:2]
    added: list[TpiGate] = []
    with transaction.atomic():
        have = set(TpiGate.objects.filter(agency=agency).values_list("code", flat=True))
        for position, starter in enumerate(starter_gates(), start=1):
            d = starter.data
            if d.code in have:
                continue
            added.append(
                TpiGate.objects.create(
                    agency=agency,
                    code=d.code,
                    name=_text(starter.name, language)[:200],
                    description=_text(starter.description, language) if starter.description else "",
                    kind=d.kind,
                    source=d.source,
                    value_type=d.value_type
                    if d.kind == GateKind.RECORDED
                    else GateValueType.YES_NO,
                    comparison=d.comparison,
                    required=d.required,
                    scale=list(d.scale),
                    target=d.target,
                    stops_on_failure=d.stops_on_failure,
                    position=position,
                )
            )
        if added:
            audit_record(
                actor=actor,
                action="tpi.gates_loaded",
                target=agency,
                unit=agency,
                details={"gates": [_gate_details(g) for g in added]},
            )
    return added


# --- facts and overrides on a sheet -----------------------------------------------------------


def _sheet_gate(review: TierReview, gate: TpiGate) -> None:
    if gate.agency_id != review.assessment.period.agency_id or not gate.active:
        raise _fail([Problem("unknown_gate", _("Choose one of the agency's gates."), "gate")])


@dataclass(frozen=True)
class FactInput:
    value: str
    source: str
    evidence_url: str = ""
    evidence_file: File | None = None


def tpi_fact_record(
    *,
    actor: User,
    review: TierReview,
    gate: TpiGate,
    data: FactInput,
    now: dt.datetime | None = None,
) -> TpiGateFact:
    """Record (or correct) a recorded gate's value on the sheet, with its source."""
    now = now or timezone.now()
    _refuse(tpi_actor_refusal(actor, review))
    _sheet_gate(review, gate)
    problems: list[Problem] = []
    if gate.kind != GateKind.RECORDED:
        problems.append(
            Problem("computed_gate", _("This gate is computed from the scores."), "gate")
        )
    value = (data.value or "").strip()
    if not value or not valid_value(gate, value):
        problems.append(
            Problem(
                "invalid_value",
                _("Enter a value that fits the gate (a number, a grade of its scale, or yes/no)."),
                "value",
            )
        )
    source = (data.source or "").strip()
    if not source:
        problems.append(
            Problem(
                "source_required", _("Give the source (for example a report or letter)."), "source"
            )
        )
    elif p := _too_long(source, 2000, "source"):
        problems.append(p)
    url = (data.evidence_url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except DjangoValidationError:
            problems.append(Problem("invalid_url", _("Enter a full web address."), "evidence_url"))
    if problems:
        raise _fail(problems)
    checked = check_file(data.evidence_file) if data.evidence_file is not None else None
    stored = ""
    if checked is not None and data.evidence_file is not None:
        stored = default_storage.save(
            f"tpi/facts/{review.assessment_id}/{uuid.uuid4().hex}/{checked.name}",
            data.evidence_file,
        )
    try:
        with transaction.atomic():
            row = (
                TpiGateFact.objects.select_for_update()
                .filter(assessment=review.assessment, gate=gate)
                .first()
            )
            before = row.value if row else None
            if row is None:
                row = TpiGateFact(assessment=review.assessment, gate=gate)
            row.value = value
            row.source = source
            row.evidence_url = url
            if stored:
                row.evidence_file = stored
                row.evidence_name = checked.name if checked else ""
            row.recorded_by = actor
            row.recorded_at = now
            row.save()
            audit_record(
                actor=actor,
                action="tpi.fact_recorded",
                target=row,
                unit=review.assessment.unit,
                details={
                    "assessment": review.assessment_id,
                    "gate": gate.code,
                    "before": before,
                    "after": value,
                    "source": source[:500],
                    "url": url,
                    "file": row.evidence_name,
                },
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return row


def tpi_override(
    *,
    actor: User,
    review: TierReview,
    gate: TpiGate,
    reason: str,
    now: dt.datetime | None = None,
) -> TpiGateOverride:
    """Let a failed (or not yet known) gate pass on the sheet, with the reason."""
    _refuse(tpi_actor_refusal(actor, review))
    _sheet_gate(review, gate)
    reason = (reason or "").strip()
    if not reason:
        raise _fail([Problem("reason_required", _("Say why the gate is overridden."), "reason")])
    if p := _too_long(reason, MAX_TEXT, "reason"):
        raise _fail([p])
    with transaction.atomic():
        row, created = TpiGateOverride.objects.select_for_update().get_or_create(
            assessment=review.assessment,
            gate=gate,
            defaults={"reason": reason, "by": actor, "at": now or timezone.now()},
        )
        if not created:
            row.reason, row.by, row.at = reason, actor, now or timezone.now()
            row.save()
        audit_record(
            actor=actor,
            action="tpi.gate_overridden",
            target=row,
            unit=review.assessment.unit,
            details={"assessment": review.assessment_id, "gate": gate.code, "reason": reason},
        )
    return row


def tpi_override_withdraw(*, actor: User, review: TierReview, gate: TpiGate) -> None:
    _refuse(tpi_actor_refusal(actor, review))
    with transaction.atomic():
        row = TpiGateOverride.objects.filter(assessment=review.assessment, gate=gate).first()
        if row is None:
            return
        reason = row.reason
        row.delete()
        audit_record(
            actor=actor,
            action="tpi.override_withdrawn",
            target=review.assessment,
            unit=review.assessment.unit,
            details={"gate": gate.code, "reason": reason},
        )


# --- the stages -------------------------------------------------------------------------------


def stage_ensure(review: TierReview) -> TpiStage:
    """The stage of a TPI review (stage 1 when new)."""
    if not TpiStepConfig.objects.filter(step_id=review.step_id).exists():
        raise StateError(
            _("This tier is not the agency's TPI step."),
            problems=[Problem("not_tpi_step", _("This tier is not the agency's TPI step."))],
        )
    stage, _created = TpiStage.objects.get_or_create(review=review)
    stage.review = review
    return stage


def tpi_return_findings(
    *,
    actor: User,
    review: TierReview,
    items: Iterable[str],
    reason: str,
    now: dt.datetime | None = None,
) -> TpiStage:
    """Stage 1: the findings go back to the unit (the sheet's return); stage 2 follows."""
    with transaction.atomic():
        stage = stage_ensure(review)
        return engine.apply(
            TPI_STAGE,
            stage,
            "return_findings",
            actor,
            now=now,
            tier=review.tier,
            items=[str(i).strip() for i in items if str(i).strip()],
            reason=reason or "",
        )


def tpi_skip_findings(
    *, actor: User, review: TierReview, reason: str, now: dt.datetime | None = None
) -> TpiStage:
    """Stage 1 closes without findings (saying why); stage 2 follows."""
    with transaction.atomic():
        stage = stage_ensure(review)
        return engine.apply(
            TPI_STAGE,
            stage,
            "skip_findings",
            actor,
            now=now,
            tier=review.tier,
            reason=reason or "",
        )


# --- the panel ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelInput:
    title: str
    held_on: dt.date | None
    place: str = ""
    chair: int | None = None
    present: Sequence[int] = ()
    minutes: str = ""
    minutes_file: File | None = None


def _panel_people(panel_step: ChainStep, ids: Iterable[int | None]) -> dict[int, User]:
    """The people of the TPI step's teams among `ids` (who may chair or attend)."""
    from zona.workflow.models import ReviewTeam

    wanted = {i for i in ids if i is not None}
    found: dict[int, User] = {}
    for team in (
        ReviewTeam.objects.filter(step=panel_step)
        .select_related("lead", "controller")
        .prefetch_related("members")
    ):
        for person in [team.lead, team.controller, *team.members.all()]:
            if person is not None and person.pk in wanted:
                found[person.pk] = person
    return found


def _clean_panel(period: Period, step: ChainStep, data: PanelInput) -> dict[str, Any]:
    problems: list[Problem] = []
    title = (data.title or "").strip()
    if not title:
        problems.append(Problem("required", _("Give the meeting a title."), "title"))
    elif p := _too_long(title, 200, "title"):
        problems.append(p)
    if data.held_on is None:
        problems.append(Problem("required", _("Give the date of the meeting."), "held_on"))
    elif data.held_on < step.opens_on:
        problems.append(
            Problem(
                "date_before_review",
                _("The meeting cannot be before the TPI review opens (%(date)s).")
                % {"date": step.opens_on.isoformat()},
                "held_on",
            )
        )
    elif data.held_on.year > period.year + 1:
        problems.append(
            Problem(
                "date_out_of_period", _("The date is too far after the period's year."), "held_on"
            )
        )
    place = (data.place or "").strip()
    if p := _too_long(place, MAX_SHORT, "place"):
        problems.append(p)
    minutes = (data.minutes or "").strip()
    if p := _too_long(minutes, 50000, "minutes"):
        problems.append(p)
    people = _panel_people(step, [data.chair, *data.present])
    if data.chair is not None and data.chair not in people:
        problems.append(
            Problem("unknown_person", _("The chair must be a member of a TPI team."), "chair")
        )
    unknown = [i for i in data.present if i not in people]
    if unknown:
        problems.append(
            Problem(
                "unknown_person", _("Members present must be members of a TPI team."), "present"
            )
        )
    if problems:
        raise _fail(problems)
    return {
        "title": title,
        "held_on": data.held_on,
        "place": place,
        "chair": people.get(data.chair) if data.chair is not None else None,
        "present": [people[i] for i in dict.fromkeys(data.present)],
        "minutes": minutes,
    }


def _panel_refusal(actor: User, period: Period, step: ChainStep | None) -> None:
    if not may_hold_panel(actor, period, step):
        raise PermissionDenied(
            _("Only the agency administrator or a TPI team lead holds the panel.")
        )
    if period.status == PeriodStatus.CLOSED:
        raise StateError(
            _("The period is closed; the sheet can no longer be changed."),
            problems=[
                Problem(
                    "period_closed", _("The period is closed; the sheet can no longer be changed.")
                )
            ],
        )


def _store_minutes(panel: TpiPanel, upload: File | None) -> str:
    if upload is None:
        return ""
    checked = check_file(upload)
    stored = default_storage.save(
        f"tpi/panels/{panel.period_id}/{uuid.uuid4().hex}/{checked.name}", upload
    )
    panel.minutes_file = stored
    panel.minutes_name = checked.name
    panel.minutes_sha256 = checked.sha256
    return stored


def _panel_details(panel: TpiPanel) -> dict[str, Any]:
    return {
        "title": panel.title,
        "held_on": panel.held_on.isoformat() if panel.held_on else None,
        "place": panel.place,
        "chair": panel.chair_id,
        "present": sorted(u.pk for u in panel.present.all()) if panel.pk else [],
        "minutes_file": panel.minutes_name,
    }


def tpi_panel_create(*, actor: User, period: Period, data: PanelInput) -> TpiPanel:
    from zona.workflow.selectors.tpi import tpi_step

    step = tpi_step(period)
    if step is None:
        raise StateError(
            _("Mark the TPI step of the period's chain first."),
            problems=[Problem("no_tpi_step", _("Mark the TPI step of the period's chain first."))],
        )
    _panel_refusal(actor, period, step)
    fields = _clean_panel(period, step, data)
    present = fields.pop("present")
    panel = TpiPanel(period=period, step=step, created_by=actor, **fields)
    stored = _store_minutes(panel, data.minutes_file)
    try:
        with transaction.atomic():
            panel.save()
            panel.present.set(present)
            audit_record(
                actor=actor,
                action="tpi_panel.created",
                target=panel,
                unit=period.agency,
                details=_panel_details(panel),
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return panel


def _draft(panel: TpiPanel) -> None:
    if panel.status != PanelStatus.DRAFT:
        raise StateError(
            _("The minutes are confirmed; the panel's decisions are final."),
            problems=[
                Problem(
                    "panel_confirmed",
                    _("The minutes are confirmed; the panel's decisions are final."),
                )
            ],
        )


def tpi_panel_update(*, actor: User, panel: TpiPanel, data: PanelInput) -> TpiPanel:
    _panel_refusal(actor, panel.period, panel.step)
    _draft(panel)
    fields = _clean_panel(panel.period, panel.step, data)
    present = fields.pop("present")
    before = _panel_details(panel)
    old_file = panel.minutes_file.name if panel.minutes_file else ""
    with transaction.atomic():
        row = TpiPanel.objects.select_for_update().get(pk=panel.pk)
        _draft(row)
        for name, value in fields.items():
            setattr(row, name, value)
        stored = _store_minutes(row, data.minutes_file)
        try:
            row.save()
            row.present.set(present)
            after = _panel_details(row)
            audit_record(
                actor=actor,
                action="tpi_panel.updated",
                target=row,
                unit=row.period.agency,
                details={"before": before, "after": after},
            )
        except Exception:
            if stored:
                default_storage.delete(stored)
            raise
    if stored and old_file:
        transaction.on_commit(lambda: default_storage.delete(old_file))
    return row


def tpi_panel_decide(
    *,
    actor: User,
    panel: TpiPanel,
    assessment_id: object,
    propose: bool,
    reason: str,
    now: dt.datetime | None = None,
) -> TpiDecision:
    """Record (or change) the panel's decision on one sheet. Refused in stage 1, without a
    reason, or — to propose — while a gate fails without override."""
    _panel_refusal(actor, panel.period, panel.step)
    _draft(panel)
    review = access_panel_sheet(panel, assessment_id)
    reason = (reason or "").strip()
    if not reason:
        raise _fail([Problem("reason_required", _("Give the reason for the decision."), "reason")])
    if p := _too_long(reason, MAX_TEXT, "reason"):
        raise _fail([p])
    stage = TpiStage.objects.filter(review=review).first()
    if stage is None or stage.status == StageStatus.FINDINGS:
        raise StateError(
            _("Stage 1 is not finished: return the findings to the unit (or close it) first."),
            problems=[
                Problem(
                    "tpi_stage_1",
                    stage_1_text(),
                )
            ],
        )
    gates = evaluate_gates([review.assessment], panel.step.tier)[review.assessment_id]
    if propose:
        refused = gates_refusal(gates)
        if refused is not None:
            raise StateError(refused.message, problems=refused.problems())
    with transaction.atomic():
        row = TpiPanel.objects.select_for_update().get(pk=panel.pk)
        _draft(row)
        decision, _created = TpiDecision.objects.update_or_create(
            panel=row,
            assessment=review.assessment,
            defaults={
                "propose": bool(propose),
                "reason": reason,
                "gates": gates.snapshot(),
                "decided_by": actor,
                "decided_at": now or timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action="tpi_panel.decided",
            target=decision,
            unit=review.assessment.unit,
            details={
                "panel": panel.pk,
                "assessment": review.assessment_id,
                "propose": bool(propose),
                "reason": reason[:500],
                "gates": gates.snapshot(),
            },
        )
    return decision


def tpi_panel_confirm(*, actor: User, panel: TpiPanel, now: dt.datetime | None = None) -> TpiPanel:
    """Confirm the minutes: the decisions become final, each decided sheet's stage is
    decided, and each unit and the agency administrators are told."""
    with transaction.atomic():
        done = engine.apply(TPI_PANEL, panel, "confirm", actor, now=now, tier=panel.step.tier)
        for decision in done.decisions.select_related(
            "assessment__unit", "assessment__period__agency"
        ):
            assessment = decision.assessment
            unit_people, admins = recipients_of_decision(assessment)
            params = {
                "unit": assessment.unit.name,
                "period": assessment.period.title,
                "panel": done.title,
                "held_on": done.held_on.isoformat(),
                "propose": decision.propose,
                "reason": decision.reason[:500],
            }
            kind = "tpi.proposed" if decision.propose else "tpi.not_proposed"
            handoffs.handoff(
                kind=kind,
                recipients=unit_people,
                params=params,
                url=reverse("assessments:worksheet", args=[assessment.pk]),
                key=f"tpi-decision:{decision.pk}",
                actor=actor,
            )
            handoffs.handoff(
                kind=kind,
                recipients=admins,
                params=params,
                url=reverse("workflow:tpi_panel", args=[done.pk]),
                key=f"tpi-decision-admin:{decision.pk}",
                actor=actor,
            )
    return done
