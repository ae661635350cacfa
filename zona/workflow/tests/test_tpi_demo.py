"""The TPI demo: the starting gates, the TPI step marked and one draft panel; loading twice
changes nothing, a missing period is no error."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.workflow.demos.chain import load as load_chain
from zona.workflow.demos.tpi import load
from zona.workflow.models import TpiGate, TpiPanel, TpiStepConfig


@pytest.mark.django_db
def test_the_tpi_demo_loads_twice_alike():
    ctx = load_demo_accounts()
    load(ctx)  # no period yet: the gates only, no error
    assert TpiGate.objects.filter(agency=ctx.agency).count() == 5
    assert not TpiPanel.objects.exists()
    load_assessments(ctx)
    load_chain(ctx)
    load(ctx)
    load(ctx)
    assert TpiGate.objects.filter(agency=ctx.agency).count() == 5
    assert TpiStepConfig.objects.get().step.tier.code == "tpi"
    panel = TpiPanel.objects.get()
    assert panel.status == "draft"
    assert panel.chair is not None
    assert panel.chair.username == "reviewer.tpi"
