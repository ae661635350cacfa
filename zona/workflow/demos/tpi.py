"""Demo of the TPI part: the demo agency takes over the starting gates (the data file's
examples), the period's TPI step is marked, and a draft panel meeting of the TPI is planned
(chaired by the demo TPI reviewer), ready for the decisions once sheets reach the TPI.

Idempotent: gates are taken over once, the step marked once, the panel created only when the
period has none. Tolerates a missing agency, period, chain step or reviewer.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation

from zona.assessments.models import Assessment, Period, PeriodStatus
from zona.core.errors import ZonaError
from zona.workflow.models import ChainStep, TpiPanel, TpiStage
from zona.workflow.selectors.tpi import tpi_step
from zona.workflow.services.tpi import (
    PanelInput,
    tpi_gates_take_starters,
    tpi_panel_create,
    tpi_step_mark,
)

TIER = "tpi"
UNIT = "KPM-IMI-DPK"
FINDINGS = ["A.I.1.i.b", "A.I.2.i.b"]
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
    _depok_stage_1(ctx, period)
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


def _depok_stage_1(ctx: Any, period: Period) -> None:
    """Depok's sheet (open at the TPI, see demos/reviews.py): the TPI answers every item from
    Eselon I's view, returns its stage-1 findings to the unit, which corrects the items and
    submits again; the sheet is open at the TPI in stage 2."""
    from zona.assessments.services import answer_save
    from zona.workflow.demos.reviews import review_of, tier_answers
    from zona.workflow.services.sheet import sheet_submit
    from zona.workflow.services.tpi import tpi_return_findings

    reviewer, head = ctx.users.get(CHAIR), ctx.users.get("kepala.depok")
    sheet = (
        Assessment.objects.select_related("period__framework", "unit")
        .filter(period=period, unit__code=UNIT)
        .first()
    )
    review = review_of(sheet, TIER) if sheet is not None else None
    eselon1 = review_of(sheet, "eselon1") if sheet is not None else None
    if sheet is None or reviewer is None or head is None or review is None or eselon1 is None:
        return
    if review.status != "open" or TpiStage.objects.filter(review=review).exists():
        return
    try:
        tier_answers(reviewer, sheet, review.tier, eselon1.tier)
        tpi_return_findings(
            actor=reviewer,
            review=review,
            items=FINDINGS,
            reason=(
                "Temuan tahap 1: bukti seleksi terbuka anggota tim dan rencana kerja "
                "pembangunan ZI belum lengkap; lengkapi dalam 5 hari kerja."
            ),
        )
        for code in FINDINGS:
            answer_save(
                actor=head,
                assessment=sheet,
                item_code=code,
                revision=None,
                note="Sudah dilengkapi sesuai temuan TPI tahap 1.",
                via="demo",
            )
        sheet_submit(actor=head, assessment=sheet)
    except ZonaError:
        # A chain changed by hand: the sheet stays where it is.
        return
