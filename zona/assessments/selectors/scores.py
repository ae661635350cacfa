"""A sheet's scores per layer and its progress per worksheet section."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from zona.assessments.models import Assessment
from zona.assessments.selectors.state import UNIT_KEY, SheetState
from zona.assessments.sheet import is_incomplete, sheet_spec
from zona.frameworks.scoring import Scorecard, score_layers


@dataclass(frozen=True)
class SheetScores:
    unit: Scorecard
    layers: dict[str, Scorecard]
    effective: Scorecard
    target: str


def held_predicates(assessment: Assessment) -> frozenset[str]:
    # A unit is only proposed for a predicate once it holds those the framework says it
    # requires (WBBM: WBK), so the sheet is judged as holding them; the predicate register
    # (workflow) will replace this assumption.
    return sheet_spec(assessment.period.framework).compiled.prerequisites(assessment.target)


def sheet_scores(state: SheetState) -> SheetScores:
    fw = state.spec.compiled
    held = held_predicates(state.assessment)
    layered = score_layers(
        fw,
        [(layer.key, state.layer_values(layer)) for layer in state.layers],
        held_predicates=held,
    )
    return SheetScores(
        unit=layered.layers[UNIT_KEY],
        layers=layered.layers,
        effective=layered.effective,
        target=state.assessment.target,
    )


@dataclass
class Progress:
    total: int = 0
    answered: int = 0
    with_evidence: int = 0
    incomplete: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress_by_section(state: SheetState) -> dict[str, Progress]:
    """Items answered and items with evidence, per worksheet section and overall ("")."""
    result: dict[str, Progress] = defaultdict(Progress)
    for code, item in state.spec.items.items():
        value = state.unit_value(code)
        for key in (item.section, ""):
            progress = result[key]
            progress.total += 1
            if value is not None and not is_incomplete(item, value):
                progress.answered += 1
            elif value is not None:
                progress.incomplete += 1
            if state.links.get(code):
                progress.with_evidence += 1
    return dict(result)


def review_progress(state: SheetState, mine: str | None) -> dict[str, Progress]:
    """Per section and overall (""): items the layer keyed `mine` answered; `incomplete`
    holds the items where a reviewer layer differs from the unit."""
    result: dict[str, Progress] = {}
    answered = state.scoreable.get(mine, {}) if mine else {}
    for code, item in state.spec.items.items():
        differs = state.differs(code)
        for key in (item.section, ""):
            progress = result.setdefault(key, Progress())
            progress.total += 1
            progress.answered += code in answered
            progress.incomplete += differs
    return result
