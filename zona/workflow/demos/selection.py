"""Demo selection round after the Kanwil step of the demo period ("PMPZI <year>"): the
reviews demo calls `decide_kanwil_round` once Kanwil completed and forwarded the sheets that
reached it (Bekasi, Depok); the round (every eligible sheet of each team, at least one, target
WBK) is created, confirmed and closed, so the selected sheets open at Eselon I. Bogor is
submitted after it (still under review at Kanwil).

Idempotent: a step that already has a round is left as it is; no round is made when the
period, its Kanwil step or the administrator is missing, when no sheet reached Kanwil or a
Kanwil review is still pending (a round would hold the sheets Kanwil completes later)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from zona.assessments.models import Period
from zona.core.errors import ZonaError
from zona.workflow.models import ChainStep, TierReview
from zona.workflow.models.selection import SelectionRound
from zona.workflow.services.selection import RoundInput, round_close, round_confirm, round_create


def decide_kanwil_round(ctx: Any, period: Period) -> SelectionRound | None:
    admin = ctx.users.get("admin.kpm") or ctx.users.get("admin")
    step = ChainStep.objects.filter(period=period, tier__code="kanwil").first()
    if admin is None or step is None or SelectionRound.objects.filter(step=step).exists():
        return None
    reached = TierReview.objects.filter(step=step, opened_at__isnull=False).exclude(status="closed")
    if not reached.exists() or reached.exclude(status="completed").exists():
        # Nothing to select yet, or a review still pending: no round (a round, even a draft,
        # would hold every sheet Kanwil completes until it closes).
        return None
    rnd = round_create(
        actor=admin,
        period=period,
        step=step,
        data=RoundInput(quota_percent="100", rounding="up", min_per_group=1, target="wbk"),
    )
    try:
        rnd = round_confirm(actor=admin, rnd=rnd)
        return round_close(actor=admin, rnd=rnd)
    except ZonaError:
        # A chain changed by hand (a Kanwil review still pending ...): the round stays a draft.
        return rnd


def load(ctx: Any) -> None:
    """The round is decided by the reviews demo, at its place in the story; here only the
    period's round is made when the reviews demo did not run."""
    today = timezone.localdate()
    period = Period.objects.filter(
        agency=ctx.agency, year=today.year, title=f"PMPZI {today.year}"
    ).first()
    if period is None:
        return
    step = ChainStep.objects.filter(period=period, tier__code="kanwil").first()
    if step is None or SelectionRound.objects.filter(step=step).exists():
        return
    decide_kanwil_round(ctx, period)
