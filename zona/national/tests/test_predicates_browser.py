"""Monitoring and revocation in Chromium: the monitor finds an overdue round on the queue,
starts it, links the unit's sheet, concludes "recommend revocation"; the TPN revokes the
predicate from the round (a bad date is refused first) and the unit's history shows the
block; the queue and the history on a phone.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder> (laptop 1366 px and phone 390 px).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import MonitoringRound, Predicate, PredicateStatus
from zona.national.services.monitoring import monitor_assign, monitoring_rounds_create
from zona.national.services.register import predicate_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monitoring_to_revocation(world, page, phone_page, login, screenshot):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheet = make_assessment(period, world.bandung)
    with transaction.atomic():
        scores_refresh(sheet)
    predicate = predicate_grant(
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
    rnd = MonitoringRound.objects.get()
    base = page.base_url

    login(page, "kanwil_reviewer", DEFAULT_PASSWORD)
    page.goto(base + reverse("national:monitoring"))
    row = page.get_by_test_id("queue-KC-BDG-WBK")
    expect(row).to_have_attribute("data-state", "overdue")
    screenshot(page, "monitoring-queue")
    row.get_by_role("link").click()
    page.get_by_test_id("start-submit").click()
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "in_progress")
    page.get_by_test_id("link-submit").click()
    expect(page.get_by_test_id("snapshot")).to_contain_text("PMPZI 2026")
    page.select_option("#id_outcome", "recommend_revocation")
    page.fill("#id_findings", "Pungutan liar pada layanan paspor terbukti.")
    page.get_by_test_id("conclude-submit").click()
    expect(page.get_by_test_id("round-outcome")).to_contain_text("Direkomendasikan dicabut")
    screenshot(page, "monitoring-round")

    page.context.clear_cookies()
    login(page, "tpn", DEFAULT_PASSWORD)
    page.goto(base + reverse("national:monitoring_round", args=[rnd.pk]))
    page.get_by_test_id("to-revocation").click()
    form = page.get_by_test_id("revoke-form")
    expect(form.locator("#id_monitoring_round")).to_have_value(str(rnd.pk))
    form.locator("#id_grounds").select_option("monitoring")
    form.locator("#id_confirmed_by").fill("Inspektur Jenderal")
    form.locator("#id_confirmed_on").fill("2026-12-01")
    form.locator("#id_decided_on").fill("2023-01-01")  # before the decree: refused
    page.get_by_test_id("revoke-submit").click()
    expect(page.locator("#id_decided_on_error")).to_be_visible()
    assert Predicate.objects.get().status == PredicateStatus.HELD
    page.get_by_test_id("revoke-form").locator("#id_decided_on").fill("2026-12-02")
    page.get_by_test_id("revoke-submit").click()
    expect(page.get_by_test_id("predicate-status")).to_have_attribute("data-status", "revoked")
    expect(page.get_by_test_id("blocked-until")).to_contain_text("2028")
    screenshot(page, "predicate-revoked")

    login(phone_page, "unit_head", DEFAULT_PASSWORD)
    phone_page.goto(base + reverse("national:unit_history", args=[world.bandung.pk]))
    expect(phone_page.get_by_test_id("history-block")).to_be_visible()
    expect(phone_page.get_by_test_id("history-predicate-WBK-2023")).to_contain_text("SK/2023/BDG")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "unit-history-phone")
    assert predicate.pk == Predicate.objects.get().pk
