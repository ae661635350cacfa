"""The reviewer's work queue: which sheets wait for whom, the counts per sheet, filters,
the API, access, and a constant number of queries as units grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zona.accounts.testing import add_unit
from zona.assessments.models import PeriodDeadline
from zona.assessments.tests.factories import make_period
from zona.workflow.models import TierReviewStatus
from zona.workflow.selectors.comments import filter_queue, review_queue, review_url
from zona.workflow.tests.comments_fixtures import (
    answer,
    build_sheets,
    open_chain,
    open_review,
    returned_then_revised,
    submitted_sheet,
)

pytestmark = pytest.mark.django_db


def test_chainless_period_lists_submitted_sheets_with_counts(world):
    sheets = build_sheets(world)
    a = sheets.assessment
    kanwil = world.tier_kanwil
    PeriodDeadline.objects.create(
        period=sheets.period,
        level=a.unit.depth,
        fill_deadline=timezone.localdate(),
        review_deadline=timezone.localdate() + dt.timedelta(days=9),
    )
    # Kanwil agrees on one item, differs on another, answers one the unit left empty.
    answer(a, kanwil, "A.p.m.1.a", "Ya")
    answer(a, kanwil, "A.p.m.1.b", "B")
    answer(a, kanwil, "A.p.t.1.a", "Ya")
    returned_then_revised(a, ["A.p.m.1.b", "A.p.m.2.a"], ["A.p.m.2.a"])

    rows = review_queue(world["kanwil_reviewer"])
    assert len(rows) == 1
    row = rows[0]
    assert row.assessment.pk == a.pk
    assert row.tier == kanwil
    assert not row.chained
    assert row.due == timezone.localdate() + dt.timedelta(days=9)
    assert (row.reviewed, row.differing, row.returned, row.revised) == (3, 2, 2, 1)
    assert row.waiting == row.items - 3
    # The TPI has answered nothing: everything waits; the differing count is its own.
    tpi_rows = review_queue(world["tpi_reviewer"])
    assert [(r.tier.code, r.reviewed, r.differing) for r in tpi_rows] == [("tpi", 0, 0)]
    # Unit people and another agency's reviewers have no queue.
    assert review_queue(world["operator"]) == []
    assert review_queue(world["outsider"]) == []


def test_differing_compares_with_the_highest_layer_below(world):
    sheets = build_sheets(world)
    a = sheets.assessment
    answer(a, world.tier_kanwil, "A.p.m.1.b", "B")  # unit said A
    answer(a, world.tier_tpi, "A.p.m.1.b", "B")  # same as kanwil: no difference for TPI
    answer(a, world.tier_tpi, "A.p.m.1.a", "Tidak")  # unit said Ya
    (row,) = review_queue(world["tpi_reviewer"])
    assert (row.reviewed, row.differing) == (2, 1)


def test_chain_period_lists_only_open_reviews_of_the_users_tier(world):
    sheets = build_sheets(world)
    step = open_chain(sheets.period, world.tier_kanwil, closes_in=12)
    tpi_step = open_chain(sheets.period, world.tier_tpi)
    open_review(step, sheets.assessment)
    waiting = open_review(tpi_step, sheets.assessment)
    waiting.status = TierReviewStatus.WAITING
    waiting.save()
    bogor = submitted_sheet(sheets.period, world.bogor, world["unit_head"])  # no review open
    (row,) = review_queue(world["kanwil_reviewer"])
    assert row.assessment.pk == sheets.assessment.pk
    assert row.chained
    assert row.due == timezone.localdate() + dt.timedelta(days=12)
    assert bogor.pk not in [r.assessment.pk for r in review_queue(world["kanwil_reviewer"])]
    # The TPI's review is still waiting for Kanwil: nothing in the TPI's queue yet.
    assert review_queue(world["tpi_reviewer"]) == []


def test_filters_keep_rows_with_that_count(world):
    sheets = build_sheets(world)
    other = submitted_sheet(sheets.period, world.bogor, world["unit_head"])
    answer(sheets.assessment, world.tier_kanwil, "A.p.m.1.b", "B")
    returned_then_revised(other, ["A.p.m.1.a"], [])
    rows = review_queue(world["kanwil_reviewer"])
    assert len(rows) == 2
    assert [r.assessment.pk for r in filter_queue(rows, "differing")] == [sheets.assessment.pk]
    assert [r.assessment.pk for r in filter_queue(rows, "returned")] == [other.pk]
    assert filter_queue(rows, "revised") == []
    assert len(filter_queue(rows, "waiting")) == 2
    assert len(filter_queue(rows, "nonsense")) == 2


def test_queue_page_filters_and_links(world, client_for):
    sheets = build_sheets(world)
    answer(sheets.assessment, world.tier_kanwil, "A.p.m.1.b", "B")
    client = client_for(world["kanwil_reviewer"])
    url = reverse("workflow:comments_queue")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Satker Bandung" in html
    assert 'data-testid="queue-row"' in html
    assert review_url(sheets.assessment.pk, "kanwil") in html
    # htmx asks for the table only; a filter without rows says so.
    part = client.get(url, {"show": "revised"}, headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert "<html" not in part.content.decode()
    assert 'data-testid="queue-row"' not in part.content.decode()
    assert 'data-testid="queue-empty"' in part.content.decode()
    # A bad page number is the first page, not an error.
    assert client.get(url, {"page": "x"}).status_code == 200


def test_queue_page_of_a_unit_user_is_empty_and_anonymous_is_sent_to_login(world, client_for):
    build_sheets(world)
    page = client_for(world["operator"]).get(reverse("workflow:comments_queue"))
    assert page.status_code == 200
    assert 'data-testid="queue-row"' not in page.content.decode()
    from django.test import Client

    assert Client().get(reverse("workflow:comments_queue")).status_code == 302


def test_queue_api(world, client_for):
    sheets = build_sheets(world)
    answer(sheets.assessment, world.tier_kanwil, "A.p.m.1.b", "B")
    url = reverse("api-workflow-comments-queue")
    data = client_for(world["kanwil_reviewer"]).get(url).json()
    assert data["count"] == 1
    (row,) = data["results"]
    assert row["assessment"] == sheets.assessment.pk
    assert row["unit"]["name"] == "Satker Bandung"
    assert row["tier"]["code"] == "kanwil"
    assert (row["reviewed"], row["differing"], row["waiting"]) == (1, 1, row["items"] - 1)
    assert client_for(world["kanwil_reviewer"]).get(url, {"show": "revised"}).json()["count"] == 0
    assert client_for(world["outsider"]).get(url).json()["count"] == 0
    bad = client_for(world["kanwil_reviewer"]).get(url, {"show": "zzz"})
    assert bad.status_code == 400


def _grow(world, period, n: int, prefix: str = "X") -> None:
    """`n` more satker under Kanwil Jawa Barat, each with a submitted, partly reviewed sheet."""
    for i in range(n):
        unit = add_unit(
            world.kanwil_jabar,
            code=f"KC-{prefix}{i}",
            name=f"Satker {prefix}{i}",
            kind="satker",
            echelon=3,
        )
        world.kanwil_jabar.refresh_from_db()
        a = submitted_sheet(period, unit, world["unit_head"])
        answer(a, world.tier_kanwil, "A.p.m.1.b", "B")
        returned_then_revised(a, ["A.p.m.1.b"], ["A.p.m.1.b"])


def _page_queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm the framework's cached sheet spec
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    return len(ctx.captured_queries), page.content.decode()


def test_queue_queries_stay_constant(world, client_for, django_assert_num_queries):
    """The page and the API read the same number of queries for 3 sheets and for 15: the
    counts are subqueries of one query per tier, never a query per sheet."""
    sheets = build_sheets(world)
    step = open_chain(sheets.period, world.tier_kanwil)
    open_review(step, sheets.assessment)
    second = make_period(world.agency, sheets.period.framework, title="PMPZI kedua")
    other = build_sheets(world, period=second)  # a second period, without a chain
    client = client_for(world["kanwil_reviewer"])
    page_url, api_url = reverse("workflow:comments_queue"), reverse("api-workflow-comments-queue")
    counts = []
    for extra in (1, 12):
        _grow(world, other.period, extra, prefix=f"N{extra}-")
        n, html = _page_queries(client, page_url)
        counts.append(n)
        client.get(api_url)
        # session, user, role assignments, the MFA check, one query per tier, deadlines.
        with django_assert_num_queries(API_QUERIES):
            data = client.get(api_url).json()
        assert data["count"] == len(data["results"])
    assert data["count"] == 2 + 1 + 12
    assert html.count('data-testid="queue-row"') == 15
    assert counts[0] == counts[1]


API_QUERIES = 6
