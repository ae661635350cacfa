"""The national view in Chromium: from the TPN's home summary to the charts and their tables,
at laptop and phone width, in Indonesian and English.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/insight`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.insight.tests.test_national import programme

__all__ = ["programme"]  # the national view's fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tpn_reads_the_national_view(page, phone_page, login, programme, screenshot):
    login(page, "tpn", DEFAULT_PASSWORD)
    expect(page.get_by_test_id("home-summary")).to_be_visible()
    screenshot(page, "national-home-desktop", full_page=True)
    page.get_by_test_id("summary-links").get_by_role("link").first.click()
    page.wait_for_url("**/national/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gambaran nasional")
    # The charts drew (SVG) and the same numbers are in the tables.
    for kind in ("agencies", "funnel", "predicates"):
        expect(page.locator(f"[data-chart-kind={kind}] svg")).to_have_count(1)
    expect(page.get_by_test_id("nat-agency-table").locator("tr[data-agency=KC]")).to_be_visible()
    expect(page.get_by_test_id("nat-monitoring-table")).to_contain_text("PJB-DIN")
    expect(page.get_by_test_id("nat-pass-rate")).to_have_text("41,67%")
    screenshot(page, "national-desktop", full_page=True)
    page.locator("#zona-language").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("National view")
    expect(page.get_by_test_id("nat-pass-rate")).to_have_text("41.67%")
    screenshot(page, "national-desktop-en", full_page=True)
    page.locator("#zona-language").select_option("id")

    login(phone_page, "sysadmin", DEFAULT_PASSWORD)
    expect(phone_page.get_by_test_id("home-summary")).to_be_visible()
    screenshot(phone_page, "national-home-phone", full_page=True)
    phone_page.goto(f"{phone_page.base_url}/national/?year=2025")
    expect(phone_page.locator("[data-chart-kind=funnel] svg")).to_have_count(1)
    # Nothing wider than the phone: the tables scroll inside their own box.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]
    screenshot(phone_page, "national-phone", full_page=True)
