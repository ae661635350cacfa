"""Demo selection round (after the reviews part's sheets): a draft round after the Kanwil
step of the demo period ("PMPZI <year>"), 50 % of each reviewing team's applicants rounded
up, at least one per team, target WBK. Its preview lists the sheets that reached Kanwil
(Bogor still under review, Bekasi completed and forwarded) with their stored scores.
Idempotent; skipped when the period, its Kanwil step or the administrator is missing."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zona.assessments.models import Period
from zona.workflow.models import ChainStep
from zona.workflow.models.selection import SelectionRound
from zona.workflow.services.selection import RoundInput, round_create


def load(ctx: Any) -> None:
    today = timezone.localdate()
    period = Period.objects.filter(
        agency=ctx.agency, year=today.year, title=f"PMPZI {today.year}"
    ).first()
    admin = ctx.users.get("admin.kpm") or ctx.users.get("admin")
    if period is None or admin is None:
        return
    step = ChainStep.objects.filter(period=period, tier__code="kanwil").first()
    if step is None or SelectionRound.objects.filter(step=step).exists():
        return
    round_create(
        actor=admin,
        period=period,
        step=step,
        data=RoundInput(quota_percent="50", rounding="up", min_per_group=1, target="wbk"),
    )
