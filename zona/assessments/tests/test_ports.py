"""The self-assessment works without the surveys app: the port's default offers nothing and
pins nothing (zona.assessments.ports)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zona.assessments.models import Answer, AssessmentStatus
from zona.assessments.ports import NoSurveys, register_survey_feed, survey_feed
from zona.assessments.selectors import survey_indices
from zona.surveys.feed import LkeSurveyFeed
from zona.surveys.models import LkeFeedPin
from zona.workflow.services.sheet import sheet_return, sheet_submit


@pytest.fixture
def surveys_would_offer(monkeypatch):
    # What the surveys app would give, so a read that went around the port would show.
    monkeypatch.setattr(
        "zona.surveys.feed.survey_indices_for",
        lambda unit, year: {"ipak": Decimal("3.51"), "ipkp": Decimal("3.2"), "skm_rounds": 4},
    )


@pytest.fixture
def no_surveys():
    previous = register_survey_feed(NoSurveys())
    yield
    register_survey_feed(previous)


def test_the_surveys_app_fills_the_port():
    assert isinstance(survey_feed(), LkeSurveyFeed)


def test_through_the_port_the_surveys_offer_their_indices(assessment, surveys_would_offer):
    indices = survey_indices(assessment)
    assert indices is not None
    assert indices["ipak"] == Decimal("3.51")


def test_without_surveys_nothing_is_offered_filled_or_pinned(
    client_for, world, assessment, surveys_would_offer, no_surveys
):
    assert survey_indices(assessment) is None
    page = client_for(world["operator"]).get(
        reverse("assessments:worksheet", args=[assessment.pk]) + "?s=B.1"
    )
    assert page.status_code == 200
    card = page.content.decode().split('id="item-B-1-a"')[1].split("</form>")[0]
    assert 'data-testid="survey-suggestion"' not in card
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert not Answer.objects.filter(item_code__in=["B.1.a", "B.2.a"]).exists()
    assert not LkeFeedPin.objects.exists()
    # A return that reopens the index items has nothing to unpin and still goes through.
    sheet_return(actor=world["tpi_reviewer"], assessment=assessment, items=["B.1.a"], reason="IPAK")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
