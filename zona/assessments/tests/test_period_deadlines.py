"""A period's level deadlines lie inside the period: none after its closing date.

The period's closing locks every layer, so a fill, review or revision deadline past it
could never be used. Such a deadline is refused when a period is opened or changed, and so
is a period shortened past a deadline it keeps, naming the level and the dates in the
user's language; nothing is saved. In the service, the period's pages and the API; someone
of another unit gets 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from zona.assessments.models import Period, PeriodDeadline
from zona.assessments.services import DeadlineInput, period_create, period_update
from zona.assessments.tests.openapi import assert_matches_schema
from zona.audit.models import AuditEvent
from zona.core.errors import ValidationFailed

API = "/api/v1"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def id_date(date: dt.date) -> str:
    with translation.override("id"):
        return date_format(date)


@pytest.fixture
def kept(world, period) -> Period:
    """The conftest period (10 days ago to 60 days ahead) with level 4's deadlines stored:
    fill in 30 days, review in 45, revision in 55."""
    PeriodDeadline.objects.create(
        period=period,
        level=world.bandung.depth,
        fill_deadline=days(30),
        review_deadline=days(45),
        revision_deadline=days(55),
    )
    return Period.objects.get(pk=period.pk)


def stored(period: Period) -> tuple:
    fresh = Period.objects.get(pk=period.pk)
    return (
        fresh.title,
        fresh.opens_on,
        fresh.closes_on,
        fresh.status,
        list(
            fresh.deadlines.values_list(
                "level", "fill_deadline", "review_deadline", "revision_deadline"
            )
        ),
    )


def no_change_recorded() -> bool:
    return not AuditEvent.objects.filter(
        action__in=("assessment.period_created", "assessment.period_updated")
    ).exists()


def create(world, framework, **changes) -> Period:
    fields = {
        "actor": world["agency_admin"],
        "agency": world.agency,
        "year": 2026,
        "title": "PMPZI 2026",
        "framework": framework,
        "opens_on": days(-10),
        "closes_on": days(60),
        "deadlines": [],
    }
    return period_create(**{**fields, **changes})


def update(world, period: Period, **changes) -> Period:
    fields = {
        "title": period.title,
        "opens_on": period.opens_on,
        "closes_on": period.closes_on,
        "deadlines": [
            DeadlineInput(d.level, d.fill_deadline, d.review_deadline, d.revision_deadline)
            for d in period.deadlines.all()
        ],
    }
    return period_update(actor=world["agency_admin"], period=period, **{**fields, **changes})


# --- the service ------------------------------------------------------------------------------


def test_a_deadline_after_the_period_closes_is_refused_on_opening(world, framework):
    level = world.bandung.depth
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        create(world, framework, deadlines=[DeadlineInput(level, days(61))])
    [problem] = exc.value.problems
    assert (problem.code, problem.field) == ("deadline_after_close", f"deadlines.{level}")
    with translation.override("en"):
        assert problem.message == (
            f"Level {level}: the self-assessment deadline ({date_format(days(61))}) is after "
            f"the period closes ({date_format(days(60))})."
        )
    assert not Period.objects.exists()
    assert no_change_recorded()

    # Each of the three deadlines is checked, and named, in the user's language (Indonesian).
    with pytest.raises(ValidationFailed) as exc:
        create(
            world,
            framework,
            deadlines=[
                DeadlineInput(level, days(20), days(70), days(80)),
                DeadlineInput(3, days(5)),
            ],
        )
    messages = [p.message for p in exc.value.problems]
    assert len(messages) == 2
    assert f"Tingkat {level}: batas reviu ({id_date(days(70))})" in messages[0]
    assert f"Tingkat {level}: batas perbaikan ({id_date(days(80))})" in messages[1]
    assert all("setelah periode ditutup" in m for m in messages)
    assert not Period.objects.exists()


def test_deadlines_up_to_the_closing_day_are_saved(world, framework):
    period = create(world, framework, deadlines=[DeadlineInput(4, days(30), days(45), days(60))])
    assert period.deadlines.values_list("revision_deadline", flat=True).get() == days(60)
    # The refusal of a period that closes before it opens is not repeated for every deadline.
    with pytest.raises(ValidationFailed) as exc:
        create(
            world,
            framework,
            title="PMPZI 2026 II",
            closes_on=days(-20),
            deadlines=[DeadlineInput(4, days(30))],
        )
    assert "deadline_after_close" not in [p.code for p in exc.value.problems]


def test_a_changed_deadline_after_the_period_closes_is_refused(world, kept):
    before = stored(kept)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        update(world, kept, deadlines=[DeadlineInput(4, days(30), days(65))])
    [problem] = exc.value.problems
    assert (problem.code, problem.field) == ("deadline_after_close", "deadlines.4")
    assert "Level 4: the review deadline" in problem.message
    assert stored(kept) == before
    assert no_change_recorded()


def test_closing_before_a_kept_deadline_is_refused_naming_the_closing_date(world, kept):
    before = stored(kept)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        update(world, kept, closes_on=days(50))
    [problem] = exc.value.problems
    assert (problem.code, problem.field) == ("deadline_after_close", "closes_on")
    with translation.override("en"):
        assert problem.message == (
            f"The period cannot close on {date_format(days(50))}: level 4's revision deadline "
            f"is {date_format(days(55))}. Move the deadline to the closing date or earlier."
        )
    # Shorter still: the review deadline too, in Indonesian.
    with pytest.raises(ValidationFailed) as exc:
        update(world, kept, closes_on=days(40))
    assert [p.field for p in exc.value.problems] == ["closes_on", "closes_on"]
    assert "Periode tidak dapat ditutup pada" in exc.value.problems[0].message
    assert stored(kept) == before
    assert no_change_recorded()

    # Moving the deadlines with the closing date goes through.
    saved = update(world, kept, closes_on=days(40), deadlines=[DeadlineInput(4, days(30))])
    assert saved.closes_on == days(40)
    assert saved.deadlines.get().review_deadline is None


def test_a_stored_deadline_already_past_the_close_is_kept_until_it_is_changed(world, period):
    # Written before the rule: the row stays as it is, and the period can still be changed
    # (a title, a status); moving that deadline, or the closing date earlier, meets the rule.
    PeriodDeadline.objects.create(period=period, level=4, fill_deadline=days(90))
    saved = update(world, period, title="PMPZI 2026 (ubah)")
    assert saved.title == "PMPZI 2026 (ubah)"
    assert PeriodDeadline.objects.get().fill_deadline == days(90)
    with pytest.raises(ValidationFailed) as exc:
        update(world, saved, deadlines=[DeadlineInput(4, days(91))])
    [problem] = exc.value.problems
    assert (problem.code, problem.field) == ("deadline_after_close", "deadlines.4")
    assert PeriodDeadline.objects.get().fill_deadline == days(90)


# --- the period's pages -----------------------------------------------------------------------


def test_the_period_pages_refuse_a_deadline_after_the_close(world, framework, kept, client_for):
    admin = client_for(world["agency_admin"])
    response = admin.post(
        reverse("assessments:period_create"),
        {
            "agency": world.agency.pk,
            "framework": framework.pk,
            "year": 2027,
            "title": "PMPZI 2027",
            "opens_on": "2027-01-04",
            "closes_on": "2027-12-15",
            "deadline-4-fill": "2027-12-20",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Periode tidak disimpan." in html
    assert f"Tingkat 4: batas penilaian mandiri ({id_date(dt.date(2027, 12, 20))})" in html
    assert not Period.objects.filter(year=2027).exists()

    before = stored(kept)
    url = reverse("assessments:period_edit", args=[kept.pk])
    data = {
        "title": kept.title,
        "opens_on": kept.opens_on.isoformat(),
        "closes_on": days(50).isoformat(),
        "status": kept.status,
        "deadline-4-fill": days(30).isoformat(),
        "deadline-4-review": days(45).isoformat(),
        "deadline-4-revision": days(55).isoformat(),
    }
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "batas perbaikan tingkat 4" in response.content.decode()
    assert stored(kept) == before
    # Someone of another unit, or without the right in this agency, does not find the page.
    for who in ("outsider", "operator"):
        assert client_for(world[who]).post(url, data).status_code == 404
    assert stored(kept) == before
    assert no_change_recorded()
    # With the revision deadline moved to the new closing day, the change is saved.
    response = admin.post(url, {**data, "deadline-4-revision": days(50).isoformat()})
    assert response.status_code == 302
    assert stored(kept)[2:] == (days(50), "open", [(4, days(30), days(45), days(50))])


# --- the API ----------------------------------------------------------------------------------


def test_the_api_refuses_a_deadline_after_the_close(world, framework, kept, client_for):
    admin = client_for(world["agency_admin"])
    body = {
        "agency": world.agency.pk,
        "framework": framework.pk,
        "year": 2027,
        "title": "API 2027",
        "opens_on": "2027-01-01",
        "closes_on": "2027-11-30",
        "deadlines": [{"level": 4, "fill_deadline": "2027-11-21", "review_deadline": "2027-12-05"}],
    }
    response = admin.post(f"{API}/periods/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    [problem] = response.json()["error"]["problems"]
    assert (problem["code"], problem["field"]) == ("deadline_after_close", "deadlines.4")
    assert f"batas reviu ({id_date(dt.date(2027, 12, 5))})" in problem["message"]
    assert not Period.objects.filter(year=2027).exists()
    # Another agency's user cannot open a period for this agency.
    response = client_for(world["outsider"]).post(
        f"{API}/periods/", body, content_type="application/json"
    )
    assert response.status_code == 404

    url = f"{API}/periods/{kept.pk}/"
    before = stored(kept)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Shortened past the deadlines it keeps (none given in the change).
    response = admin.patch(
        url, {"closes_on": days(50).isoformat()}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    [problem] = response.json()["error"]["problems"]
    assert (problem["code"], problem["field"]) == ("deadline_after_close", "closes_on")
    assert "level 4's revision deadline" in problem["message"]
    # New deadlines after the close.
    response = admin.patch(
        url,
        {"deadlines": [{"level": 4, "fill_deadline": days(61).isoformat()}]},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert (
        "Level 4: the self-assessment deadline"
        in response.json()["error"]["problems"][0]["message"]
    )
    assert stored(kept) == before
    for who in ("outsider", "operator"):
        response = client_for(world[who]).patch(
            url,
            {"deadlines": [{"level": 4, "fill_deadline": days(61).isoformat()}]},
            content_type="application/json",
        )
        assert response.status_code == 404
    assert stored(kept) == before
    assert no_change_recorded()

    response = admin.patch(
        url,
        {
            "closes_on": days(50).isoformat(),
            "deadlines": [{"level": 4, "fill_deadline": days(30).isoformat()}],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert_matches_schema("/api/v1/periods/{id}/", "patch", response)
    assert response.json()["deadlines"] == [
        {
            "level": 4,
            "fill_deadline": days(30).isoformat(),
            "review_deadline": None,
            "revision_deadline": None,
        }
    ]


# --- the demo data ----------------------------------------------------------------------------


def check_demo_periods_keep_their_deadlines_inside() -> None:
    """Run on the whole demo by `zona/home/tests/test_demo_whole.py` (one load for all parts)."""
    deadlines = list(PeriodDeadline.objects.select_related("period"))
    assert deadlines
    for d in deadlines:
        for date in (d.fill_deadline, d.review_deadline, d.revision_deadline):
            assert date is None or d.period.opens_on <= date <= d.period.closes_on
