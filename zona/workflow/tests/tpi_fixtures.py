"""Helpers of the TPI tests: the chain world with its TPI step marked, the agency's gates
taken from the data file, and sheets brought to the TPI (Kanwil and Eselon I forward)."""

from __future__ import annotations

from zona.assessments.models import Assessment
from zona.assessments.tests.factories import make_assessment
from zona.workflow.models import TierReview, TpiGate
from zona.workflow.services.reviews import review_complete
from zona.workflow.services.tpi import tpi_gates_take_starters, tpi_step_mark
from zona.workflow.tests.conftest import ChainWorld


def setup_tpi(cw: ChainWorld) -> dict[str, TpiGate]:
    """Mark the TPI step and take the starting gates; returns the gates by code."""
    admin = cw["agency_admin"]
    tpi_step_mark(actor=admin, period=cw.period, step=cw.steps["tpi"])
    tpi_gates_take_starters(actor=admin, agency=cw.world.agency)
    return {g.code: g for g in TpiGate.objects.filter(agency=cw.world.agency)}


def to_tpi(cw: ChainWorld, assessment: Assessment | None = None) -> TierReview:
    """Kanwil then Eselon I complete forwarding: the sheet's TPI review opens."""
    sheet = assessment or cw.assessment
    review_complete(
        actor=cw["kanwil_reviewer"], review=cw.review("kanwil", sheet), recommendation="forward"
    )
    review_complete(
        actor=cw["eselon1_reviewer"], review=cw.review("eselon1", sheet), recommendation="forward"
    )
    return cw.review("tpi", sheet)


def extra_tpi_sheets(cw: ChainWorld, count: int) -> list[Assessment]:
    """`count` more sheets whose TPI review is open (for query counts: written directly, the
    rest of the chain is not what those tests are about)."""
    from zona.accounts.services import unit_create

    made = []
    for n in range(count):
        unit = unit_create(
            actor=cw["sysadmin"],
            parent=cw.world.kanwil_jatim,
            code=f"KC-X{n}-{Assessment.objects.count()}",
            name=f"Satker X{n}",
            kind="satker",
            echelon=3,
        )
        sheet = make_assessment(cw.period, unit)
        TierReview.objects.create(
            assessment=sheet,
            step=cw.steps["tpi"],
            tier=cw.tiers["tpi"],
            position=3,
            status="open",
        )
        made.append(sheet)
    return made
