"""The proposal demo: every NOMINATED unit of the cast reaches the TPI, the confirmed panel
recommends it, and KPM's proposal of 20 May 2026 nominates them (at "admin") with its package;
KPM-PZN-GWA, recommended but blocked, is refused and left out; loading twice changes nothing.
Candidacies and the earlier predicates are written here (their demos have their own tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zona.accounts.demo import load_demo_accounts
from zona.assessments.tests.factories import load_mini, make_period
from zona.audit.models import AuditEvent
from zona.national.demos import proposal as demo
from zona.national.demos.cast import BLOCKED_CANDIDATE, NOMINATED, YEAR
from zona.national.models import (
    Candidacy,
    Nomination,
    Predicate,
    Proposal,
    ProposalDocument,
    ProposalStatus,
)
from zona.workflow.demos import chain
from zona.workflow.models import ChainStep, TpiStepConfig


@pytest.mark.django_db
def test_the_proposal_demo_nominates_the_cast_once(client_for) -> None:
    ctx = load_demo_accounts()
    make_period(ctx.agency, load_mini(), year=YEAR, title=f"PMPZI {YEAR}")
    chain.load(ctx)
    TpiStepConfig.objects.create(step=ChainStep.objects.get(tier=ctx.tiers["tpi"]))
    admin = ctx.users["admin"]
    now = timezone.now()
    for code in [*NOMINATED, BLOCKED_CANDIDATE]:
        target = NOMINATED[code][0] if code in NOMINATED else "WBK"
        Candidacy.objects.create(
            unit=ctx.units[code], year=YEAR, target=target, designated_by=admin, designated_at=now
        )
    Predicate.objects.create(
        unit=ctx.units["KPM-AHU-SBY"],
        kind="WBK",
        year=2023,
        decree_number="SK-2023",
        decree_date=dt.date(2023, 12, 12),
        granted_at=now,
    )
    Predicate.objects.create(
        unit=ctx.units[BLOCKED_CANDIDATE],
        kind="WBK",
        year=2023,
        decree_number="SK-2023-GWA",
        decree_date=dt.date(2023, 12, 12),
        status="revoked",
        blocked_until=dt.date(2027, 8, 20),
        granted_at=now,
    )
    demo.load(ctx)
    proposal = Proposal.objects.get(agency=ctx.agency, year=YEAR)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.letter_date == dt.date(YEAR, 5, 20)
    assert proposal.submitted_by is not None
    assert proposal.submitted_by.username == "sekjen.kpm"
    nominations = dict(Nomination.objects.values_list("unit__code", "status"))
    assert nominations == dict.fromkeys(NOMINATED, "admin")
    assert Nomination.objects.get(unit__code="KPM-AHU-SBY").target == "WBBM"
    assert ProposalDocument.objects.filter(proposal=proposal).count() == 4 + len(NOMINATED)
    counts = (Proposal.objects.count(), Nomination.objects.count(), AuditEvent.objects.count())
    demo.load(ctx)
    assert counts == (
        Proposal.objects.count(),
        Nomination.objects.count(),
        AuditEvent.objects.count(),
    )
    page = client_for(ctx.users["admin.kpm"]).get(f"/agencies/{ctx.agency.pk}/proposals/{YEAR}/")
    text = page.content.decode()
    assert f'data-testid="left-out-{BLOCKED_CANDIDATE}"' in text
    assert "diblokir sampai 20 Agustus 2027" in text
