"""The candidacy demo: declarations, pacts and eligibility for every unit of the cast, KPM's
checklist, and a designation for each candidate of 2026; loading twice changes nothing."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.audit.models import AuditEvent
from zona.national.demos.candidacy import NOT_ELIGIBLE, load
from zona.national.demos.cast import BLOCKED_CANDIDATE, CANDIDATES_IN_CHAIN, NOMINATED, YEAR
from zona.national.models import Candidacy, Declaration, EligibilityCriterion, IntegrityPact
from zona.national.selectors.candidacy import pact_summary, unit_zi


@pytest.mark.django_db
def test_the_candidacy_demo_loads_twice_alike():
    ctx = load_demo_accounts()
    load(ctx)
    counts = (
        Declaration.objects.count(),
        IntegrityPact.objects.count(),
        Candidacy.objects.count(),
        AuditEvent.objects.count(),
    )
    load(ctx)
    assert counts == (
        Declaration.objects.count(),
        IntegrityPact.objects.count(),
        Candidacy.objects.count(),
        AuditEvent.objects.count(),
    )
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
