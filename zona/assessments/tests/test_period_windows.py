"""A period and its review chain's windows: each step's window lies inside the period.

Shortening a period (closing earlier, or opening later) that would leave a step's window
outside it is refused, naming the steps and their windows, and nothing is saved: in the
service, the period's page and the API. A step's window outside the period is refused on
the chain's page and its API. Someone of another unit gets 404 everywhere.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from zona.assessments.models import Period
from zona.assessments.services import DeadlineInput, period_update
from zona.assessments.tests.openapi import assert_matches_schema
from zona.audit.models import AuditEvent
from zona.core.errors import ValidationFailed
from zona.workflow.models import ChainStep
from zona.workflow.tests.conftest import build_chain, build_steps

API = "/api/v1"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def period(world) -> Period:
    """The chain world's period (from 10 days ago to 60 days ahead) with Kanwil, Eselon I
    and TPI each reviewing from 10 days ago to 30 days ahead; TPI's window ends later."""
    tiers, period, _framework = build_chain(world)
    steps, _teams = build_steps(world, period, tiers)
    ChainStep.objects.filter(pk=steps["tpi"].pk).update(closes_on=days(45))
    return Period.objects.get(pk=period.pk)


def unchanged(period: Period) -> bool:
    fresh = Period.objects.get(pk=period.pk)
    return (fresh.title, fresh.opens_on, fresh.closes_on) == (
        period.title,
        period.opens_on,
        period.closes_on,
    ) and not AuditEvent.objects.filter(action="assessment.period_updated").exists()


def update(actor, period: Period, **changes):
    fields = {
        "title": period.title,
        "opens_on": period.opens_on,
        "closes_on": period.closes_on,
        "deadlines": [],
    }
    return period_update(actor=actor, period=period, **{**fields, **changes})


def test_closing_before_a_steps_window_ends_is_refused_naming_the_steps(world, period):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        update(world["agency_admin"], period, closes_on=days(35))
    [problem] = exc.value.problems
    assert (problem.code, problem.field) == ("chain_window_outside", "closes_on")
    with translation.override("en"):
        tpi = f"TPI ({date_format(days(-10))} to {date_format(days(45))})"
    assert tpi in problem.message
    # Kanwil and Eselon I close within the new dates: only TPI is named.
    assert "Kanwil" not in problem.message
    assert "Eselon I" not in problem.message
    assert unchanged(period)

    # In the user's language (Indonesian by default), every step when all fall outside.
    with pytest.raises(ValidationFailed) as exc:
        update(world["agency_admin"], period, closes_on=days(20))
    message = exc.value.problems[0].message
    assert "di luar periode" in message
    for name in ("Kanwil", "Eselon I", "TPI"):
        assert name in message
    assert unchanged(period)


def test_opening_after_a_step_opens_is_refused(world, period):
    with pytest.raises(ValidationFailed) as exc:
        update(world["agency_admin"], period, opens_on=days(-5))
    [problem] = exc.value.problems
    assert (problem.code, problem.field) == ("chain_window_outside", "opens_on")
    assert unchanged(period)


def test_dates_that_keep_every_window_inside_are_saved(world, period):
    saved = update(
        world["agency_admin"],
        period,
        opens_on=days(-10),
        closes_on=days(45),
        deadlines=[DeadlineInput(level=world.bandung.depth, fill_deadline=days(5))],
    )
    assert (saved.opens_on, saved.closes_on) == (days(-10), days(45))
    assert saved.deadlines.get().fill_deadline == days(5)
    # A period without a chain is not held back by another period's steps.
    ChainStep.objects.filter(period=period).delete()
    assert update(world["agency_admin"], saved, closes_on=days(1)).closes_on == days(1)


# --- the period's page and API ----------------------------------------------------------------


