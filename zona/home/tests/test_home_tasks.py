"""Home page "Your tasks": the sheets a person fills in or reviews, with their deadline,
and the survey rounds running in their units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zona.assessments.models import Assessment, AssessmentStatus, PeriodDeadline
from zona.assessments.tests.factories import load_mini, make_assessment, make_period

HOME = reverse("home:home")


@pytest.fixture
def framework(db):
    return load_mini()


@pytest.fixture
def period(world, framework):
    return make_period(world.agency, framework, creator=world["agency_admin"])


def tasks_of(client, user) -> list[Assessment]:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return [t.assessment for t in response.context["tasks"]]


def test_operator_sees_only_their_units_sheet(world, client, period):
    mine = make_assessment(period, world.bandung)
    make_assessment(period, world.bogor)
    assert tasks_of(client, world["operator"]) == [mine]
    html = client.get(HOME).content.decode()
    assert "Tugas Anda" in html
    assert reverse("assessments:worksheet", args=[mine.pk]) in html


def test_user_of_another_unit_does_not_see_it(world, client, period):
    make_assessment(period, world.bandung)
    assert tasks_of(client, world["other_operator"]) == []
    assert tasks_of(client, world["outsider"]) == []
    assert "Tugas Anda" not in client.get(HOME).content.decode()


def test_viewer_has_no_task(world, client, period):
    make_assessment(period, world.bandung)
    assert tasks_of(client, world["viewer"]) == []


def test_reviewer_sees_submitted_sheets_in_scope(world, client, framework, period):
    draft = make_assessment(period, world.bandung)
    submitted = make_assessment(period, world.bogor)
    Assessment.objects.filter(pk=submitted.pk).update(status=AssessmentStatus.SUBMITTED)
    assert tasks_of(client, world["kanwil_reviewer"]) == [submitted]
    assert draft not in tasks_of(client, world["kanwil_reviewer"])
    html = client.get(HOME).content.decode()
    assert reverse("workflow:review", args=[submitted.pk]) in html
    # The operator of that unit has nothing to do while it is with the reviewers.
    assert tasks_of(client, world["other_operator"]) == []
    # Outside the reviewer's subtree (another agency's period) nothing shows.
    other = make_period(world.other_agency, framework, title="Lain")
    foreign = make_assessment(other, world.other_satker)
    Assessment.objects.filter(pk=foreign.pk).update(status=AssessmentStatus.SUBMITTED)
    assert tasks_of(client, world["kanwil_reviewer"]) == [submitted]


def test_closed_period_is_no_task(world, client, period):
    make_assessment(period, world.bandung)
    period.status = "closed"
    period.save()
    assert tasks_of(client, world["operator"]) == []


def test_deadline_of_the_units_level_and_days_left(world, client, period):
    today = timezone.localdate()
    level = world.bandung.depth
    PeriodDeadline.objects.create(
        period=period,
        level=level,
        fill_deadline=today + dt.timedelta(days=5),
        review_deadline=today - dt.timedelta(days=2),
    )
    # Another level's deadline does not apply to Satker Bandung.
    PeriodDeadline.objects.create(
        period=period, level=level - 1, fill_deadline=today + dt.timedelta(days=30)
    )
    a = make_assessment(period, world.bandung)
    client.force_login(world["operator"])
    response = client.get(HOME)
    [task] = response.context["tasks"]
    assert (task.deadline, task.days_left, task.urgent, task.overdue) == (
        today + dt.timedelta(days=5),
        5,
        True,
        False,
    )
    assert "5 hari lagi" in response.content.decode()

    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    client.force_login(world["kanwil_reviewer"])
    response = client.get(HOME)
    [task] = response.context["tasks"]
    assert task.review
    assert task.deadline == today - dt.timedelta(days=2)
    assert task.overdue
    assert "terlambat 2 hari" in response.content.decode()
    # The TPN's task is a nominated sheet at its desk evaluation, not bound by the
    # agency's review deadline.
    from zona.national.tests.tpn_fixtures import nominate

    client.force_login(world["tpn"])
    assert client.get(HOME).context["tasks"] == []
    nomination = nominate(Assessment.objects.get(pk=a.pk), by=world["agency_admin"])
    assert client.get(HOME).context["tasks"] == []  # at the administrative selection
    nomination.delete()
    nominate(Assessment.objects.get(pk=a.pk), by=world["agency_admin"], status="desk")
    [task] = client.get(HOME).context["tasks"]
    assert task.deadline == period.closes_on


def test_progress_counts_answered_items(world, client, period):
    from zona.assessments.services import answer_save

    a = make_assessment(period, world.bandung)
    answer_save(
        actor=world["operator"], assessment=a, item_code="A.p.m.1.a", revision=None, value="Ya"
    )
    client.force_login(world["operator"])
    [task] = client.get(HOME).context["tasks"]
    assert task.answered == 1
    assert task.items > 1


def test_query_count_does_not_grow_with_the_number_of_sheets(
    world, client, framework, django_assert_max_num_queries
):
    client.force_login(world["operator"])
    make_assessment(make_period(world.agency, framework, title="P0"), world.bandung)
    client.get(HOME)  # warm caches (framework spec, session)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(HOME).context["tasks"]) == 1
    for i in range(1, 10):
        make_assessment(make_period(world.agency, framework, title=f"P{i}"), world.bandung)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(HOME).context["tasks"]) == 10


def test_running_survey_rounds_with_progress_against_the_sample(world, client):
    from zona.surveys.services import instrument_load_files
    from zona.surveys.tests.conftest import SHIPPED, make_campaign, submit

    results = instrument_load_files(paths=sorted(SHIPPED.glob("*.yaml")))
    instruments = {r.key: r.instrument_version for r in results}
    campaign = make_campaign(world, instruments, keys=("skm",))
    submit(campaign, skm=[4] * 9)
    client.force_login(world["operator"])
    response = client.get(HOME)
    [row] = response.context["campaign_rows"]
    assert row["campaign"] == campaign
    assert row["counted"] == 1
    assert row["target"] > 1
    assert reverse("surveys:campaign_detail", args=[campaign.pk]) in response.content.decode()
    client.force_login(world["other_operator"])
    assert client.get(HOME).context["campaign_rows"] == []
