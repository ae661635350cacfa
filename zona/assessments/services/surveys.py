"""The unit's surveys in the sheet: IPAK into B.I.a and IPKP into B.II.a (filled), and the
number of SKM rounds as the suggested answer to A.I.6.iv.a (taken only by a person)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.models import User
from zona.assessments.models import Answer, AnswerSource, Assessment, AssessmentStatus, PeriodStatus
from zona.assessments.selectors import survey_indices
from zona.assessments.services._common import invalid
from zona.assessments.services.answers import (
    UNSET,
    Saved,
    answer_save,
    apply_answer,
    layer_for,
    lock_assessment,
)
from zona.assessments.sheet import format_index, sheet_spec, skm_rounds_answer
from zona.audit.services import audit_record

# Indices are passed around as the surveys app returns them (see docs/dev-contract.md).
Indices = Mapping[str, Any]


def _wanted(assessment: Assessment, indices: Indices | None) -> dict[str, Any]:
    """Item code -> the index the unit's surveys give (None: the unit has none this year)."""
    spec = sheet_spec(assessment.period.framework)
    sources = {
        item.code: item.source
        for item in spec.items.values()
        if item.answer_type == "NUM4" and item.source
    }
    if not sources:
        return {}
    if indices is None:
        indices = survey_indices(assessment) or {}
    wanted: dict[str, Any] = {}
    for code, source in sources.items():
        # After a return of chosen items, only those are the unit's to change again.
        if not assessment.item_reopened(code):
            continue
        index = indices.get(source)
        wanted[code] = None if index is None else format_index(Decimal(str(index)))
    return wanted


def _needs(answer: Answer | None, value: str | None) -> bool:
    if value is None:
        # No survey (any more): an index filled from one becomes the unit's to type.
        return answer is not None and answer.source == AnswerSource.SURVEY
    return answer is None or answer.source != AnswerSource.SURVEY or answer.value != value


def answers_fill_from_surveys(
    *, assessment: Assessment, indices: Indices | None = None
) -> list[str]:
    """Put the unit's survey indices into the sheet while the unit is still filling it.

    A unit that runs its SPAK/SPKP in Zona gets the index written into its layer (marked
    as coming from the survey, so the unit cannot type over it); a unit without surveys in
    Zona types the index from its survey report. A submitted sheet is never touched, and a
    sheet returned for chosen items only in those items. Every change is in the item's
    history like any other. `indices` may be passed when the caller already read them
    (`selectors.survey_indices`). Returns the items changed.
    """
    if (
        assessment.status == AssessmentStatus.SUBMITTED
        or assessment.period.status == PeriodStatus.CLOSED
    ):
        return []
    wanted = _wanted(assessment, indices)
    if not wanted:
        return []
    current = {
        a.item_code: a
        for a in Answer.objects.filter(
            layer__assessment=assessment, layer__tier__isnull=True, item_code__in=list(wanted)
        )
    }
    if not any(_needs(current.get(code), value) for code, value in wanted.items()):
        return []
    spec = sheet_spec(assessment.period.framework)
    changed: list[str] = []
    with transaction.atomic():
        locked = lock_assessment(assessment)
        if locked.status == AssessmentStatus.SUBMITTED:
            return []
        layer = layer_for(locked, None)
        answers = {
            a.item_code: a
            for a in Answer.objects.select_for_update().filter(
                layer=layer, item_code__in=list(wanted)
            )
        }
        for code, value in wanted.items():
            answer = answers.get(code)
            if not locked.item_reopened(code) or not _needs(answer, value):
                continue
            apply_answer(
                actor=None,
                assessment=locked,
                layer=layer,
                item=spec.items[code],
                answer=answer,
                value=UNSET if value is None else value,
                note=UNSET,
                revision=None,
                via="survey",
                source=AnswerSource.MANUAL if value is None else AnswerSource.SURVEY,
            )
            changed.append(code)
        if changed:
            audit_record(
                actor=None,
                action="assessment.survey_indices_filled",
                target=locked,
                unit=locked.unit,
                details={code: wanted[code] for code in changed},
            )
    return changed


def answer_accept_survey_suggestion(
    *, actor: User, assessment: Assessment, item_code: str, revision: int | None
) -> Saved:
    """Take the answer the unit's surveys suggest for an item (A.I.6.iv.a: SKM rounds).

    The number of rounds is read again now, not taken from the page, and the save goes
    through `answer_save` with its rights, locks and revision check.
    """
    item = sheet_spec(assessment.period.framework).items.get(item_code)
    indices = survey_indices(assessment) or {}
    value = skm_rounds_answer(item, indices.get("skm_rounds")) if item else None
    if value is None:
        raise invalid(
            _("The unit's surveys suggest no answer for this item."), code="no_suggestion"
        )
    return answer_save(
        actor=actor,
        assessment=assessment,
        item_code=item_code,
        revision=revision,
        value=value,
        via="survey",
    )
