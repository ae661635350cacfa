"""The TPN's demo moves each nomination of the cast to its listed stage through the
services (the proposal's demo creates the nominations; here they are made directly)."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.demos import tpn as demo
from zona.national.demos.cast import NOMINATED, YEAR
from zona.national.models import Nomination, Predicate
from zona.national.tests.tpn_fixtures import nominate


@pytest.mark.django_db
def test_each_nomination_reaches_its_stage():
    ctx = load_demo_accounts()
    period = make_period(ctx.agency, load_mini(), year=YEAR, creator=ctx.users["admin.kpm"])
    proposal = None
    for code, (target, _stage) in NOMINATED.items():
        sheet = make_assessment(period, ctx.units[code])
        Assessment.objects.filter(pk=sheet.pk).update(status=AssessmentStatus.SUBMITTED)
        n = nominate(sheet, by=ctx.users["admin.kpm"], target=target, proposal=proposal)
        proposal = n.proposal
    demo.load(ctx)
    stages = dict(Nomination.objects.values_list("unit__code", "status"))
    assert stages == {code: stage for code, (_t, stage) in NOMINATED.items()}
    granted = Predicate.objects.get(unit__code="KPM-PZN-MDN", year=YEAR)
    assert granted.decree_number == "KEP-123/M.PAN-RB/12/2026"
    # A second load changes nothing.
    demo.load(ctx)
    assert dict(Nomination.objects.values_list("unit__code", "status")) == stages
