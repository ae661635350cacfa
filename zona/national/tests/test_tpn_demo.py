"""The TPN's demo moves each nomination of the cast to its listed stage through the
services (after the proposal's demo created the nominations). Loading twice changes
nothing: `zona/home/tests/test_demo_whole.py` runs `check_tpn` on the whole demo, loaded
once and again."""

from __future__ import annotations

from zona.national.demos.cast import NOMINATED, YEAR
from zona.national.models import Nomination, Predicate


def check_tpn() -> None:
    stages = dict(Nomination.objects.values_list("unit__code", "status"))
    assert stages == {code: stage for code, (_t, stage) in NOMINATED.items()}
    granted = Predicate.objects.get(unit__code="KPM-PZN-MDN", year=YEAR)
    assert granted.decree_number == "KEP-123/M.PAN-RB/12/2026"
