"""The planner's reads: one sheet's answers as the chosen view sees them, its stored scores,
its readiness before the deadline, and the plan (zona/insight/planner.py) on top.

Which answers: the unit plans on its own layer (`unit`), with the survey indices that its
submission would take for index items it left empty (as the submission summary counts them);
a reviewer opens the planner on the effective view (every layer, the highest tier's answer
per item, then the sheet's koefisien), read-only like everything here. Either may be asked
for (`?view=`). The current figures come from the stored scores; only the hypotheses are
scored here. Reading never writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zona.assessments.models import Assessment
from zona.assessments.selectors import (
    SheetState,
    SubmissionCounts,
    load_sheet_state,
    submission_counts,
    submission_window,
    survey_indices,
)
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    StoredView,
    empty_view,
    held_predicates,
    penalties_from_json,
    stored_fields,
    stored_scores,
)
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.sheet import (
    AnswerInvalid,
    parse_value,
    score_value,
    sheet_spec,
    survey_index_answer,
    text,
)
from zona.core.errors import Problem, ValidationFailed
from zona.frameworks.scoring import Answer, Penalty, Scorecard, effective_answers, score
from zona.insight.planner import PathPlan, plan_path

VIEWS = (UNIT_KEY, EFFECTIVE_KEY)


@dataclass(frozen=True)
class Readiness:
    """What stands between the sheet and its submission: the submission summary's counts
    (unanswered, without evidence, failing conditions of the sheet's target on the unit's
    layer) and the days left before its window closes."""

    counts: SubmissionCounts
    items: int
    closes_on: dt.date
    # "fill" or "revision" (a returned sheet's own deadline).
    window: str
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.closes_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class PlannerSheet:
    assessment: Assessment
    state: SheetState
    view: str
    target: str
    # The view's scoreable answers (what the plan and the what-if start from).
    answers: dict[str, Answer]
    # Index items filled from the unit's surveys for the plan (the unit view only).
    from_surveys: tuple[str, ...]
    penalties: tuple[Penalty, ...]
    # The view's current figures, as stored with the sheet.
    stored: StoredView
    readiness: Readiness
    plan: PathPlan

    @property
    def held(self) -> frozenset[str]:
        return held_predicates(self.state.assessment, self.target)


def default_view(*, reviewer: bool, unit_member: bool) -> str:
    """The unit's people plan on their layer; a reviewer who is not one of them sees the
    effective sheet."""
    return EFFECTIVE_KEY if reviewer and not unit_member else UNIT_KEY


def parse_view(raw: object, default: str) -> str:
    if raw in (None, ""):
        return default
    if raw not in VIEWS:
        raise ValidationFailed(
            _("Unknown view; use unit or effective."),
            problems=[Problem("unknown_view", _("Unknown view; use unit or effective."), "view")],
        )
    return str(raw)


def parse_target(assessment: Assessment, raw: object) -> str:
    """The predicate to plan for: the sheet's own target unless another is named."""
    keys = [p.key for p in sheet_spec(assessment.period.framework).compiled.predicates]
    if raw in (None, ""):
        return assessment.target if assessment.target in keys else keys[0]
    if raw not in keys:
        message = _("Unknown target; choose one of %(keys)s.") % {"keys": ", ".join(keys)}
        raise ValidationFailed(message, problems=[Problem("unknown_target", message, "target")])
    return str(raw)


def load_planner(assessment: Assessment, *, view: str, target: str) -> PlannerSheet:
    """Everything the planner page and API show, in a fixed number of queries."""
    state = load_sheet_state(assessment)
    spec = state.spec
    indices = survey_indices(assessment)
    counts = submission_counts(state, indices)
    stored = stored_scores([assessment.pk], keys=[view]).get(assessment.pk, {}).get(view)
    if stored is None:
        stored = empty_view(assessment, view)
    if view == UNIT_KEY:
        answers = state.layer_values(state.unit_layer)
        filled = []
        for code in counts.from_surveys:
            index = survey_index_answer(spec.items[code], indices)
            found = score_value(spec.items[code], index)
            if found is not None:
                answers[code] = found
                filled.append(code)
        from_surveys = tuple(filled)
        penalties: tuple[Penalty, ...] = ()
    else:
        answers = effective_answers([state.scoreable[layer.key] for layer in state.layers])
        from_surveys = ()
        penalties = tuple(penalties_from_json(stored.deductions))
    window = submission_window(assessment)
    today = timezone.localdate()
    plan = plan_path(
        spec.compiled,
        answers,
        target=target,
        penalties=penalties,
        held_predicates=held_predicates(assessment, target),
    )
    return PlannerSheet(
        assessment=assessment,
        state=state,
        view=view,
        target=target,
        answers=answers,
        from_surveys=from_surveys,
        penalties=penalties,
        stored=stored,
        readiness=Readiness(
            counts=counts,
            items=len(spec.items),
            closes_on=window.closes_on,
            window=window.kind,
            today=today,
        ),
        plan=plan,
    )


# --- what-if --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    """The view's sheet with some answers changed, scored; nothing is saved."""

    card: Scorecard
    before: Scorecard
    target: str
    # Item codes whose answer differs from the view's.
    changed: tuple[str, ...]
    # The stored-view shape of the hypothesis: components, areas (score, weight ...).
    fields: Mapping[str, Any]

    @property
    def passed(self) -> bool:
        verdict = self.card.verdicts.get(self.target)
        return bool(verdict and verdict.passed)

    @property
    def was_passed(self) -> bool:
        verdict = self.before.verdicts.get(self.target)
        return bool(verdict and verdict.passed)

    @property
    def delta(self) -> Any:
        return self.card.total - self.before.total


def what_if(sheet: PlannerSheet, overrides: Mapping[str, object]) -> WhatIf:
    """Score the view's answers with `overrides` (item code -> an answer as people type it:
    an option key, counts, an index; empty clears). Raises ValidationFailed naming every bad
    item, in the user's language. Saves nothing."""
    spec = sheet.state.spec
    answers: dict[str, Answer | None] = dict(sheet.answers)
    problems: list[Problem] = []
    changed: list[str] = []
    for code, raw in overrides.items():
        item = spec.items.get(code)
        if item is None:
            problems.append(
                Problem(
                    "unknown_item",
                    _("%(code)s is not an item of this sheet.") % {"code": code},
                    code,
                )
            )
            continue
        try:
            parsed = parse_value(item, raw)
        except AnswerInvalid as exc:
            problems.append(
                Problem("invalid_answer", f"{code} · {text(item.question)}: {exc.message}", code)
            )
            continue
        value = score_value(item, parsed)
        if value != sheet.answers.get(code):
            changed.append(code)
        answers[code] = value
    if problems:
        raise ValidationFailed(_("These answers cannot be scored:"), problems=problems)
    fw = spec.compiled
    card = score(fw, answers, penalties=sheet.penalties, held_predicates=sheet.held)
    return WhatIf(
        card=card,
        before=sheet.plan.card,
        target=sheet.target,
        changed=tuple(changed),
        fields=stored_fields(
            fw,
            sheet.view,
            card,
            target=sheet.target,
            penalties=sheet.penalties,
        ),
    )
