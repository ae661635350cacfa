"""The desk part's demo on Satker Bandung's sheet; loading twice changes nothing."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.surveys.demo import load_demo_data as load_surveys
from zona.workflow.demos.desk import load
from zona.workflow.models import (
    AssistanceRecord,
    ConfirmationRequest,
    DeskNote,
    DeskSession,
    SurveyValidation,
)

MODELS = (DeskSession, DeskNote, SurveyValidation, ConfirmationRequest, AssistanceRecord)


@pytest.mark.django_db
def test_the_desk_demo_loads_twice_alike():
    ctx = load_demo_accounts()
    load(ctx)  # no sheet yet: nothing, no error
    assert DeskSession.objects.count() == 0
    load_assessments(ctx)
    load_surveys(ctx)
    load(ctx)
    counts = [m.objects.count() for m in MODELS]
    load(ctx)
    assert [m.objects.count() for m in MODELS] == counts
    assert sorted(DeskSession.objects.values_list("status", flat=True)) == ["held", "planned"]
    assert DeskNote.objects.count() == 3
    validation = SurveyValidation.objects.get()
    assert validation.campaign is not None
    assert validation.answered_at is not None
    assert ConfirmationRequest.objects.filter(answered_at__isnull=False).count() == 4
    assert sorted(AssistanceRecord.objects.values_list("status", flat=True)) == [
        "done",
        "in_progress",
        "open",
    ]
