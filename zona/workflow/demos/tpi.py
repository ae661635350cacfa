"""Demo of the TPI part: the demo agency takes over the starting gates (the data file's
examples), the period's TPI step is marked, and a draft panel meeting of the TPI is planned
(chaired by the demo TPI reviewer), ready for the decisions once sheets reach the TPI.

Idempotent: gates are taken over once, the step marked once, the panel created only when the
period has none. Tolerates a missing agency, period, chain step or reviewer.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from zona.assessments.models import Period, PeriodStatus
from zona.core.errors import ZonaError
from zona.workflow.models import ChainStep, TpiPanel
from zona.workflow.selectors.tpi import tpi_step
from zona.workflow.services.tpi import (
    PanelInput,
    tpi_gates_take_starters,
    tpi_panel_create,
    tpi_step_mark,
)

TIER = "tpi"
CHAIR = "reviewer.tpi"


def load(ctx: Any) -> None:
    agency = getattr(ctx, "agency", None)
    admin = ctx.users.get("admin")
    if agency is None or admin is None:
        return
    with translation.override("id"):
        tpi_gates_take_starters(actor=admin, agency=agency)
    today = timezone.localdate()
    period = Period.objects.filter(
        agency=agency, year=today.year, title=f"PMPZI {today.year}"
    ).first()
    tier = ctx.tiers.get(TIER)
    if period is None or tier is None or period.status == PeriodStatus.CLOSED:
        return
    step = ChainStep.objects.filter(period=period, tier=tier).first()
    if step is None:
        return
    if tpi_step(period) is None:
        tpi_step_mark(actor=admin, period=period, step=step)
    if TpiPanel.objects.filter(period=period).exists():
        return
    chair = ctx.users.get(CHAIR)
    try:
        tpi_panel_create(
            actor=admin,
            period=period,
            data=PanelInput(
                title=f"Rapat Pleno TPI {period.year}",
                held_on=max(today, step.opens_on),
                place="Ruang Rapat Inspektorat Jenderal",
                chair=chair.pk if chair is not None else None,
                present=[chair.pk] if chair is not None else [],
                minutes="",
            ),
        )
    except ZonaError:
        # A chain changed by hand (the chair in no TPI team ...): no demo panel.
        return
