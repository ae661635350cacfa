"""The unit's surveys as the LKE takes them: this app's answer to
`zona.assessments.ports.SurveyFeed`, registered in `SurveysConfig.ready()`.

It fits the port by its shape (a Protocol), so this module needs nothing of assessments.
"""

from __future__ import annotations

from typing import Any

from zona.accounts.models import Unit, User
from zona.surveys.selectors import survey_indices_for
from zona.surveys.services import survey_feed_pin, survey_feed_unpin


class LkeSurveyFeed:
    def indices_for(self, unit: Unit, year: int) -> dict[str, Any] | None:
        return survey_indices_for(unit, year)

    def pin(self, *, unit: Unit, year: int, actor: User | None) -> None:
        survey_feed_pin(unit=unit, year=year, actor=actor)

    def unpin(self, *, unit: Unit, year: int, actor: User | None) -> None:
        survey_feed_unpin(unit=unit, year=year, actor=actor)
