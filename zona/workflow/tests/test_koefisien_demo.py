"""The koefisien demo: the demo agency's kinds from the starting set, and one event on the
sheet Eselon I is reviewing; a missing sheet is no error. Loading twice changes nothing:
`zona/home/tests/test_demo_whole.py` runs `check_koefisien` on the whole demo, loaded once
and again."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.accounts.models import Unit
from zona.assessments.models import StoredScore
from zona.workflow.demos.koefisien import load
from zona.workflow.models import KoefisienEvent, KoefisienKind


@pytest.mark.django_db
def test_the_koefisien_demo_without_a_sheet_makes_the_kinds_only():
    ctx = load_demo_accounts()
    load(ctx)  # no sheet yet: the kinds only, no error
    assert KoefisienKind.objects.filter(agency=ctx.agency).count() == 3
    assert not KoefisienEvent.objects.exists()


def check_koefisien(agency: Unit) -> None:
    assert KoefisienKind.objects.filter(agency=agency).count() == 3
    event = KoefisienEvent.objects.get()
    assert (event.assessment.unit.code, event.tier.code) == ("KPM-IMI-BKS", "eselon1")
    assert event.label.startswith("Pemberitaan negatif")
    row = StoredScore.objects.get(assessment=event.assessment, key="effective")
    assert row.total_after_deductions is not None
    assert row.total_after_deductions < row.total
