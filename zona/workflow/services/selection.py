"""Selection rounds (issue 10 §7): create and configure a round, override the rule for a
sheet with a written justification, confirm, close. Every change is audited; the round's
status changes only through `engine.apply` on the selection-round table.

Closing applies the confirmed result: the next tier opens for each selected sheet (the
reviews part's `open_next`), the later reviews of every other sheet close, and each unit
is told whether it was selected, and if not why (`handoffs.handoff`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import Role, RoleAssignment
from zona.assessments.models import Period, Target
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.workflow.engine import apply
from zona.workflow.handoffs import handoff
from zona.workflow.models import ChainStep, TierReview
from zona.workflow.models.selection import (
    OverrideDecision,
    RoundGrouping,
    RoundRounding,
    RoundStatus,
    SelectionOverride,
    SelectionRound,
)
from zona.workflow.selectors.selection import applicants_of, may_decide, reason_text
from zona.workflow.services.reviews import close_remaining, open_next
from zona.workflow.tables.selection import SELECTION_ROUND, late_refusal


@dataclass(frozen=True)
class RoundInput:
    """A round's configuration as typed by people (strings are checked here)."""

    quota_percent: object
    rounding: str = RoundRounding.UP
    min_per_group: object = 1
    grouping: str = RoundGrouping.TEAM
    target: str = Target.WBK
    min_pengungkit: object = None
    min_hasil: object = None