def form(period: Period, **changes) -> dict[str, str]:
    data = {
        "title": period.title,
        "opens_on": period.opens_on.isoformat(),
        "closes_on": period.closes_on.isoformat(),
        "status": period.status,
    }
    return {**data, **{k: v.isoformat() for k, v in changes.items()}}


def test_the_period_page_shows_the_refusal_and_saves_nothing(world, period, client_for):
    url = reverse("assessments:period_edit", args=[period.pk])
    response = client_for(world["agency_admin"]).post(url, form(period, closes_on=days(20)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Periode tidak disimpan." in html
    assert "di luar periode" in html
    assert "Eselon I" in html
    assert unchanged(period)
    # Someone of another unit (or without the right in this agency) does not find the page.
    for who in ("outsider", "operator"):
        response = client_for(world[who]).post(url, form(period, closes_on=days(20)))
        assert response.status_code == 404
    assert unchanged(period)
    # Dates that keep the windows inside go through.
    response = client_for(world["agency_admin"]).post(url, form(period, closes_on=days(50)))
    assert response.status_code == 302
    assert Period.objects.get(pk=period.pk).closes_on == days(50)


def test_the_period_api_refuses_the_change_in_the_users_language(world, period, client_for):
    url = f"{API}/periods/{period.pk}/"
    admin = client_for(world["agency_admin"])
    response = admin.patch(
        url, {"closes_on": days(20).isoformat()}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "di luar periode" in response.json()["error"]["problems"][0]["message"]
    # The language the user picked (the switch's cookie).
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin.patch(
        url, {"closes_on": days(20).isoformat()}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    [problem] = error["problems"]
    assert problem["code"] == "chain_window_outside"
    assert "would fall outside the period" in problem["message"]
    assert "Kanwil" in problem["message"]
    assert unchanged(period)
    for who in ("outsider", "operator"):
        response = client_for(world[who]).patch(
            url, {"closes_on": days(50).isoformat()}, content_type="application/json"
        )
        assert response.status_code == 404
    assert unchanged(period)
    response = admin.patch(
        url,
        {"title": "PMPZI 2026 (ubah)", "closes_on": days(50).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert_matches_schema("/api/v1/periods/{id}/", "patch", response)
    assert response.json()["closes_on"] == days(50).isoformat()
    assert Period.objects.get(pk=period.pk).title == "PMPZI 2026 (ubah)"


# --- a step's window outside the period -------------------------------------------------------


def test_a_step_window_outside_the_period_is_refused_on_the_chain_page(world, period, client_for):
    step = ChainStep.objects.get(period=period, tier__code="tpi")
    url = reverse("workflow:chain_step", args=[period.pk, step.pk])
    data = {
        "tier": step.tier_id,
        "opens_on": step.opens_on.isoformat(),
        "closes_on": days(70).isoformat(),  # the period closes in 60 days
    }
    response = client_for(world["agency_admin"]).post(url, data)
    assert response.status_code == 200
    assert "Jadwal penilaian harus berada di dalam periode" in response.content.decode()
    assert ChainStep.objects.get(pk=step.pk).closes_on == days(45)
    assert client_for(world["outsider"]).post(url, data).status_code == 404
    assert ChainStep.objects.get(pk=step.pk).closes_on == days(45)


def test_a_step_window_outside_the_period_is_refused_by_the_api(world, period, client_for):
    step = ChainStep.objects.get(period=period, tier__code="tpi")
    url = f"{API}/periods/{period.pk}/chain/{step.pk}/"
    body = {"tier": step.tier_id, "opens_on": days(-10).isoformat(), "closes_on": "2099-01-01"}
    response = client_for(world["agency_admin"]).put(url, body, content_type="application/json")
    assert response.status_code == 400
    assert [p["code"] for p in response.json()["error"]["problems"]] == ["outside_period"]
    assert (
        client_for(world["outsider"]).put(url, body, content_type="application/json").status_code
        == 404
    )
    step.refresh_from_db()
    assert (step.opens_on, step.closes_on) == (days(-10), days(45))
