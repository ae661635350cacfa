"""The unit dashboard's page and API on the mini LKE: the figures are the stored scores, the
thresholds the framework's, another unit's user gets a 404, and the page's queries do not grow
with the number of tiers or survey rounds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zona.accounts.models import ReviewTier
from zona.assessments.models import Answer, AnswerLayer, StoredScore
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.assessments.tests.openapi import assert_matches_schema
from zona.insight.tests.test_planner_views import SHEET, fill
from zona.surveys.services.tallies import tallies_fold
from zona.surveys.tests.conftest import instruments, make_campaign, submit

__all__ = ["instruments"]  # the surveys' fixture, used by name

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    assessment = make_assessment(period, world.bandung)
    fill(world, assessment, SHEET)
    return assessment


def add_tier(world, assessment, n: int, answers: dict[str, str]) -> ReviewTier:
    """A review tier's layer with answers, written as the review would, then rescored."""
    with transaction.atomic():
        tier = ReviewTier.objects.create(
            agency=world.agency, code=f"t{n}", name=f"Tier {n}", rank=n
        )
        layer = AnswerLayer.objects.create(assessment=assessment, tier=tier)
        for code, value in answers.items():
            Answer.objects.create(layer=layer, item_code=code, value=value)
        scores_refresh(assessment)
    return tier


def page(assessment) -> str:
    return f"/assessments/{assessment.pk}/dashboard/"


def api(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/dashboard/"


def test_the_page_shows_the_stored_scores_against_the_frameworks_thresholds(
    world, client_for, sheet
):
    tier = add_tier(world, sheet, 15, {"A.p.t.1.a": "A"})
    stored = {s.key: s for s in StoredScore.objects.filter(assessment=sheet)}
    response = client_for(world["operator"]).get(page(sheet))
    assert response.status_code == 200
    board = response.context["board"]
    effective = stored["effective"]
    assert board.total == round(effective.total_after_deductions or effective.total, 2)
    # The mini framework's conditions on the total, in its order.
    fw = sheet.period.framework.document["predicates"]
    bounds = {
        p["key"]: Decimal(str(c["min"]))
        for p in fw
        for c in p["conditions"]
        if c["nodes"] == ["TOTAL"]
    }
    assert {t.key: t.bound for t in board.thresholds} == bounds
    assert [t.passed for t in board.thresholds] == [
        effective.verdicts[t.key]["passed"] for t in board.thresholds
    ]
    assert [v.key for v in board.views] == ["unit", f"tier:{tier.pk}", "effective"]
    assert [v.total for v in board.views] == [
        stored["unit"].total,
        stored[f"tier:{tier.pk}"].total,
        effective.total_after_deductions or effective.total,
    ]
    for area in board.areas:
        for key, value in area.scores.items():
            assert value == Decimal(stored[key].areas[area.key]["score"])
    # The tier changed A.p.t.1.a: it is the one item listed, in words per layer.
    assert [i.code for i in board.items] == ["A.p.t.1.a"]
    assert list(board.items[0].answers.values()) == ["C", "A", "A"]
    html = response.content.decode()
    assert 'data-testid="dash-area-table"' in html
    assert "vendor/echarts/echarts.min.js" in html


def test_the_api_gives_the_same_figures(world, client_for, sheet):
    add_tier(world, sheet, 15, {"A.p.t.1.a": "A"})
    stored = {s.key: s for s in StoredScore.objects.filter(assessment=sheet)}
    response = client_for(world["operator"]).get(api(sheet))
    assert response.status_code == 200
    data = response.json()
    assert_matches_schema("/api/v1/assessments/{id}/dashboard/", "get", response)
    effective = stored["effective"]
    assert Decimal(data["total"]) == round(effective.total_after_deductions or effective.total, 2)
    views = {v["key"]: v for v in data["views"]}
    assert set(views) == set(stored)
    for key, view in views.items():
        assert Decimal(view["total"]) == stored[key].total
        for area, fields in stored[key].areas.items():
            assert Decimal(view["areas"][area]) == Decimal(fields["score"])
    assert [i["item"] for i in data["items"]] == ["A.p.t.1.a"]


def test_another_units_user_gets_a_404(world, client_for, sheet):
    for name in ("other_operator", "outsider"):
        client = client_for(world[name])
        assert client.get(page(sheet)).status_code == 404
        assert client.get(api(sheet)).status_code == 404


def test_a_reviewer_of_the_unit_sees_it(world, client_for, sheet):
    assert client_for(world["kanwil_reviewer"]).get(page(sheet)).status_code == 200


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_queries_do_not_grow_with_tiers(world, client_for, sheet):
    client = client_for(world["operator"])
    add_tier(world, sheet, 11, {"A.p.t.1.a": "B"})
    one = count_queries(client, page(sheet))
    api_one = count_queries(client, api(sheet))
    for n in range(12, 16):
        add_tier(world, sheet, n, {"A.p.t.1.a": "A", "A.p.m.1.b": "B"})
    assert count_queries(client, page(sheet)) == one
    assert count_queries(client, api(sheet)) == api_one


def test_progress_per_area_and_working_group_and_the_radar(world, client_for, sheet):
    board = client_for(world["operator"]).get(page(sheet)).context["board"]
    # The radar takes the Pengungkit areas; B (Hasil) is in the table only.
    assert [a.key for a in board.radar] == ["1", "2"]
    area = {a.key: a for a in board.areas}
    # Every item of the sheet is answered (SHEET), none has evidence yet.
    assert area["1"].progress.answered == area["1"].progress.total > 0
    assert board.progress.with_evidence == 0
    (group,) = board.groups
    assert group.areas == ("1", "2")
    assert group.progress.total == area["1"].progress.total + area["2"].progress.total
    # Area 2 scores half its weight: A.p.t.1 is at C and Tidak.
    effective = StoredScore.objects.get(assessment=sheet, key="effective").areas["2"]
    assert area["2"].percent == round(
        100 * Decimal(effective["score"]) / Decimal(effective["weight"]), 2
    )


def answer_all(campaign) -> None:
    answers: dict[str, Any] = {
        v.instrument.key: [v.scale_max] * len(v.item_codes) for v in campaign.ordered_versions()
    }
    submit(campaign, **answers)


def test_survey_rounds_trend_with_bounded_queries(world, client_for, sheet, instruments):
    client = client_for(world["operator"])
    first = make_campaign(world, instruments)
    for _ in range(3):
        answer_all(first)
    tallies_fold()
    one = count_queries(client, page(sheet))
    for label in ("Semester II", "Triwulan III", "Triwulan IV"):
        campaign = make_campaign(world, instruments, period_label=label)
        answer_all(campaign)
    assert count_queries(client, page(sheet)) == one
    board = client.get(page(sheet)).context["board"]
    assert len(board.survey) == 4
    assert "spak" in board.survey_keys
    data = client.get(api(sheet)).json()
    assert [p["campaign"] for p in data["survey"]] == [p.campaign_id for p in board.survey]
