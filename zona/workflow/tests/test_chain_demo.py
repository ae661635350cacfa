"""The demo chain: Kanwil → Eselon I → TPI open now, a team per tier with the demo reviewers.
Loading twice changes nothing: `zona/home/tests/test_demo_whole.py` runs `check_chain` on the
whole demo, loaded once and again."""

from __future__ import annotations

import itertools

from django.utils import timezone

from zona.accounts.models import Unit
from zona.assessments.models import Assessment
from zona.workflow.models import ChainStep, ReviewTeam
from zona.workflow.selectors.chain import chain_overview, team_member_refusal


def check_chain() -> None:
    steps = list(ChainStep.objects.order_by("position").select_related("tier", "period"))
    assert [(s.position, s.tier.code) for s in steps] == [(1, "kanwil"), (2, "eselon1"), (3, "tpi")]
    today = timezone.localdate()
    for before, after in itertools.pairwise(steps):
        assert before.opens_on <= after.opens_on
        assert before.closes_on <= after.closes_on
    for step in steps:
        assert step.opens_on <= today <= step.closes_on
        assert step.period.opens_on <= step.opens_on
        assert step.closes_on <= step.period.closes_on
    leads = dict(ReviewTeam.objects.values_list("step__tier__code", "lead__username"))
    assert leads == {
        "kanwil": "reviewer.kanwil",
        "eselon1": "reviewer.eselon1",
        "tpi": "reviewer.tpi",
    }
    assert ReviewTeam.objects.count() == 3
    # Every demo sheet is covered by a team in each tier, and no lead reviews their own unit.
    for view in chain_overview(steps[0].period):
        assert view.uncovered == 0
        for load_ in view.teams:
            lead = load_.team.lead
            assert lead is not None
            assert team_member_refusal(lead, steps[0].period, load_.units) is None
    tpi = next(v for v in chain_overview(steps[0].period) if v.step.tier.code == "tpi")
    assert tpi.teams[0].sheets == tpi.sheets >= 5
    kanwil = next(v for v in chain_overview(steps[0].period) if v.step.tier.code == "kanwil")
    assert [u.code for u in kanwil.scopes] == ["KPM-JBR"]
    # Kanwil Jawa Barat's team covers every sheet of its sub-tree (three in the chain's own
    # demo; the whole demo's other parts add more).
    jbr = Unit.objects.get(code="KPM-JBR")
    in_scope = Assessment.objects.filter(period=steps[0].period, unit__path__startswith=jbr.path)
    assert kanwil.sheets == kanwil.teams[0].sheets == in_scope.count() >= 3
