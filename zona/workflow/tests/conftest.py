"""Shared fixtures of the workflow tests: the test world with a review chain.

`chain_world` builds on `build_world()` (zona/accounts/testing.py): the mini framework, a
period of Kementerian Contoh with a three-step chain

    1. kanwil  (team "Tim Jabar": lead kanwil_reviewer, member kanwil_member, units Kanwil
                Jawa Barat; team "Tim Jatim": lead jatim_reviewer, units Kanwil Jawa Timur)
    2. eselon1 (team "Tim Eselon I": lead eselon1_reviewer, units Ditjen Pelayanan)
    3. tpi     (team "Tim TPI": lead tpi_reviewer, controller tpi_controller, units the agency)

every step open from ten days ago to thirty days ahead, no scopes (the whole agency), and
Satker Bandung's sheet submitted by its unit head (two unit answers), so its tier reviews
exist: kanwil open, eselon1 and tpi waiting.

Other parts import it: `from zona.workflow.tests.conftest import ChainWorld` for the type;
the fixture is found by pytest in every test module of zona/workflow/tests/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from zona.accounts.models import ReviewTier, Role, User
from zona.accounts.services import review_tier_create, role_assign, user_create
from zona.accounts.testing import DEFAULT_PASSWORD, World
from zona.assessments.models import Assessment, Period
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.frameworks.models import Framework
from zona.workflow import handoffs
from zona.workflow.models import ChainStep, ReviewTeam, TierReview

# Two unit answers of the mini framework, saved before the sheet is submitted.
UNIT_ANSWERS = (("A.p.m.1.a", "Ya"), ("A.p.m.1.b", "A"))


@dataclass
class ChainWorld:
    world: World
    framework: Framework
    period: Period
    tiers: dict[str, ReviewTier]  # kanwil, eselon1, tpi
    steps: dict[str, ChainStep]  # by tier code
    teams: dict[str, ReviewTeam]  # jabar, jatim, eselon1, tpi
    assessment: Assessment  # Satker Bandung's sheet, submitted

    def __getitem__(self, username: str) -> User:
        return self.world.users[username]

    def review(self, tier: str, assessment: Assessment | None = None) -> TierReview:
        """The (fresh) tier review of `tier` on the sheet (default: Bandung's)."""
        return TierReview.objects.select_related("step", "tier", "assessment").get(
            assessment=assessment or self.assessment, tier__code=tier
        )


def submit_sheet(actor: User, assessment: Assessment, **kwargs: Any) -> Assessment:
    """Submit through the sheet's service (its effect creates or reopens the tier reviews),
    and return the sheet read again."""
    from zona.workflow.services.sheet import sheet_submit

    result = sheet_submit(actor=actor, assessment=assessment, **kwargs)
    return Assessment.objects.select_related("period", "period__framework", "unit").get(
        pk=result.pk
    )


def fill_unit_answers(world: World, assessment: Assessment) -> None:
    from zona.assessments.services import answer_save

    for code, value in UNIT_ANSWERS:
        answer_save(
            actor=world["operator"],
            assessment=assessment,
            item_code=code,
            revision=0,
            value=value,
            note="catatan unit",
        )


def build_chain(world: World) -> tuple[dict[str, ReviewTier], Period, Framework]:
    """The tiers, reviewers and period of the chain world (no steps yet)."""
    admin = world["sysadmin"]
    eselon1 = review_tier_create(
        actor=admin, agency=world.agency, code="eselon1", name="Eselon I", rank=20
    )
    tiers = {"kanwil": world.tier_kanwil, "eselon1": eselon1, "tpi": world.tier_tpi}

    def reviewer(username: str, home: Any, on: Any, tier: ReviewTier) -> User:
        user = user_create(
            actor=admin,
            username=username,
            email=f"{username}@example.go.id",
            full_name=username.replace("_", " ").title(),
            home_unit=home,
            password=DEFAULT_PASSWORD,
            send_welcome=False,
        )
        role_assign(
            actor=admin,
            user=user,
            role=Role.REVIEWER,
            unit=on,
            covers_subtree=True,
            review_tier=tier,
        )
        world.users[username] = user
        return user

    reviewer("kanwil_member", world.kanwil_jabar, world.kanwil_jabar, world.tier_kanwil)
    reviewer("jatim_reviewer", world.kanwil_jatim, world.kanwil_jatim, world.tier_kanwil)
    reviewer("eselon1_reviewer", world.eselon1, world.eselon1, eselon1)
    reviewer("tpi_controller", world.itjen, world.agency, world.tier_tpi)
    framework = load_mini()
    period = make_period(world.agency, framework, creator=world["agency_admin"])
    return tiers, period, framework


def build_steps(
    world: World, period: Period, tiers: dict[str, ReviewTier]
) -> tuple[dict[str, ChainStep], dict[str, ReviewTeam]]:
    today = timezone.localdate()
    steps = {
        code: ChainStep.objects.create(
            period=period,
            tier=tiers[code],
            position=position,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=30),
        )
        for position, code in enumerate(("kanwil", "eselon1", "tpi"), start=1)
    }

    def team(key: str, step: str, name: str, lead: str, units: list, **extra: Any) -> ReviewTeam:
        made = ReviewTeam.objects.create(
            step=steps[step], name=name, lead=world.users[lead], **extra
        )
        made.units.set(units)
        made.members.set([world.users[lead]])
        return made

    teams = {
        "jabar": team("jabar", "kanwil", "Tim Jabar", "kanwil_reviewer", [world.kanwil_jabar]),
        "jatim": team("jatim", "kanwil", "Tim Jatim", "jatim_reviewer", [world.kanwil_jatim]),
        "eselon1": team("eselon1", "eselon1", "Tim Eselon I", "eselon1_reviewer", [world.eselon1]),
        "tpi": team(
            "tpi",
            "tpi",
            "Tim TPI",
            "tpi_reviewer",
            [world.agency],
            controller=world.users["tpi_controller"],
        ),
    }
    teams["jabar"].members.add(world.users["kanwil_member"])
    teams["tpi"].members.add(world.users["tpi_controller"])
    return steps, teams


@pytest.fixture(autouse=True)
def _record_handoffs() -> Iterator[list[dict[str, Any]]]:
    """Every workflow test keeps its own hand-offs (`handoffs.recorded()`); outside tests
    nothing is kept."""
    with handoffs.recording() as made:
        yield made


@pytest.fixture
def chain_world(world: World) -> ChainWorld:
    tiers, period, framework = build_chain(world)
    steps, teams = build_steps(world, period, tiers)
    assessment = make_assessment(period, world.bandung)
    fill_unit_answers(world, assessment)
    submitted = submit_sheet(world["unit_head"], assessment)
    return ChainWorld(
        world=world,
        framework=framework,
        period=period,
        tiers=tiers,
        steps=steps,
        teams=teams,
        assessment=submitted,
    )


# --- the assessments tests' fixtures, for the tests that moved here with the review page -----


@pytest.fixture
def framework(db: Any) -> Framework:
    return load_mini()


@pytest.fixture
def period(world: World, framework: Framework) -> Period:
    return make_period(world.agency, framework, creator=world["agency_admin"])


@pytest.fixture
def assessment(world: World, period: Period) -> Assessment:
    return make_assessment(period, world.bandung)
