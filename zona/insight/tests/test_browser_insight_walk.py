"""Insight's key pages in Chromium at laptop and phone width: the unit's dashboard and path to a
predicate (the operator), the sheet's documents, the national view (the TPN) with its
agency x stage table read as a list on a phone, and another unit's user refused. Nothing is
wider than the phone; the charts draw.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/insight`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.insight.tests.test_documents import sheet
from zona.insight.tests.test_national import programme

__all__ = ["programme", "sheet"]  # fixtures, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(pg) -> None:
    assert pg.evaluate("document.documentElement.scrollWidth") <= pg.viewport_size["width"]


def test_the_unit_reads_its_dashboard_and_plan_at_both_widths(
    page, phone_page, login, world, sheet, screenshot
):
    for pg, name in ((page, "desktop"), (phone_page, "phone")):
        login(pg, "operator", DEFAULT_PASSWORD)
        pg.goto(f"{pg.base_url}/assessments/{sheet.pk}/dashboard/")
        expect(pg.get_by_role("heading", level=1)).to_contain_text("Dasbor")
        expect(pg.locator("[data-chart-kind=radar] svg")).to_have_count(1)
        expect(pg.locator("[data-chart-kind=layers] svg")).to_have_count(1)
        _fits(pg)
        screenshot(pg, f"walk-dashboard-{name}")
        pg.goto(f"{pg.base_url}/assessments/{sheet.pk}/path/")
        expect(pg.get_by_role("heading", level=1)).to_contain_text("Jalan menuju predikat")
        _fits(pg)
        pg.goto(f"{pg.base_url}/assessments/{sheet.pk}/documents/")
        expect(pg.get_by_test_id("doc-profile")).to_be_visible()
        _fits(pg)
        screenshot(pg, f"walk-documents-{name}")
    # In English, the same page's words follow the switch.
    page.goto(f"{page.base_url}/assessments/{sheet.pk}/dashboard/")
    page.locator("#zona-language").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    page.locator("#zona-language").select_option("id")

    # Another unit's operator is refused the sheet's pages.
    phone_page.context.clear_cookies()
    login(phone_page, "other_operator", DEFAULT_PASSWORD)
    for suffix in ("dashboard/", "path/", "documents/"):
        answer = phone_page.goto(f"{phone_page.base_url}/assessments/{sheet.pk}/{suffix}")
        assert answer is not None
        assert answer.status == 404


def test_the_national_view_reads_on_a_phone(page, phone_page, login, programme, screenshot):
    login(page, "tpn", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/national/")
    expect(page.get_by_test_id("nat-agency-table").locator("tr[data-agency=KC]")).to_be_visible()
    expect(page.get_by_test_id("nat-agency-list")).to_be_hidden()

    login(phone_page, "tpn", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/national/")
    # On a phone each agency is a short list of its stages, not a table to scroll.
    expect(phone_page.get_by_test_id("nat-agency-table")).to_be_hidden()
    card = phone_page.get_by_test_id("nat-agency-list").locator("li[data-agency=KC]")
    expect(card).to_be_visible()
    expect(card.locator("dd[data-status]").first).to_be_visible()
    expect(phone_page.locator("[data-chart-kind=agencies] svg")).to_have_count(1)
    _fits(phone_page)
    screenshot(phone_page, "walk-national-phone")
    phone_page.locator("#zona-language").select_option("en")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("National view")
    expect(card).to_be_visible()
    phone_page.locator("#zona-language").select_option("id")

    # An agency's administrator is not the national view's audience.
    page.context.clear_cookies()
    login(page, "agency_admin", DEFAULT_PASSWORD)
    answer = page.goto(f"{page.base_url}/national/")
    assert answer is not None
    assert answer.status == 404
