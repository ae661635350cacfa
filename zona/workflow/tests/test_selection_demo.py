"""The demo's selection round: after Kanwil completed the sheets that reached it, the round is
confirmed and closed and both (passing WBK in Kanwil's view) go on to Eselon I; Bogor,
submitted after it, is under review at Kanwil. Loading twice changes nothing:
`zona/home/tests/test_demo_whole.py` runs `check_selection` on the whole demo, loaded once
and again."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.workflow.demos.chain import load as load_chain
from zona.workflow.demos.selection import load
from zona.workflow.models import TierReview
from zona.workflow.models.selection import SelectionRound


@pytest.mark.django_db
def test_without_a_period_chain_no_round_is_made() -> None:
    ctx = load_demo_accounts()
    load(ctx)  # no period chain yet: nothing, no error
    assert not SelectionRound.objects.exists()


def check_selection() -> None:
    rnd = SelectionRound.objects.select_related("period__agency", "step__tier").get()
    assert (rnd.status, rnd.step.tier.code) == ("closed", "kanwil")
    rows = {row["unit"]: row for row in rnd.result["rows"]}
    assert set(rows) == {"KPM-IMI-BKS", "KPM-IMI-DPK"}
    assert all(row["selected"] and row["eligible"] for row in rows.values())
    assert (
        TierReview.objects.get(assessment__unit__code="KPM-IMI-BKS", tier__code="eselon1").status
        == "open"
    )
    # Bogor came after the round: open at Kanwil, no later step stuck on the round yet.
    assert (
        TierReview.objects.get(assessment__unit__code="KPM-IMI-BGR", tier__code="kanwil").status
        == "open"
    )


@pytest.mark.django_db
def test_without_sheets_at_kanwil_no_round_is_made() -> None:
    ctx = load_demo_accounts()
    load_assessments(ctx)
    load_chain(ctx)
    load(ctx)
    load(ctx)
    assert not SelectionRound.objects.exists()
