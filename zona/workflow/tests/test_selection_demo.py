"""The demo's selection round: a draft after Kanwil with a preview of the sheets that
reached it; loading twice changes nothing."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.workflow.demos.chain import load as load_chain
from zona.workflow.demos.reviews import load as load_reviews
from zona.workflow.demos.selection import load
from zona.workflow.models.selection import SelectionRound
from zona.workflow.selectors.selection import round_preview


@pytest.mark.django_db
def test_the_demo_round_is_a_draft_with_a_preview() -> None:
    ctx = load_demo_accounts()
    load(ctx)  # no period chain yet: nothing, no error
    assert not SelectionRound.objects.exists()
    load_assessments(ctx)
    load_chain(ctx)
    load_reviews(ctx)
    load(ctx)
    load(ctx)
    rnd = SelectionRound.objects.select_related("period__agency", "step__tier").get()
    assert (rnd.status, rnd.step.tier.code) == ("draft", "kanwil")
    rows = {r.unit.code: r for r in round_preview(rnd).rows}
    assert {"KPM-IMI-BGR", "KPM-IMI-BKS"} <= set(rows)
    assert rows["KPM-IMI-BGR"].problems[0] == "review_not_completed"
