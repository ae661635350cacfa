"""The agency dashboard in Chromium: the agency administrator opens it, reads the charts and
their tables, filters by region, sets a target, at laptop and phone width, in Indonesian
and English.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/insight`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.insight.tests.test_agency_dashboard import _bulk_sheets, agency
from zona.insight.tests.test_agency_funnel import add_satker, nominate

__all__ = ["agency"]  # the fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def crowd(world, agency):
    """Thirty more satker in Jawa Timur with the stored scores of the three, spread out,
    and one of them proposed and awarded: every chart has something to draw."""
    period, sheets, _tier = agency
    units = add_satker(world.kanwil_jatim, 30, "JT", region="Jawa Timur")
    _bulk_sheets(period, sheets["KC-BDG"], units[:15])
    _bulk_sheets(period, sheets["KC-SBY"], units[15:])
    nominate(world, period, [world.bogor, units[0]], ["awarded", "desk"])
    return period


def test_the_agency_admin_reads_the_dashboard(page, phone_page, login, world, crowd, screenshot):
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/agencies/{world.agency.pk}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor instansi")
    for kind in ("heatmap", "histogram", "gap", "funnel"):
        expect(page.locator(f"[data-chart-kind={kind}] svg")).to_have_count(1)
    units = page.get_by_test_id("agency-units").locator("tbody tr[data-unit]")
    expect(units).to_have_count(25)
    expect(units.first).to_have_attribute("data-unit", "KC-BGR")
    expect(page.get_by_test_id("agency-alert-counts")).to_contain_text("Area 2")
    expect(page.get_by_test_id("agency-funnel").locator("tr[data-stage=awarded]")).to_contain_text(
        "1"
    )
    screenshot(page, "agency-desktop-id", full_page=True)

    # Filter: Jawa Barat only.
    page.locator("#f-region").select_option(str(world.kanwil_jabar.pk))
    page.get_by_role("button", name="Terapkan").click()
    expect(units).to_have_count(2)

    # A target, set on its page and shown on the dashboard.
    page.goto(f"{page.base_url}/agencies/{world.agency.pk}/targets/")
    page.locator("#id_kind").select_option("new_wbk_per_region")
    page.locator("#id_number").fill("1")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("target-list")).to_contain_text("1 dari 2 wilayah")
    page.goto(f"{page.base_url}/agencies/{world.agency.pk}/dashboard/")
    expect(page.get_by_test_id("agency-target-checks")).to_contain_text("WBK baru per wilayah")

    page.locator("#zona-language").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agency dashboard")
    expect(page.get_by_text("Calibration gap per area (averages)")).to_be_visible()
    expect(page.locator("[data-chart-kind=heatmap] svg")).to_have_count(1)
    screenshot(page, "agency-desktop-en", full_page=True)
    page.locator("#zona-language").select_option("id")

    login(phone_page, "agency_admin", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/agencies/{world.agency.pk}/dashboard/")
    expect(phone_page.locator("[data-chart-kind=funnel] svg")).to_have_count(1)
    # Nothing wider than the phone: the tables scroll inside their own box.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]
    screenshot(phone_page, "agency-phone-id", full_page=True)
