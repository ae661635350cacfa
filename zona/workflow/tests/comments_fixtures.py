"""Builders for the comments and queue tests: submitted sheets with layers and evidence,
written directly (these tests are about comments, marks and the queue's reads; submitting
and the chain are tested by their own parts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zona.accounts.models import ReviewTier, Unit, User
from zona.accounts.testing import World
from zona.assessments.models import (
    Answer,
    AnswerChange,
    AnswerLayer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceLink,
    EvidenceRevision,
    Period,
)
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.workflow.models import ChainStep, TierReview, TierReviewStatus

UNIT_ANSWERS = {"A.p.m.1.a": "Ya", "A.p.m.1.b": "A", "A.p.m.2.a": "B"}


@dataclass
class Sheets:
    world: World
    period: Period
    assessment: Assessment  # Satker Bandung's, submitted, with one evidence file on A.p.m.1.a
    link: EvidenceLink

    def __getitem__(self, username: str) -> User:
        return self.world.users[username]


def answer(assessment: Assessment, tier: ReviewTier | None, code: str, value: object) -> None:
    layer, _ = AnswerLayer.objects.get_or_create(assessment=assessment, tier=tier)
    Answer.objects.update_or_create(
        layer=layer, item_code=code, defaults={"value": value, "revision": 1}
    )


def submitted_sheet(period: Period, unit: Unit, user: User) -> Assessment:
    assessment = make_assessment(period, unit)
    for code, value in UNIT_ANSWERS.items():
        answer(assessment, None, code, value)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=user
    )
    return Assessment.objects.select_related("period", "period__framework", "unit").get(
        pk=assessment.pk
    )


def attach(assessment: Assessment, code: str, user: User, title: str = "SK Tim") -> EvidenceLink:
    doc = Evidence.objects.create(unit=assessment.unit, title=title, kind="file", created_by=user)
    revision = EvidenceRevision.objects.create(
        evidence=doc,
        number=1,
        original_name="sk.pdf",
        sha256=f"{doc.pk:064x}",
        size=100,
        content_type="application/pdf",
        effective_date=dt.date(2026, 1, 1),
        uploaded_by=user,
    )
    Evidence.objects.filter(pk=doc.pk).update(current_revision=revision)
    return EvidenceLink.objects.create(
        evidence=doc,
        assessment=assessment,
        item_code=code,
        linked_by=user,
        pinned_revision=revision,
        pinned_title=title,
    )


def build_sheets(world: World, *, period: Period | None = None) -> Sheets:
    period = period or make_period(world.agency, load_mini(), creator=world["agency_admin"])
    assessment = submitted_sheet(period, world.bandung, world["unit_head"])
    link = attach(assessment, "A.p.m.1.a", world["operator"])
    return Sheets(world=world, period=period, assessment=assessment, link=link)


def open_chain(period: Period, tier: ReviewTier, *, closes_in: int = 20) -> ChainStep:
    today = timezone.localdate()
    position = ChainStep.objects.filter(period=period).count() + 1
    return ChainStep.objects.create(
        period=period,
        tier=tier,
        position=position,
        opens_on=today - dt.timedelta(days=5),
        closes_on=today + dt.timedelta(days=closes_in),
    )


def open_review(step: ChainStep, assessment: Assessment) -> TierReview:
    return TierReview.objects.create(
        assessment=assessment,
        step=step,
        tier=step.tier,
        position=step.position,
        status=TierReviewStatus.OPEN,
        opened_at=timezone.now(),
    )


def returned_then_revised(assessment: Assessment, items: list[str], revised: list[str]) -> None:
    """The sheet was returned for `items`, and the unit changed `revised` afterwards."""
    returned_at = timezone.now() - dt.timedelta(hours=2)
    Assessment.objects.filter(pk=assessment.pk).update(
        returned_items=items, returned_at=returned_at, return_reason="perbaiki"
    )
    unit_layer = AnswerLayer.objects.get(assessment=assessment, tier__isnull=True)
    for code in revised:
        AnswerChange.objects.create(
            assessment=assessment,
            layer=unit_layer,
            item_code=code,
            field="value",
            before=None,
            after="x",
            revision=2,
        )
