"""The desk part's demo: sessions and the survey validation on Bogor's sheet (under review at
Kanwil), the validation with a sample and assistance on Bandung's draft. Loading twice
changes nothing: `zona/home/tests/test_demo_whole.py` runs `check_desk` on the whole demo,
loaded once and again."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.workflow.demos.desk import load
from zona.workflow.models import (
    AssistanceRecord,
    ConfirmationRequest,
    DeskNote,
    DeskSession,
    SurveyValidation,
)


@pytest.mark.django_db
def test_the_desk_demo_without_a_sheet_makes_nothing():
    ctx = load_demo_accounts()
    load(ctx)  # no sheet yet: nothing, no error
    assert DeskSession.objects.count() == 0


def check_desk() -> None:
    sessions = DeskSession.objects.select_related("assessment__unit")
    assert sorted(s.status for s in sessions) == ["held", "planned"]
    assert {(s.assessment.unit.code, s.assessment.status) for s in sessions} == {
        ("KPM-IMI-BGR", "submitted")
    }
    assert DeskNote.objects.count() == 3
    validations = {
        v.assessment.unit.code: v
        for v in SurveyValidation.objects.select_related("assessment__unit")
    }
    assert set(validations) == {"KPM-IMI-BGR", "KPM-IMI-BDG"}
    assert validations["KPM-IMI-BGR"].answered_at is not None
    assert validations["KPM-IMI-BDG"].campaign is not None
    assert ConfirmationRequest.objects.filter(answered_at__isnull=False).count() == 4
    assert sorted(AssistanceRecord.objects.values_list("status", flat=True)) == [
        "done",
        "in_progress",
        "open",
    ]