def _decimal(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def clean_round_input(data: RoundInput) -> dict[str, Any]:
    """The round's fields, or ValidationFailed naming every problem (nothing is saved)."""
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    try:
        percent = _decimal(data.quota_percent)
    except ValueError:
        percent = None
        problems.append(
            Problem(
                "invalid_number",
                _("Enter the quota as a number, e.g. 50 or 33.3."),
                "quota_percent",
            )
        )
    else:
        if percent is None:
            problems.append(Problem("required", _("Enter the quota percent."), "quota_percent"))
        elif not Decimal(0) <= percent <= Decimal(100):
            problems.append(
                Problem(
                    "quota_out_of_range",
                    _("The quota is a percent of the applicants: between 0 and 100."),
                    "quota_percent",
                )
            )
        elif percent != percent.quantize(Decimal("0.001")):
            problems.append(
                Problem("too_precise", _("Use at most three decimals."), "quota_percent")
            )
    fields["quota_percent"] = percent
    if data.rounding not in RoundRounding.values:
        problems.append(
            Problem("invalid_choice", _("Choose how the quota is rounded."), "rounding")
        )
    fields["rounding"] = data.rounding
    if data.grouping not in RoundGrouping.values:
        problems.append(Problem("invalid_choice", _("Choose the groups of the round."), "grouping"))
    fields["grouping"] = data.grouping
    if data.target not in Target.values:
        problems.append(Problem("invalid_choice", _("Choose the target predicate."), "target"))
    fields["target"] = data.target
    try:
        minimum = int(str(data.min_per_group).strip() or "1")
        if not 0 <= minimum <= 1000:
            raise ValueError
    except ValueError:
        minimum = 1
        problems.append(
            Problem(
                "invalid_minimum",
                _("The minimum per group is a whole number from 0 to 1000."),
                "min_per_group",
            )
        )
    fields["min_per_group"] = minimum
    for name, label in (("min_pengungkit", "Pengungkit"), ("min_hasil", "Hasil")):
        try:
            value = _decimal(getattr(data, name))
            if value is not None and not Decimal(0) <= value <= Decimal(100):
                raise ValueError
        except ValueError:
            value = None
            problems.append(
                Problem(
                    "invalid_minimum",
                    _("The minimum %(name)s is a number from 0 to 100, or empty.")
                    % {"name": label},
                    name,
                )
            )
        fields[name] = value
    if problems:
        raise ValidationFailed(
            _("The round was not saved: check the fields marked."), problems=problems
        )
    return fields


def _refuse_edit(actor: Any, rnd: SelectionRound) -> None:
    """Configuration and overrides change only in draft, by a decider, before it is late."""
    if rnd.status != RoundStatus.DRAFT:
        raise StateError(
            _("The round is %(status)s; move it back to draft to change it.")
            % {"status": rnd.get_status_display()},
            problems=[Problem("not_draft", _("The round is no longer a draft."))],
        )
    if not may_decide(actor, rnd):
        raise PermissionDenied(
            _("Only the agency administrator or a team lead of the tier changes this round."),
            problems=[Problem("not_round_decider", _("Not allowed."))],
        )
    late = late_refusal(rnd, timezone.localdate())
    if late is not None:
        raise StateError(late.message, problems=late.problems())


def _config(rnd: SelectionRound) -> dict[str, Any]:
    return {
        "grouping": rnd.grouping,
        "quota_percent": str(rnd.quota_percent),
        "rounding": rnd.rounding,
        "min_per_group": rnd.min_per_group,
        "target": rnd.target,
        "min_pengungkit": None if rnd.min_pengungkit is None else str(rnd.min_pengungkit),
        "min_hasil": None if rnd.min_hasil is None else str(rnd.min_hasil),
    }


def round_create(
    *, actor: Any, period: Period, step: ChainStep, data: RoundInput
) -> SelectionRound:
    """A draft round after `step` (the agency administrator)."""
    if not user_can(actor, Perm.PERIOD_MANAGE, period.agency):
        raise PermissionDenied(_("Only the agency administrator creates a selection round."))
    if step.period_id != period.pk:
        raise ValidationFailed(
            _("Choose a step of this period's chain."),
            problems=[
                Problem("invalid_choice", _("Choose a step of this period's chain."), "step")
            ],
        )
    fields = clean_round_input(data)
    with transaction.atomic():
        locked = ChainStep.objects.select_for_update().select_related("tier").get(pk=step.pk)
        if SelectionRound.objects.filter(step=locked).exists():
            raise StateError(
                _("%(tier)s already has a selection round.") % {"tier": locked.tier.name},
                problems=[Problem("round_exists", _("This step already has a round."), "step")],
            )
        rnd = SelectionRound(period=period, step=locked, created_by=actor, **fields)
        late = late_refusal(rnd, timezone.localdate())
        if late is not None:
            raise StateError(late.message, problems=late.problems())
        rnd.save()
        audit_record(
            actor=actor,
            action="selection_round.create",
            target=rnd,
            unit=period.agency,
            details={"tier": locked.tier.code, **_config(rnd)},
        )
    return rnd


def round_update(*, actor: Any, rnd: SelectionRound, data: RoundInput) -> SelectionRound:
    fields = clean_round_input(data)
    with transaction.atomic():
        locked = _lock(rnd)
        _refuse_edit(actor, locked)
        before = _config(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        after = _config(locked)
        audit_record(
            actor=actor,
            action="selection_round.update",
            target=locked,
            unit=locked.period.agency,
            details={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return locked


def _lock(rnd: SelectionRound) -> SelectionRound:
    return (
        SelectionRound.objects.select_for_update(of=("self",))
        .select_related("period__agency", "step__tier")
        .get(pk=rnd.pk)
    )


def override_set(
    *, actor: Any, rnd: SelectionRound, assessment_id: object, decision: str, justification: str
) -> SelectionOverride:
    """Include or exclude one sheet against the rule, with a written justification."""
    text = (justification or "").strip()
    problems = []
    if decision not in OverrideDecision.values:
        problems.append(Problem("invalid_choice", _("Choose include or exclude."), "decision"))
    if not text:
        problems.append(
            Problem(
                "justification_required",
                _("Write why the rule is overridden for this unit."),
                "justification",
            )
        )
    if problems:
        raise ValidationFailed(_("The override was not saved."), problems=problems)
    with transaction.atomic():
        locked = _lock(rnd)
        _refuse_edit(actor, locked)
        review = next(
            (r for r in applicants_of(locked) if str(r.assessment_id) == str(assessment_id)), None
        )
        if review is None:
            raise ValidationFailed(
                _("That sheet did not reach this tier."),
                problems=[
                    Problem("not_applicant", _("Not an applicant of this round."), "assessment")
                ],
            )
        previous = SelectionOverride.objects.filter(
            round=locked, assessment_id=review.assessment_id
        ).first()
        override, _created = SelectionOverride.objects.update_or_create(
            round=locked,
            assessment_id=review.assessment_id,
            defaults={
                "decision": decision,
                "justification": text,
                "by": actor,
                "at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action="selection_round.override",
            target=locked,
            unit=review.assessment.unit,
            details={
                "unit": review.assessment.unit.code,
                "decision": decision,
                "justification": text,
                "previous": previous.decision if previous else None,
            },
        )
    return override


def override_remove(*, actor: Any, rnd: SelectionRound, override: SelectionOverride) -> None:
    with transaction.atomic():
        locked = _lock(rnd)
        _refuse_edit(actor, locked)
        row = SelectionOverride.objects.select_related("assessment__unit").get(
            pk=override.pk, round=locked
        )
        audit_record(
            actor=actor,
            action="selection_round.override_remove",
            target=locked,
            unit=row.assessment.unit,
            details={
                "unit": row.assessment.unit.code,
                "decision": row.decision,
                "justification": row.justification,
            },
        )
        row.delete()


def round_confirm(
    *, actor: Any, rnd: SelectionRound, now: dt.datetime | None = None
) -> SelectionRound:
    """The tier confirms the selection: the preview as it stands becomes the result."""
    return apply(SELECTION_ROUND, rnd, "confirm", actor, now=now, tier=rnd.step.tier)


def round_reopen(
    *, actor: Any, rnd: SelectionRound, now: dt.datetime | None = None
) -> SelectionRound:
    return apply(SELECTION_ROUND, rnd, "reopen", actor, now=now, tier=rnd.step.tier)


def _round_url(rnd: SelectionRound) -> str:
    return reverse("workflow:selection_round", args=[rnd.pk])


def round_close(
    *, actor: Any, rnd: SelectionRound, now: dt.datetime | None = None
) -> SelectionRound:
    """Apply the confirmed result: the next tier opens for the selected sheets, the later
    reviews of the others close, and every unit is told (with the reason when not)."""
    now = now or timezone.now()
    with transaction.atomic():
        closed = apply(SELECTION_ROUND, rnd, "close", actor, now=now, tier=rnd.step.tier)
        rows = closed.result.get("rows", [])
        reviews = {
            r.pk: r
            for r in TierReview.objects.filter(
                pk__in=[row["review"] for row in rows]
            ).select_related("tier", "step", "assessment__unit", "assessment__period")
        }
        people: dict[int | None, list[Any]] = {}
        for ra in RoleAssignment.objects.filter(
            unit_id__in=[r.assessment.unit_id for r in reviews.values()],
            role__in=[Role.UNIT_HEAD, Role.UNIT_OPERATOR],
        ).select_related("user"):
            people.setdefault(ra.unit_id, []).append(ra.user)
        tier = closed.step.tier
        for row in rows:
            review = reviews.get(row["review"])
            if review is None:
                continue
            unit = review.assessment.unit
            if row["selected"]:
                open_next(review.assessment, after=review, actor=actor, now=now)
                kind, why = "selection.selected", ""
            else:
                why = reason_text(row["why"], closed)
                close_remaining(
                    review.assessment,
                    after=review,
                    actor=actor,
                    reason=_("Not selected by %(tier)s: %(why)s") % {"tier": tier.name, "why": why},
                )
                kind = "selection.not_selected"
            recipients = list({u.pk: u for u in people.get(unit.pk, [])}.values())
            if recipients:
                handoff(
                    kind=kind,
                    recipients=recipients,
                    params={
                        "unit": unit.name,
                        "period": review.assessment.period.title,
                        "tier": tier.name,
                        "reason": row["why"],
                        "reason_text": why,
                        "rank": row["rank"],
                        "group": row["group"],
                    },
                    url=reverse(
                        "workflow:review_tier", args=[review.assessment_id, review.tier.code]
                    ),
                    key=f"{kind}:{closed.pk}:{review.assessment_id}",
                    actor=actor,
                )
    return closed
