"""The world of the whole-path browser test (issue 11, "Done when"), built through services as
the demo builds its cast: what happens BEFORE the path, and the clock moves the pages cannot
make.

- `build_path_world`: the test personas (`build_world`), the head of Ditjen Pelayanan (who
  designates candidates), the head of Kementerian Contoh (the agency head), Kementerian
  Contoh's PMPZI of the year with a TPI step, Satker Bandung's submitted sheet (the
  operator's answers) with its TPI layer, the unit's eligibility answers, and the TPI panel
  that recommends Bandung to the TPN (confirmed; the chain up to it is the workflow's own
  browser test). The year's ProgramYear is not saved: the national administrator sets its
  deadline on the page.
- `monitor_world`: the agency's WBK monitor (an echelon-I compliance team) and the
  monitoring round two years after the decree (the page cannot move the clock).
- `next_year_world`: the next PMPZI, in which the TPI recommends Bandung again, so the only
  thing that stops its re-proposal is the revocation block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zona.accounts.models import Role, User
from zona.accounts.services import role_assign, user_create
from zona.accounts.testing import DEFAULT_PASSWORD, World
from zona.assessments.models import AnswerLayer, Assessment, AssessmentStatus, Period
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import Candidacy, MonitoringRound, Predicate, ProgramYear
from zona.national.selectors.core import add_months, national_settings
from zona.national.services.monitoring import monitor_assign, monitoring_rounds_create
from zona.national.tests.proposal_fixtures import confirmed_panel
from zona.national.tests.test_candidacy import answer_all, es1_head
from zona.workflow.models import ChainStep, TpiStepConfig
from zona.workflow.tests.conftest import fill_unit_answers


@dataclass
class PathWorld:
    world: World
    year: int
    period: Period
    sheet: Assessment

    def __getitem__(self, username: str) -> User:
        return self.world.users[username]


def _person(world: World, username: str, name: str, unit, role: str) -> User:
    admin = world["sysadmin"]
    user = user_create(
        actor=admin,
        username=username,
        email=f"{username}@example.go.id",
        full_name=name,
        home_unit=unit,
        password=DEFAULT_PASSWORD,
        send_welcome=False,
    )
    role_assign(actor=admin, user=user, role=role, unit=unit)
    world.users[username] = user
    return user


def _recommended_sheet(world: World, year: int) -> tuple[Period, Assessment]:
    """Kementerian Contoh's PMPZI `year` whose confirmed TPI panel recommends Bandung."""
    today = timezone.localdate()
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
    TpiStepConfig.objects.create(step=step, created_by=world["sysadmin"])
    sheet = make_assessment(period, world.bandung)
    fill_unit_answers(world, sheet)  # the operator's answers ("Ya" on the TPN's item)
    Assessment.objects.filter(pk=sheet.pk).update(status=AssessmentStatus.SUBMITTED)
    AnswerLayer.objects.create(assessment=sheet, tier=world.tier_tpi)
    confirmed_panel(period, step, {sheet: True}, world["tpi_reviewer"])
    return period, Assessment.objects.select_related("period", "unit").get(pk=sheet.pk)


def build_path_world(world: World) -> PathWorld:
    year = timezone.localdate().year
    es1 = es1_head(world)
    world.users[es1.username] = es1
    _person(world, "agency_head", "Kepala Kementerian", world.agency, Role.UNIT_HEAD)
    answer_all(world)  # the agency's eligibility checklist, answered for Bandung
    period, sheet = _recommended_sheet(world, year)
    return PathWorld(world=world, year=year, period=period, sheet=sheet)


def monitor_world(pw: PathWorld, predicate: Predicate) -> MonitoringRound:
    """The WBK monitor of the agency (Ditjen Pelayanan's compliance team, in which the Kanwil
    reviewer works) and the round the cycle brings two years after the decree."""
    world = pw.world
    monitor_assign(
        actor=world["agency_admin"],
        agency=world.agency,
        kind=predicate.kind,
        monitor_unit=world.eselon1,
        users=[world["kanwil_reviewer"]],
    )
    cycle = national_settings().monitoring_cycle_months
    monitoring_rounds_create(today=add_months(predicate.decree_date, cycle))
    return MonitoringRound.objects.get(predicate=predicate)


def next_year_world(pw: PathWorld) -> int:
    """The next PMPZI: the TPI recommends Bandung again and it is a candidate again."""
    world = pw.world
    year = pw.year + 1
    ProgramYear.objects.get_or_create(
        year=year,
        defaults={
            "proposal_deadline": dt.date(year, 5, 31),
            "appeal_window_days": 14,
            "follow_up_days": 14,
        },
    )
    _recommended_sheet(world, year)
    Candidacy.objects.create(
        unit=world.bandung,
        year=year,
        target="WBK",
        designated_by=world["es1_head"],
        designated_at=timezone.now(),
    )
    return year
