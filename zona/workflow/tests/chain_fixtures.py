"""Builders for the chain tests: the chain world's tiers and period without steps, and a
step input with a window inside the period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zona.accounts.models import ReviewTier
from zona.accounts.testing import World
from zona.assessments.models import Period
from zona.workflow.services.chain import StepInput
from zona.workflow.tests.conftest import build_chain


@dataclass
class Bare:
    world: World
    period: Period
    tiers: dict[str, ReviewTier]


def bare_chain(world: World) -> Bare:
    tiers, period, _framework = build_chain(world)
    return Bare(world=world, period=period, tiers=tiers)


def window(start: int = -5, end: int = 20) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today + dt.timedelta(days=start), today + dt.timedelta(days=end)


def step_input(tier: ReviewTier, start: int = -5, end: int = 20, **extra: object) -> StepInput:
    opens, closes = window(start, end)
    return StepInput(tier=tier, opens_on=opens, closes_on=closes, **extra)  # type: ignore[arg-type]
