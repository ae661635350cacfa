"""The unit dashboard in Chromium: from the worksheet header to the charts and their tables,
at laptop and phone width, in Indonesian and English.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/insight`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.insight.tests.test_dashboard import add_tier
from zona.insight.tests.test_planner_views import SHEET, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sheet(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    assessment = make_assessment(period, world.bandung)
    fill(world, assessment, SHEET)
    add_tier(world, assessment, 15, {"A.p.t.1.a": "A", "A.p.m.1.b": "B"})
    return assessment


def test_the_unit_reads_its_dashboard(page, phone_page, login, sheet, screenshot):
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{sheet.pk}/")
    page.get_by_test_id("dashboard-link").click()
    page.wait_for_url(f"**/assessments/{sheet.pk}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor")
    # The charts drew (SVG) and the same numbers are in the tables.
    expect(page.locator("[data-chart-kind=gauge] svg")).to_have_count(2)
    expect(page.locator("[data-chart-kind=radar] svg")).to_have_count(1)
    expect(page.locator("[data-chart-kind=layers] svg")).to_have_count(1)
    expect(page.locator("[data-testid=dash-thresholds] tr[data-predicate=wbk]")).to_be_visible()
    expect(page.get_by_test_id("dash-items").locator("tr[data-item]")).to_have_count(2)
    expect(page.get_by_test_id("dash-area-table").locator("thead")).to_contain_text("Tier 15")
    screenshot(page, "dashboard-desktop", full_page=True)
    page.locator("#zona-language").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_text("Items where the layers differ")).to_be_visible()
    screenshot(page, "dashboard-desktop-en", full_page=True)
    page.locator("#zona-language").select_option("id")

    login(phone_page, "operator", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/assessments/{sheet.pk}/dashboard/")
    expect(phone_page.locator("[data-chart-kind=radar] svg")).to_have_count(1)
    # Nothing wider than the phone: the tables scroll inside their own box.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]
    screenshot(phone_page, "dashboard-phone", full_page=True)
