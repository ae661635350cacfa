"""The predicates part's demo: earlier years' predicates, the revocation of KPM-PZN-GWA,
KPM's monitors, a concluded round in 2024 and rounds due and overdue today. Loading twice
changes nothing: `zona/home/tests/test_demo_whole.py` runs `check_predicates` on the whole
demo, loaded once and again."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.utils import timezone

from zona.accounts.demo import DemoContext
from zona.national.demos.cast import HISTORY, YEAR
from zona.national.models import MonitoringRound, Predicate, PredicateStatus, Revocation
from zona.national.selectors.core import revocation_block
from zona.national.selectors.predicates import monitor_queue


def check_predicates(ctx: DemoContext) -> None:
    # The earlier years' predicates (the TPN's demo adds this year's award).
    earlier = Predicate.objects.filter(year__lt=YEAR).count()
    assert earlier == sum(len(cast(list, v)) for v in HISTORY.values())
    gwa = Predicate.objects.get(unit__code="KPM-PZN-GWA")
    assert gwa.status == PredicateStatus.REVOKED
    assert Revocation.objects.get(predicate=gwa).decided_on == dt.date(2025, 8, 20)
    assert revocation_block(gwa.unit, dt.date(2026, 12, 6)) == dt.date(2027, 8, 20)
    smg = MonitoringRound.objects.filter(predicate__unit__code="KPM-AHU-SMG", predicate__kind="WBK")
    assert next((r.due_on, r.status, r.outcome) for r in smg.order_by("due_on")) == (
        dt.date(2024, 12, 9),
        "concluded",
        "maintained",
    )
    mlg = MonitoringRound.objects.get(predicate__unit__code="KPM-AHU-MLG")
    assert mlg.due_on == dt.date(2026, 12, 10)
    today = timezone.localdate()
    states = {
        (r.round.predicate.unit.code, r.state)
        for r in monitor_queue(ctx.users["kepatuhan.ahu"], today)
    }
    assert ("KPM-AHU-SBY", "overdue") in states
    assert {code for code, _state in states} == {"KPM-AHU-SBY", "KPM-AHU-SMG", "KPM-AHU-MLG"}
    tpi = {r.round.predicate.kind for r in monitor_queue(ctx.users["reviewer.tpi"], today)}
    assert tpi == {"WBBM"}
