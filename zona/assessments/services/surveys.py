"""Filling the survey indices (IPAK into B.I.a, IPKP into B.II.a) from the unit's surveys."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from zona.assessments.models import Answer, AnswerSource, Assessment, AssessmentStatus, PeriodStatus
from zona.assessments.services.answers import UNSET, apply_answer, layer_for, lock_assessment
from zona.assessments.sheet import format_index, sheet_spec
from zona.audit.services import audit_record
from zona.surveys.selectors import survey_indices_for


def _wanted(assessment: Assessment) -> dict[str, Any]:
    """Item code -> the index the unit's surveys give (None: the unit has none this year)."""
    spec = sheet_spec(assessment.period.framework)
    sources = {
        item.code: item.source
        for item in spec.items.values()
        if item.answer_type == "NUM4" and item.source
    }
    if not sources:
        return {}
    indices = survey_indices_for(assessment.unit, assessment.period.year)
    wanted: dict[str, Any] = {}
    for code, source in sources.items():
        index = indices.get(source)
        wanted[code] = None if index is None else format_index(Decimal(str(index)))
    return wanted


def _needs(answer: Answer | None, value: str | None) -> bool:
    if value is None:
        # No survey (any more): an index filled from one becomes the unit's to type.
        return answer is not None and answer.source == AnswerSource.SURVEY
    return answer is None or answer.source != AnswerSource.SURVEY or answer.value != value


def answers_fill_from_surveys(*, assessment: Assessment) -> list[str]:
    """Put the unit's survey indices into the sheet while the unit is still filling it.

    A unit that runs its SPAK/SPKP in Zona gets the index written into its layer (marked
    as coming from the survey, so the unit cannot type over it); a unit without surveys in
    Zona types the index from its survey report. A submitted sheet is never touched. Every
    change is in the item's history like any other. Returns the items changed.
    """
    if (
        assessment.status == AssessmentStatus.SUBMITTED
        or assessment.period.status == PeriodStatus.CLOSED
    ):
        return []
    wanted = _wanted(assessment)
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
            if not _needs(answer, value):
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
