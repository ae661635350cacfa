"""The koefisien demo: the demo agency's kinds from the starting set, and one event on the
sheet Eselon I is reviewing; loading twice changes nothing, a missing sheet is no error."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.assessments.models import StoredScore
from zona.workflow.demos.chain import load as load_chain
from zona.workflow.demos.koefisien import load
from zona.workflow.demos.reviews import load as load_reviews
from zona.workflow.models import KoefisienEvent, KoefisienKind


@pytest.mark.django_db
def test_the_koefisien_demo_loads_twice_alike():
    ctx = load_demo_accounts()
    load(ctx)  # no sheet yet: the kinds only, no error
    assert KoefisienKind.objects.filter(agency=ctx.agency).count() == 3
    assert not KoefisienEvent.objects.exists()
    load_assessments(ctx)
    load_chain(ctx)
    load_reviews(ctx)
    load(ctx)
    load(ctx)
    assert KoefisienKind.objects.filter(agency=ctx.agency).count() == 3
    event = KoefisienEvent.objects.get()
    assert (event.assessment.unit.code, event.tier.code) == ("KPM-IMI-BKS", "eselon1")
    assert event.label.startswith("Pemberitaan negatif")
    row = StoredScore.objects.get(assessment=event.assessment, key="effective")
    assert row.total_after_deductions is not None
    assert row.total_after_deductions < row.total
