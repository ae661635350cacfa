"""When and whether the unit may submit: its window, the refusals, the counts it confirms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zona.assessments.models import (
    Assessment,
    AssessmentStatus,
    Period,
    PeriodDeadline,
    PeriodStatus,
)
from zona.assessments.selectors.scores import held_predicates
from zona.assessments.selectors.state import SheetState
from zona.assessments.sheet import score_value, survey_index_answer
from zona.core.errors import Refusal
from zona.frameworks.scoring import score


@dataclass(frozen=True)
class Window:
    opens_on: dt.date
    closes_on: dt.date
    kind: str  # "fill" or "revision"

    def contains(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def deadline_for(period: Period, level: int) -> PeriodDeadline | None:
    for deadline in period.deadlines.all():
        if deadline.level == level:
            return deadline
    return None


def submission_window(assessment: Assessment) -> Window:
    """The days on which the unit may submit (in the server's time zone, Asia/Jakarta)."""
    period = assessment.period
    deadline = deadline_for(period, assessment.unit.depth)
    if assessment.status == AssessmentStatus.RETURNED:
        closes = (deadline.revision_deadline if deadline else None) or period.closes_on
        return Window(period.opens_on, closes, "revision")
    closes = deadline.fill_deadline if deadline else period.closes_on
    return Window(period.opens_on, closes, "fill")


def submission_refusal(assessment: Assessment, *, now: dt.datetime | None = None) -> Refusal | None:
    """Why the unit cannot submit now, or None."""
    if assessment.period.status == PeriodStatus.CLOSED:
        return Refusal("period_closed", _("The period is closed."))
    if assessment.status == AssessmentStatus.SUBMITTED:
        return Refusal("already_submitted", _("The sheet was already submitted."))
    today = timezone.localdate(now) if now else timezone.localdate()
    window = submission_window(assessment)
    if today < window.opens_on:
        return Refusal(
            "not_open_yet", _("Submission opens on %(date)s.") % {"date": _date(window.opens_on)}
        )
    if today > window.closes_on:
        if window.kind == "revision":
            return Refusal(
                "revision_deadline_passed",
                _("The revision deadline was %(date)s; ask the reviewer for more time.")
                % {"date": _date(window.closes_on)},
            )
        return Refusal(
            "deadline_passed",
            _("The deadline for this level was %(date)s; ask your agency administrator.")
            % {"date": _date(window.closes_on)},
        )
    return None


@dataclass(frozen=True)
class SubmissionCounts:
    """What the unit head confirms when submitting (and what the submission records).

    Index items the unit left empty count as answered when the unit's surveys give their
    index: submission takes it (`services.answers_fill_from_surveys`).
    """

    unanswered: int
    no_evidence: int
    failing: int
    # Items the submission will fill from the unit's surveys.
    from_surveys: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, int]:
        return {
            "unanswered": self.unanswered,
            "no_evidence": self.no_evidence,
            "failing": self.failing,
        }

    def matches(self, confirmed: Mapping[str, Any]) -> bool:
        """Whether `confirmed` (e.g. posted form fields) states exactly these counts."""
        for key, value in self.as_dict().items():
            given = confirmed.get(key)
            if isinstance(given, str) and given.isascii() and given.isdigit():
                given = int(given)
            if isinstance(given, bool) or given != value:
                return False
        return True


def submission_counts(
    state: SheetState, indices: Mapping[str, Any] | None = None
) -> SubmissionCounts:
    """Unanswered items, items without evidence and failing conditions of the unit layer."""
    spec = state.spec
    assessment = state.assessment
    values = state.layer_values(state.unit_layer)
    from_surveys: list[str] = []
    if assessment.status != AssessmentStatus.SUBMITTED:
        for code, item in spec.items.items():
            if code in values or not assessment.item_reopened(code):
                continue
            index = survey_index_answer(item, indices)
            scored = score_value(item, index) if index is not None else None
            if scored is not None:
                values[code] = scored
                from_surveys.append(code)
    card = score(spec.compiled, values, held_predicates=held_predicates(assessment))
    verdict = card.verdicts.get(assessment.target)
    return SubmissionCounts(
        unanswered=sum(1 for code in spec.items if card.items.get(code) is None),
        no_evidence=sum(1 for code in spec.items if not state.links.get(code)),
        failing=sum(1 for c in verdict.conditions if not c.passed) if verdict else 0,
        from_surveys=tuple(from_surveys),
    )


def completeness_refusal(counts: SubmissionCounts, period: Period) -> Refusal | None:
    """Why a period that requires complete sheets refuses this one, or None."""
    if not period.require_complete or (counts.unanswered == 0 and counts.no_evidence == 0):
        return None
    return Refusal(
        "incomplete",
        _(
            "This period accepts complete sheets only: %(unanswered)d items are unanswered and "
            "%(no_evidence)d items have no evidence."
        )
        % {"unanswered": counts.unanswered, "no_evidence": counts.no_evidence},
    )


def _date(value: dt.date) -> str:
    return date_format(value, "j F Y")
