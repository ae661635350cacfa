"""The demo data: a period for the demo agency, a few sheets, one partly filled. Loading
twice changes nothing: `zona/home/tests/test_demo_whole.py` runs `check_assessments` on the
whole demo, loaded once and again."""

from zona.assessments.models import Answer, Assessment, Evidence, Period
from zona.assessments.selectors import load_sheet_state, sheet_scores


def check_assessments() -> None:
    assert Period.objects.count() == 1
    assert Assessment.objects.count() >= 5
    assert Answer.objects.count() >= 15
    assert Evidence.objects.count() >= 5
    bandung = Assessment.objects.get(unit__code="KPM-IMI-BDG")
    state = load_sheet_state(bandung)
    assert sheet_scores(state).unit.total > 0
    assert state.links
