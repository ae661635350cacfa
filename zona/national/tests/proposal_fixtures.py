"""The proposal tests' world: Kementerian Contoh's period of this year with a TPI step and a
confirmed TPI panel that proposes Satker Bandung, Bogor and Surabaya to the TPN (the panel's
records written directly: the TPI's own tests walk that chain), each unit a designated
candidate, a TPI layer on each sheet (so the LKE has the TPI's columns), an agency head, and
the year's proposal deadline at the end of the year (so pages can submit today)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zona.accounts.models import Role, User
from zona.accounts.services import role_assign, user_create
from zona.accounts.testing import DEFAULT_PASSWORD, World
from zona.assessments.models import AnswerLayer, Assessment, Period
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import Candidacy, ProgramYear
from zona.workflow.models import ChainStep, TpiDecision, TpiPanel, TpiStepConfig

LETTER = {
    "letter_number": "B-123/KC/V/2026",
    "signer_name": "Dr. Siti Rahma",
    "signer_nip": "197001011995032001",
    "signer_title": "Sekretaris Jenderal",
}


@dataclass
class ProposalWorld:
    world: World
    year: int
    period: Period
    step: ChainStep
    panel: TpiPanel
    sheets: dict[str, Assessment]  # bandung, bogor, surabaya

    def __getitem__(self, username: str) -> User:
        return self.world.users[username]

    @property
    def letter(self) -> dict[str, str]:
        return {**LETTER, "letter_date": dt.date(self.year, 5, 20).isoformat()}


def confirmed_panel(
    pw_period: Period, step: ChainStep, decisions: dict[Assessment, bool], by: User
) -> TpiPanel:
    now = timezone.now()
    panel = TpiPanel.objects.create(
        period=pw_period,
        step=step,
        status="confirmed",
        title="Rapat Pleno TPI",
        held_on=timezone.localdate(),
        minutes="Notulen",
        confirmed_at=now,
        confirmed_by=by,
    )
    for sheet, propose in decisions.items():
        TpiDecision.objects.create(
            panel=panel,
            assessment=sheet,
            propose=propose,
            reason="Memenuhi syarat" if propose else "Belum memenuhi",
            decided_by=by,
            decided_at=now,
        )
    return panel


def build_proposal_world(world: World) -> ProposalWorld:
    today = timezone.localdate()
    year = today.year
    admin = world["sysadmin"]
    head = user_create(
        actor=admin,
        username="agency_head",
        email="agency_head@example.go.id",
        full_name="Kepala Kementerian",
        home_unit=world.agency,
        password=DEFAULT_PASSWORD,
        send_welcome=False,
    )
    role_assign(actor=admin, user=head, role=Role.UNIT_HEAD, unit=world.agency)
    world.users["agency_head"] = head
    period = make_period(
        world.agency, load_mini(), year=year, title=f"PMPZI {year}", creator=world["agency_admin"]
    )
    step = ChainStep.objects.create(
        period=period,
        tier=world.tier_tpi,
        position=1,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=30),
    )
    TpiStepConfig.objects.create(step=step, created_by=admin)
    sheets = {
        "bandung": make_assessment(period, world.bandung),
        "bogor": make_assessment(period, world.bogor),
        "surabaya": make_assessment(period, world.surabaya),
    }
    for sheet in sheets.values():
        AnswerLayer.objects.create(assessment=sheet, tier=world.tier_tpi)
        Candidacy.objects.create(
            unit=sheet.unit,
            year=year,
            target="WBK",
            designated_by=admin,
            designated_at=timezone.now(),
        )
    panel = confirmed_panel(
        period, step, dict.fromkeys(sheets.values(), True), world["tpi_reviewer"]
    )
    ProgramYear.objects.create(
        year=year, proposal_deadline=dt.date(year, 12, 31), appeal_window_days=14, follow_up_days=14
    )
    return ProposalWorld(
        world=world, year=year, period=period, step=step, panel=panel, sheets=sheets
    )
