"""The demo data: a period for the demo agency, a few sheets, one partly filled; idempotent."""

import pytest

from zona.assessments.models import Answer, AnswerChange, Assessment, Evidence, EvidenceLink, Period
from zona.assessments.selectors import load_sheet_state, sheet_scores
from zona.home.demo import load_demo


@pytest.mark.django_db
def test_demo_loads_twice_without_changes():
    load_demo()
    counts = [
        m.objects.count()
        for m in (Period, Assessment, Answer, AnswerChange, Evidence, EvidenceLink)
    ]
    assert counts[0] == 1
    assert counts[1] >= 5
    assert counts[2] >= 15
    assert counts[4] >= 5
    load_demo()
    assert [
        m.objects.count()
        for m in (Period, Assessment, Answer, AnswerChange, Evidence, EvidenceLink)
    ] == counts
    bandung = Assessment.objects.get(unit__code="KPM-IMI-BDG")
    state = load_sheet_state(bandung)
    assert sheet_scores(state).unit.total > 0
    assert state.links
