"""A persona signs in through the real login form and sees the units of their scope, on a
laptop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_sign_in_and_see_the_units_in_scope(request, world, login, device, screenshot):
    pg = request.getfixturevalue(device)
    pg.goto(pg.base_url + "/")
    # Not signed in: sent to the login page, in Indonesian, without a sign-up link.
    assert "/accounts/login/" in pg.url
    assert pg.locator("h1").inner_text() == "Masuk ke Zona"
    assert pg.locator("a[href*='signup']").count() == 0
    login(pg, "kanwil_reviewer", DEFAULT_PASSWORD)
    assert pg.url.rstrip("/") == pg.base_url
    # A reviewer of a subtree is led by the summary; the unit list opens under it.
    pg.locator("[data-testid=units] summary").click()
    units = pg.locator("[data-testid=unit-list] li")
    assert units.count() == 3
    text = pg.locator("[data-testid=unit-list]").inner_text()
    for name in ("Kanwil Jawa Barat", "Satker Bandung", "Satker Bogor"):
        assert name in text
    assert "Satker Surabaya" not in text
    assert pg.locator("[data-testid=unit-count]").inner_text() == "3"
    # Nothing overflows sideways, so the page works on a phone without horizontal scrolling.
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(pg, f"home-{device}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_an_indonesian_error(world, page):
    # Not the `login` helper: it waits for the browser to leave the login page.
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=login]", "operator")
    page.fill("input[name=password]", "salah-sandi")
    page.click("button[type=submit]")
    expect(page.locator(".alert-danger")).to_contain_text("tidak benar")
    assert "/accounts/login/" in page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_menu_opens_the_navigation(world, phone_page, login):
    login(phone_page, "agency_admin", DEFAULT_PASSWORD)
    sidebar = phone_page.locator("#zona-sidebar")
    assert not sidebar.is_visible()
    phone_page.click("button[data-bs-target='#zona-sidebar']")
    phone_page.wait_for_selector("#zona-sidebar.show")
    assert sidebar.get_by_text("Unit kerja").is_visible()
    sidebar.get_by_text("Unit kerja").click()
    phone_page.wait_for_url("**/manage/units/")
    assert phone_page.locator("[data-testid=unit-count]").inner_text() == "8"
