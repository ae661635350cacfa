"""The national tables read on a phone (390 px): no table scrolls sideways, the secondary
columns give way below md and what matters of them rides under the unit; on a laptop every
column is there.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder>.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import MonitoringRound, NominationStatus
from zona.national.services.monitoring import monitor_assign, monitoring_rounds_create
from zona.national.services.register import predicate_grant
from zona.national.tests.tpn_fixtures import nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = (
    "Array.from(document.querySelectorAll('.table-responsive'))"
    ".map(e => e.scrollWidth - e.clientWidth).filter(d => d > 1)"
)


def _world_with_a_national_stage(world) -> None:
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheet = make_assessment(period, world.bandung)
    with transaction.atomic():
        scores_refresh(sheet)
    Assessment.objects.filter(pk=sheet.pk).update(status=AssessmentStatus.SUBMITTED)
    nomination = nominate(Assessment.objects.get(pk=sheet.pk), by=world["agency_admin"])
    # The longest stage name, the one that pushed the queue sideways.
    type(nomination).objects.filter(pk=nomination.pk).update(status=NominationStatus.CLEARANCE)
    predicate_grant(
        actor=world["sysadmin"],
        unit=world.bandung,
        kind="WBK",
        year=2023,
        decree_number="SK/2023/BDG",
        decree_date=dt.date(2023, 12, 12),
    )
    monitor_assign(
        actor=world["agency_admin"],
        agency=world.agency,
        kind="WBK",
        monitor_unit=world.eselon1,
        users=[world["kanwil_reviewer"]],
    )
    monitoring_rounds_create()
    assert MonitoringRound.objects.exists()


def test_the_national_tables_read_on_a_phone(world, page, phone_page, login, screenshot):
    _world_with_a_national_stage(world)
    year = timezone.localdate().year
    pages = {
        "register": reverse("national:predicates"),
        "agency-register": reverse("national:agency_predicates", args=[world.agency.pk]),
        "proposals": reverse("national:proposals", args=[world.agency.pk]),
        "candidates": reverse("national:agency_candidates", args=[world.agency.pk, year]),
        "agency-history": reverse("national:agency_history", args=[world.agency.pk]),
        "tpn-queue": reverse("national:tpn_queue"),
        # The monitor's own queue, last: the pages switch to the monitor there.
        "monitoring": reverse("national:monitoring"),
    }
    login(phone_page, "sysadmin", DEFAULT_PASSWORD)
    login(page, "sysadmin", DEFAULT_PASSWORD)
    for name, url in pages.items():
        if name == "monitoring":
            for pg in (page, phone_page):
                pg.context.clear_cookies()
                login(pg, "kanwil_reviewer", DEFAULT_PASSWORD)
        phone_page.goto(phone_page.base_url + url)
        assert phone_page.evaluate(OVERFLOW) == [], name
        assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(phone_page, f"cleanup-{name}-phone")
        page.goto(page.base_url + url)
        assert page.evaluate(OVERFLOW) == [], name
        screenshot(page, f"cleanup-{name}")

    login_again = (phone_page, page)
    for pg in login_again:
        pg.context.clear_cookies()
        login(pg, "sysadmin", DEFAULT_PASSWORD)
    # The register: the decree's column gives way; the predicate and year ride under the unit.
    phone_page.goto(phone_page.base_url + pages["register"])
    row = phone_page.get_by_test_id("predicate-KC-BDG-WBK-2023")
    expect(row.get_by_text("SK/2023/BDG")).to_be_hidden()
    expect(row.locator("td").first).to_contain_text("2023")
    page.goto(page.base_url + pages["register"])
    expect(
        page.get_by_test_id("predicate-KC-BDG-WBK-2023").get_by_text("SK/2023/BDG")
    ).to_be_visible()

    # The TPN's queue: the stage stays in view.
    phone_page.goto(phone_page.base_url + pages["tpn-queue"])
    stage = phone_page.get_by_test_id("tpn-row-KC-BDG").locator("[data-status]")
    expect(stage).to_be_in_viewport()

    # The monitoring queue: the round's status moves under the due date.
    phone_page.context.clear_cookies()
    login(phone_page, "kanwil_reviewer", DEFAULT_PASSWORD)
    phone_page.goto(phone_page.base_url + pages["monitoring"])
    row = phone_page.get_by_test_id("queue-KC-BDG-WBK")
    expect(row.locator("td").first).to_contain_text("WBK 2023")
    expect(row.locator("[data-status]").locator("visible=true")).to_have_count(1)
    expect(row.get_by_role("link")).to_be_in_viewport()
