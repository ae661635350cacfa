"""The demo period's review chain: Kanwil → Eselon I → TPI, each window open now, and a team
per tier with the demo reviewers covering the demo units.

The demo has one reviewer per tier, so the chain uses sub-trees: this year only the
Jawa Barat regional office reviews at Kanwil level and only the immigration Ditjen at
echelon I; every sheet goes to the TPI. Sheets outside a step's sub-trees skip it.

Idempotent: steps are matched by period and tier, teams by step and name; a chain an
administrator already changed is left as it is (only what is missing is added).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zona.assessments.models import Period
from zona.workflow.models import ChainStep, ReviewTeam

# (tier, days from today the window opens and closes, sub-tree roots, uses a controller)
STEPS: list[tuple[str, int, int, list[str], bool]] = [
    ("kanwil", -7, 30, ["KPM-JBR"], False),
    ("eselon1", -7, 45, ["KPM-DJIM"], False),
    ("tpi", -7, 58, [], False),
]
# (tier, team name, lead, units reviewed)
TEAMS = [
    ("kanwil", "Tim Penilai Kanwil Jawa Barat", "reviewer.kanwil", ["KPM-JBR"]),
    ("eselon1", "Tim Penilai Ditjen Keimigrasian", "reviewer.eselon1", ["KPM-DJIM"]),
    ("tpi", "Tim Penilai Internal Itjen", "reviewer.tpi", ["KPM"]),
]


def load(ctx: Any) -> None:
    today = timezone.localdate()
    period = Period.objects.filter(
        agency=ctx.agency, year=today.year, title=f"PMPZI {today.year}"
    ).first()
    if period is None or any(code not in ctx.tiers for code, *_rest in STEPS):
        return
    steps: dict[str, ChainStep] = {}
    taken = set(ChainStep.objects.filter(period=period).values_list("position", flat=True))
    for position, (code, start, end, scopes, controller) in enumerate(STEPS, start=1):
        step = ChainStep.objects.filter(period=period, tier=ctx.tiers[code]).first()
        if step is None:
            # Windows inside the period, in chain order.
            opens = max(today + dt.timedelta(days=start), period.opens_on)
            closes = min(today + dt.timedelta(days=end), period.closes_on)
            while position in taken:
                position += len(STEPS)
            step = ChainStep.objects.create(
                period=period,
                tier=ctx.tiers[code],
                position=position,
                opens_on=opens,
                closes_on=max(closes, opens),
                uses_controller=controller,
            )
            step.scopes.set([ctx.units[c] for c in scopes if c in ctx.units])
            taken.add(position)
        steps[code] = step
    for code, name, lead, unit_codes in TEAMS:
        user = ctx.users.get(lead)
        if user is None:
            continue
        team, created = ReviewTeam.objects.get_or_create(
            step=steps[code], name=name, defaults={"lead": user}
        )
        if created:
            team.members.set([user])
            team.units.set([ctx.units[c] for c in unit_codes if c in ctx.units])
