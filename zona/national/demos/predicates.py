"""The demo's monitoring (runs last): the rounds due today, after a concluded round in 2024.

KPM-AHU-SMG's 2022 WBK had its first round due 2024-12-09, concluded "maintained"; its next
is due 2026-12-09. KPM-AHU-MLG's 2024 WBK is due 2026-12-10, KPM-AHU-SMG's 2024 WBBM too,
and KPM-AHU-SBY's 2023 WBK was due 2025-12-12 (overdue): the compliance officer's queue
(kepatuhan.ahu) has due and overdue rounds, the TPI's (reviewer.tpi) the WBBM. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zona.national.models import MonitoringRound, MonitoringStatus, Predicate
from zona.national.services.monitoring import (
    monitoring_conclude,
    monitoring_rounds_create,
    monitoring_start,
)

EARLIER = ("KPM-AHU-SMG", "WBK", 2022)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())


def load(ctx: Any) -> None:
    code, kind, year = EARLIER
    predicate = Predicate.objects.filter(unit=ctx.units[code], kind=kind, year=year).first()
    monitor = ctx.users.get("kepatuhan.ahu")
    if predicate is not None and monitor is not None:
        if not MonitoringRound.objects.filter(predicate=predicate).exists():
            monitoring_rounds_create(today=dt.date(2024, 12, 1))
        first = MonitoringRound.objects.filter(predicate=predicate).order_by("due_on").first()
        if first is not None and first.status == MonitoringStatus.SCHEDULED:
            first = monitoring_start(actor=monitor, rnd=first, now=_at(dt.date(2024, 12, 10)))
        if first is not None and first.status == MonitoringStatus.IN_PROGRESS:
            monitoring_conclude(
                actor=monitor,
                rnd=first,
                outcome="maintained",
                findings=(
                    "Layanan waris dan perwalian tetap sesuai standar; IPAK dan IPKP di atas "
                    "target; tidak ada pengaduan yang belum selesai."
                ),
                follow_up="Perbarui maklumat pelayanan di ruang tunggu.",
                now=_at(dt.date(2024, 12, 16)),
            )
    monitoring_rounds_create(today=timezone.localdate())
