"""The demo puts sheets at different places of the chain, and loads twice alike."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.workflow.demos.chain import load as load_chain
from zona.workflow.demos.reviews import load
from zona.workflow.models import TierReview, WorkflowEvent


def chain_of(code: str) -> list[tuple[str, str]]:
    return list(
        TierReview.objects.filter(assessment__unit__code=code)
        .order_by("position")
        .values_list("tier__code", "status")
    )


@pytest.mark.django_db
def test_the_demo_sheets_stand_at_different_tiers_and_load_twice_alike():
    ctx = load_demo_accounts()
    load_assessments(ctx)
    load_chain(ctx)
    load(ctx)
    events = WorkflowEvent.objects.count()
    load(ctx)
    assert WorkflowEvent.objects.count() == events
    assert chain_of("KPM-IMI-BGR") == [
        ("kanwil", "open"),
        ("eselon1", "waiting"),
        ("tpi", "waiting"),
    ]
    assert chain_of("KPM-IMI-BKS") == [
        ("kanwil", "completed"),
        ("eselon1", "open"),
        ("tpi", "waiting"),
    ]
    # Jakarta Pusat is outside the Kanwil step's sub-tree: Eselon I returned it.
    assert chain_of("KPM-IMI-JKT-PST") == [("eselon1", "returned"), ("tpi", "waiting")]
