"""The proposal demo: every NOMINATED unit of the cast reaches the TPI, the confirmed panel
recommends it, and KPM's proposal of 20 May 2026 nominates them with its package;
KPM-PZN-GWA, recommended but blocked, is refused and left out. Loading twice changes
nothing: `zona/home/tests/test_demo_whole.py` runs `check_proposal` on the whole demo, loaded
once and again (where the TPN's demo has moved each nomination on to its stage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from zona.accounts.demo import DemoContext
from zona.national.demos.cast import BLOCKED_CANDIDATE, NOMINATED, YEAR
from zona.national.models import Nomination, Proposal, ProposalDocument, ProposalStatus


def check_proposal(ctx: DemoContext, client_for: Callable[[Any], Any]) -> None:
    proposal = Proposal.objects.get(agency=ctx.agency, year=YEAR)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.letter_date == dt.date(YEAR, 5, 20)
    assert proposal.submitted_by is not None
    assert proposal.submitted_by.username == "sekjen.kpm"
    nominated = set(
        Nomination.objects.filter(proposal=proposal).values_list("unit__code", flat=True)
    )
    assert nominated == set(NOMINATED)
    assert Nomination.objects.get(unit__code="KPM-AHU-SBY").target == "WBBM"
    assert ProposalDocument.objects.filter(proposal=proposal).count() == 4 + len(NOMINATED)
    page = client_for(ctx.users["admin.kpm"]).get(f"/agencies/{ctx.agency.pk}/proposals/{YEAR}/")
    text = page.content.decode()
    assert f'data-testid="left-out-{BLOCKED_CANDIDATE}"' in text
    assert "diblokir sampai 20 Agustus 2027" in text
