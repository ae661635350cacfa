"""The TPI demo: the starting gates, the TPI step marked and one draft panel; a missing
period is no error. Loading twice changes nothing: `zona/home/tests/test_demo_whole.py` runs
`check_tpi` on the whole demo, loaded once and again."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet

from zona.accounts.demo import load_demo_accounts
from zona.accounts.models import Unit
from zona.workflow.demos.tpi import load
from zona.workflow.models import TpiGate, TpiPanel, TpiStepConfig


@pytest.mark.django_db
def test_the_tpi_demo_without_a_period_makes_the_gates_only():
    ctx = load_demo_accounts()
    load(ctx)  # no period yet: the gates only, no error
    assert TpiGate.objects.filter(agency=ctx.agency).count() == 5
    assert not TpiPanel.objects.exists()


def check_tpi(agency: Unit, panels: QuerySet[TpiPanel]) -> None:
    """`panels`: the TPI panels but those other parts' demos add."""
    assert TpiGate.objects.filter(agency=agency).count() == 5
    assert TpiStepConfig.objects.get().step.tier.code == "tpi"
    panel = panels.get()
    assert panel.status == "draft"
    assert panel.chair is not None
    assert panel.chair.username == "reviewer.tpi"
