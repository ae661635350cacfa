"""In a real browser: the Django admin's door leads to Zona's login and its second factor;
the e-mail page asks for the password again (issue 8, §5)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_sign_in_goes_through_zona_login_and_totp(request, world, screenshot):
    admin = world["sysadmin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    page = request.getfixturevalue("page")  # the browser starts after the database writes
    # Still not signed in: the admin sends back to the unfinished sign-in.
    page.goto(page.base_url + "/admin/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "Masuk ke Zona"
    page.fill("input[name=login]", "sysadmin")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    # The password alone does not open the admin: the authenticator code is asked.
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    assert page.locator("input[name=code]").count() == 1
    screenshot(page, "admin-totp-page")
    # Still not signed in: the admin sends back to the unfinished sign-in.
    page.goto(page.base_url + "/admin/")
    assert "/accounts/" in page.url
    assert page.locator("#site-name").count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_changing_the_email_asks_the_password_then_waits_for_confirmation(
    request, world, login, device, screenshot
):
    pg = request.getfixturevalue(device)
    login(pg, "operator", DEFAULT_PASSWORD)
    pg.goto(pg.base_url + "/accounts/email/")
    pg.fill("input[name=email]", "baru@example.go.id")
    pg.click("button[name=action_add]")
    pg.wait_for_url("**/accounts/reauthenticate/**")
    pg.fill("input[name=password]", DEFAULT_PASSWORD)
    pg.click("main button[type=submit]")
    pg.wait_for_url("**/accounts/email/")
    screenshot(pg, f"email-change-{device}")
    html = pg.locator("main").inner_html()
    # The current address stays; the new one waits for its confirmation.
    assert "operator@example.go.id" in html
    assert "baru@example.go.id" in html
    assert "menunggu verifikasi" in pg.locator("main").inner_text()
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agency_admin_cannot_add_a_tier_over_the_national_one(request, world, login, screenshot):
    page = request.getfixturevalue("page")
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(page.base_url + f"/manage/agencies/{world.agency.pk}/")
    page.fill("input[name=code]", "tpn")
    page.fill("input[name=name]", "TPN palsu")
    page.fill("input[name=rank]", "99")
    page.click("main form[action$='/manage/tiers/'] button[type=submit]")
    expect(page.locator("main .invalid-feedback").first).to_be_visible()
    errors = page.locator("main .invalid-feedback").all_inner_texts()
    assert any("tingkat penilaian nasional" in e for e in errors), errors
    assert any("di bawah tingkat nasional" in e for e in errors), errors
    assert "TPN palsu" not in page.locator("[data-testid=tier-table]").inner_text()
    screenshot(page, "tier-refused-page")
