"""The whole demo (`make run`'s `load_demo`), loaded once for every part's checks.

Loading it is the costly part of these tests, so it happens twice here only: the second
load must leave every model's row count as it was (each part idempotent, in the whole
demo's order), then each part's checks run on the result. The checks live beside their
part's other tests as `check_<part>` functions; what a part does with nothing to build on
(no sheet, no period yet) stays a test in its own file.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from zona.assessments.tests.test_demo import check_assessments
from zona.assessments.tests.test_period_deadlines import (
    check_demo_periods_keep_their_deadlines_inside,
)
from zona.home.demo import load_demo
from zona.national.demos.proposal import PANEL_TITLE
from zona.national.tests.test_candidacy_demo import check_candidacy
from zona.national.tests.test_predicates_demo import check_predicates
from zona.national.tests.test_proposal_demo import check_proposal
from zona.national.tests.test_tpn_demo import check_tpn
from zona.workflow.models import TpiPanel
from zona.workflow.tests.test_chain_demo import check_chain
from zona.workflow.tests.test_comments_demo import check_comments
from zona.workflow.tests.test_desk_demo import check_desk
from zona.workflow.tests.test_koefisien_demo import check_koefisien
from zona.workflow.tests.test_reviews_demo import (
    check_each_stage_has_a_sheet_and_every_queue_a_task,
    check_each_tier_answers_every_item_close_to_the_layer_below,
    check_sheets_stand_at_different_tiers,
)
from zona.workflow.tests.test_selection_demo import check_selection
from zona.workflow.tests.test_tpi_demo import check_tpi


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.django_db
def test_the_whole_demo_loads_twice_alike_and_every_part_holds(client_for) -> None:
    load_demo()
    counts = row_counts()
    ctx = load_demo()
    again = row_counts()
    assert {label: (n, again[label]) for label, n in counts.items() if again[label] != n} == {}

    check_assessments()
    check_demo_periods_keep_their_deadlines_inside()
    check_chain()
    check_sheets_stand_at_different_tiers()
    check_each_tier_answers_every_item_close_to_the_layer_below()
    check_each_stage_has_a_sheet_and_every_queue_a_task()
    check_comments()
    check_desk()
    check_koefisien(ctx.agency)
    check_selection()
    # The proposal's demo adds the TPI's confirmed May panel that recommended its cast.
    check_tpi(ctx.agency, TpiPanel.objects.exclude(title=PANEL_TITLE))
    check_candidacy(ctx)
    check_proposal(ctx, client_for)
    check_tpn()
    check_predicates(ctx)
