"""What the unit's surveys give the sheet, read through the port (zona.assessments.ports)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zona.assessments.models import Assessment
from zona.assessments.ports import survey_feed
from zona.assessments.selectors.state import SheetState
from zona.assessments.sheet import links_surveys, sheet_spec, survey_answer, takes_survey_index


def survey_indices(assessment: Assessment) -> dict[str, Any] | None:
    """What the unit's surveys of the period's year give the sheet, or None when the
    framework takes nothing from surveys or no surveys app fills the port. A few indexed
    queries (zona.surveys)."""
    if not links_surveys(sheet_spec(assessment.period.framework)):
        return None
    return survey_feed().indices_for(assessment.unit, assessment.period.year)


@dataclass(frozen=True)
class SurveyOffer:
    """What the unit's surveys offer for one item, beside the unit's own answer."""

    value: str
    unit_value: Any
    # The index the value is (an index item), else the SKM rounds that earn the option.
    index: str | None = None
    skm_rounds: int | None = None


def survey_offers(state: SheetState, indices: Mapping[str, Any] | None) -> dict[str, SurveyOffer]:
    """Item code -> what the unit's surveys offer (taken only by a person, or at submission
    for an index item the unit left empty). Reading never writes."""
    if indices is None:
        return {}
    result: dict[str, SurveyOffer] = {}
    for code, item in state.spec.items.items():
        value = survey_answer(item, indices)
        if value is None:
            continue
        if takes_survey_index(item):
            offer = SurveyOffer(value, state.unit_value(code), index=item.source)
        else:
            offer = SurveyOffer(value, state.unit_value(code), skm_rounds=indices.get("skm_rounds"))
        result[code] = offer
    return result
