"""The candidacy demo: declarations, pacts and eligibility for every unit of the cast, KPM's
checklist, and a designation for each candidate of 2026. Loading twice changes nothing:
`zona/home/tests/test_demo_whole.py` runs `check_candidacy` on the whole demo, loaded once
and again."""

from __future__ import annotations

from zona.accounts.demo import DemoContext
from zona.national.demos.candidacy import NOT_ELIGIBLE
from zona.national.demos.cast import BLOCKED_CANDIDATE, CANDIDATES_IN_CHAIN, NOMINATED, YEAR
from zona.national.models import Candidacy, EligibilityCriterion
from zona.national.selectors.candidacy import pact_summary, unit_zi


def check_candidacy(ctx: DemoContext) -> None:
    cast = {*CANDIDATES_IN_CHAIN, *NOMINATED, BLOCKED_CANDIDATE}
    designated = set(
        Candidacy.objects.filter(year=YEAR, status="designated").values_list(
            "unit__code", flat=True
        )
    )
    assert designated == cast
    assert Candidacy.objects.get(unit__code="KPM-AHU-SBY").target == "WBBM"
    assert Candidacy.objects.filter(designated_at__month__lt=5, year=YEAR).count() == len(cast)
    assert EligibilityCriterion.objects.filter(agency=ctx.agency).count() == 5
    assert pact_summary(ctx.units["KPM-IMI-BDG"], YEAR).complete
    assert not pact_summary(ctx.units["KPM-IMI-BGR"], YEAR).complete
    crb = unit_zi(ctx.units[NOT_ELIGIBLE], YEAR)
    assert crb.declaration is not None
    assert not crb.is_candidate
    assert [p.code for p in crb.problems] == ["eligibility_no"]
