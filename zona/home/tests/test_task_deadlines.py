"""The home page's task list under a review chain: each person sees the date that binds them.

A reviewer works to the closing date of their chain step's window (as on the review queue),
not to the review deadline of the unit's tree level; the unit works to its fill deadline,
or after a return to its revision deadline. The query count does not grow with the tasks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from zona.assessments.models import Assessment, AssessmentStatus, PeriodDeadline
from zona.assessments.tests.factories import make_assessment, make_period
from zona.workflow.models import ChainStep, TierReview, TierReviewStatus
from zona.workflow.tests.comments_fixtures import open_chain, open_review
from zona.workflow.tests.conftest import build_chain, build_steps, fill_unit_answers, submit_sheet

HOME = reverse("home:home")


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def chained(world):
    """Bandung's sheet submitted into a Kanwil -> Eselon I -> TPI chain whose steps close in
    12, 20 and 25 days, while the tree level's review deadline says 3 days."""
    tiers, period, _framework = build_chain(world)
    steps, _teams = build_steps(world, period, tiers)
    for code, end in (("kanwil", 12), ("eselon1", 20), ("tpi", 25)):
        ChainStep.objects.filter(pk=steps[code].pk).update(closes_on=days(end))
    PeriodDeadline.objects.create(
        period=period,
        level=world.bandung.depth,
        fill_deadline=days(1),
        review_deadline=days(3),
        revision_deadline=days(40),
    )
    sheet = make_assessment(period, world.bandung)
    fill_unit_answers(world, sheet)
    return submit_sheet(world["unit_head"], sheet)


def only_task(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    [task] = response.context["tasks"]
    return task, response.content.decode()


def test_the_reviewer_works_to_their_steps_window_not_the_tree_level(world, client, chained):
    assert TierReview.objects.get(assessment=chained, tier__code="kanwil").status == "open"
    task, html = only_task(client, world["kanwil_reviewer"])
    assert task.review
    assert task.assessment == chained
    assert (task.deadline, task.days_left) == (days(12), 12)
    # The same words as before: "Review due: <date>", "12 days left".
    assert f'Batas reviu: <span class="text-nowrap">{date_format(days(12), "j M Y")}' in html
    assert "12 hari lagi" in html
    assert reverse("workflow:review", args=[chained.pk]) in html

    # Kanwil done, Eselon I holds the sheet: its reviewer works to Eselon I's window.
    TierReview.objects.filter(assessment=chained, tier__code="kanwil").update(
        status=TierReviewStatus.COMPLETED
    )
    TierReview.objects.filter(assessment=chained, tier__code="eselon1").update(
        status=TierReviewStatus.OPEN
    )
    task, html = only_task(client, world["eselon1_reviewer"])
    assert (task.deadline, task.days_left) == (days(20), 20)
    assert "20 hari lagi" in html
    # Kanwil's reviewer has nothing left; neither has someone of another unit.
    for user in (world["kanwil_reviewer"], world["outsider"], world["other_operator"]):
        client.force_login(user)
        assert client.get(HOME).context["tasks"] == []


def test_a_step_whose_window_has_closed_shows_overdue(world, client, chained):
    ChainStep.objects.filter(period=chained.period, tier__code="kanwil").update(
        opens_on=days(-10), closes_on=days(-2)
    )
    task, html = only_task(client, world["kanwil_reviewer"])
    assert (task.deadline, task.overdue, task.days_overdue) == (days(-2), True, 2)
    assert "terlambat 2 hari" in html


def test_the_unit_works_to_its_fill_then_its_revision_deadline(world, client, chained):
    # A draft of another period under the same chain's tiers: the unit's fill deadline.
    draft = make_assessment(
        make_period(world.agency, chained.period.framework, title="Lain"), world.bandung
    )
    PeriodDeadline.objects.create(
        period=draft.period, level=world.bandung.depth, fill_deadline=days(6)
    )
    open_chain(draft.period, world.tier_kanwil, closes_in=2)
    task, html = only_task(client, world["operator"])
    assert task.assessment == draft
    assert not task.review
    assert task.deadline == days(6)
    assert "Batas waktu:" in html

    # Kanwil returns the chained sheet: the unit revises it by the level's revision deadline,
    # not by the step's window.
    Assessment.objects.filter(pk=chained.pk).update(status=AssessmentStatus.RETURNED)
    TierReview.objects.filter(assessment=chained, tier__code="kanwil").update(
        status=TierReviewStatus.RETURNED
    )
    client.force_login(world["operator"])
    tasks = {t.assessment.pk: t for t in client.get(HOME).context["tasks"]}
    assert tasks[chained.pk].deadline == days(40)
    assert not tasks[chained.pk].review
    assert "Batas perbaikan:" in client.get(HOME).content.decode()


def test_queries_do_not_grow_with_the_number_of_chained_tasks(
    world, client, django_assert_max_num_queries
):
    tiers, period, framework = build_chain(world)

    def chained_sheet(title: str, closes_in: int) -> Assessment:
        p = period if title == period.title else make_period(world.agency, framework, title=title)
        sheet = make_assessment(p, world.bandung)
        Assessment.objects.filter(pk=sheet.pk).update(status=AssessmentStatus.SUBMITTED)
        open_review(open_chain(p, tiers["kanwil"], closes_in=closes_in), sheet)
        return sheet

    reviewer = world["kanwil_reviewer"]
    client.force_login(reviewer)
    chained_sheet(period.title, 30)
    client.get(HOME)  # warm caches (framework spec, session)
    with CaptureQueriesContext(connection) as one:
        [task] = client.get(HOME).context["tasks"]
    assert task.deadline == days(30)
    for i in range(1, 10):
        chained_sheet(f"P{i}", 30 - i)
    with django_assert_max_num_queries(len(one.captured_queries)):
        tasks = client.get(HOME).context["tasks"]
    # Each by its own step's close, soonest first.
    assert [t.deadline for t in tasks] == [days(30 - i) for i in range(9, -1, -1)]
