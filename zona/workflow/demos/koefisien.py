"""Demo of the koefisien part: the demo agency takes over the starting set of kinds (the
data file's examples), and Eselon I records a viral-news event on Kantor Imigrasi Bekasi's
sheet, which it is reviewing (the reviews demo put it there).

Idempotent: the kinds are taken over once (kinds already there are kept), the event is
recorded only when the sheet has none. Tolerates a missing agency, sheet, tier or reviewer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation

from zona.assessments.models import Assessment, PeriodStatus
from zona.core.errors import ZonaError
from zona.workflow.models import KoefisienEvent, KoefisienKind
from zona.workflow.services.koefisien import (
    EventInput,
    koefisien_kinds_take_starters,
    koefisien_record,
)

UNIT = "KPM-IMI-BKS"
REVIEWER = "reviewer.eselon1"
TIER = "eselon1"
KIND = "berita-viral"


def load(ctx: Any) -> None:
    agency = getattr(ctx, "agency", None)
    admin = ctx.users.get("admin")
    if agency is None or admin is None:
        return
    with translation.override("id"):
        # The demo agency's names in Indonesian, whatever the command's language.
        koefisien_kinds_take_starters(actor=admin, agency=agency)
    _event(ctx, agency)


def _event(ctx: Any, agency: Any) -> None:
    today = timezone.localdate()
    unit = ctx.units.get(UNIT)
    reviewer = ctx.users.get(REVIEWER)
    tier = ctx.tiers.get(TIER)
    kind = KoefisienKind.objects.filter(agency=agency, code=KIND, active=True).first()
    if unit is None or reviewer is None or tier is None or kind is None:
        return
    assessment = (
        Assessment.objects.select_related("period__framework", "period__agency", "unit")
        .filter(unit=unit, period__year=today.year, period__title=f"PMPZI {today.year}")
        .first()
    )
    if assessment is None or assessment.period.status == PeriodStatus.CLOSED:
        return
    if KoefisienEvent.objects.filter(assessment=assessment).exists():
        return
    occurred = max(today - dt.timedelta(days=12), dt.date(assessment.period.year, 1, 1))
    try:
        koefisien_record(
            actor=reviewer,
            assessment=assessment,
            tier=tier,
            data=EventInput(
                kind=kind.pk,
                occurred_on=occurred,
                source="https://berita.example.id/2026/antrean-paspor-bekasi-viral",
                note=(
                    "Video antrean paspor yang mengular hingga ke jalan raya dan keluhan "
                    "pungutan jasa calo beredar luas di media sosial; pemberitaan telah "
                    "diverifikasi oleh tim penilai."
                ),
                internal_note="Konfirmasi ke Humas Kanwil sudah dilakukan.",
            ),
        )
    except ZonaError:
        # A demo whose chain refuses the reviewer (separation of duties) leaves it out.
        return
