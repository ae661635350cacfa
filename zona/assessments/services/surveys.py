"""The unit's surveys in the sheet: IPAK for B.I.a, IPKP for B.II.a and the number of SKM
rounds for A.I.6.iv.a are *offered* beside the item, never written by reading a page.

An offer is taken when a person takes it (one click), or at submission for an index item
the unit left empty. An answer the unit entered is never replaced: a unit may type its own
index, e.g. from a survey run outside Zona.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from zona.accounts.models import User
from zona.assessments.models import Answer, AnswerSource, Assessment
from zona.assessments.selectors import survey_indices
from zona.assessments.services._common import invalid
from zona.assessments.services.answers import (
    UNSET,
    Saved,
    answer_save,
    apply_answer,
    layer_for,
)
from zona.assessments.services.scores import scores_refresh
from zona.assessments.sheet import sheet_spec, survey_answer, survey_index_answer
from zona.audit.services import audit_record

# Indices are passed around as the survey port gives them (zona/assessments/ports.py).
Indices = Mapping[str, Any]


def answers_fill_from_surveys(
    *, assessment: Assessment, actor: User | None = None, indices: Indices | None = None
) -> list[str]:
    """At submission: put the survey index into each index item the unit left empty.

    The caller holds the assessment's row lock (`lock_assessment`) inside its transaction;
    only items the unit may change in the sheet's state are filled, and an item with an
    answer of the unit's own is left as it is. Every fill is in the item's history (via
    "survey") and in the audit log. Returns the items filled.
    """
    spec = sheet_spec(assessment.period.framework)
    if indices is None:
        indices = survey_indices(assessment) or {}
    wanted: dict[str, str] = {}
    for code, item in spec.items.items():
        value = survey_index_answer(item, indices)
        if value is not None and assessment.item_reopened(code):
            wanted[code] = value
    if not wanted:
        return []
    layer = layer_for(assessment, None)
    answers = {
        a.item_code: a
        for a in Answer.objects.select_for_update().filter(layer=layer, item_code__in=list(wanted))
    }
    filled: list[str] = []
    for code, value in wanted.items():
        answer = answers.get(code)
        if answer is not None and answer.value is not None:
            continue
        apply_answer(
            actor=actor,
            assessment=assessment,
            layer=layer,
            item=spec.items[code],
            answer=answer,
            value=value,
            note=UNSET,
            revision=None,
            via="survey",
            source=AnswerSource.SURVEY,
        )
        filled.append(code)
    if filled:
        scores_refresh(assessment)
        audit_record(
            actor=actor,
            action="assessment.survey_indices_filled",
            target=assessment,
            unit=assessment.unit,
            details={code: wanted[code] for code in filled},
        )
    return filled


def answer_accept_survey_suggestion(
    *, actor: User, assessment: Assessment, item_code: str, revision: int | None
) -> Saved:
    """Take what the unit's surveys offer for an item: the IPAK or IPKP index, or the
    option the number of SKM rounds earns (A.I.6.iv.a).

    The offer is read again now, not taken from the page, and the save goes through
    `answer_save` with its rights, locks and revision check.
    """
    item = sheet_spec(assessment.period.framework).items.get(item_code)
    value = survey_answer(item, survey_indices(assessment)) if item else None
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
        source=AnswerSource.SURVEY,
    )
