"""In a real browser: the Django admin's door leads to Zona's login and its second factor;
the e-mail page asks for the password again (issue 8, §5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from zona.accounts.testing import DEFAULT_PASSWORD

SHOTS = Path("/tmp/zona-shots")  # noqa: S108 (screenshots for review)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_sign_in_goes_through_zona_login_and_totp(request, world):
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
    page.wait_for_load_state("networkidle")
    # The password alone does not open the admin: the authenticator code is asked.
    assert "/accounts/2fa/authenticate/" in page.url
    assert page.locator("input[name=code]").count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-totp-page.png"), full_page=True)
    # Still not signed in: the admin sends back to the unfinished sign-in.
    page.goto(page.base_url + "/admin/")
    assert "/accounts/" in page.url
    assert page.locator("#site-name").count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_changing_the_email_asks_the_password_then_waits_for_confirmation(
    request, world, login, device
):
    pg = request.getfixturevalue(device)
    login(pg, "operator", DEFAULT_PASSWORD)
    pg.goto(pg.base_url + "/accounts/email/")
    pg.fill("input[name=email]", "baru@example.go.id")
    pg.click("button[name=action_add]")
    pg.wait_for_load_state("networkidle")
    assert "/accounts/reauthenticate/" in pg.url
    pg.fill("input[name=password]", DEFAULT_PASSWORD)
    pg.click("main button[type=submit]")
    pg.wait_for_load_state("networkidle")
    assert "/accounts/email/" in pg.url
    SHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"email-change-{device}.png"), full_page=True)
    html = pg.locator("main").inner_html()
    # The current address stays; the new one waits for its confirmation.
    assert "operator@example.go.id" in html
    assert "baru@example.go.id" in html
    assert "menunggu verifikasi" in pg.locator("main").inner_text()
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agency_admin_cannot_add_a_tier_over_the_national_one(request, world, login):
    page = request.getfixturevalue("page")
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(page.base_url + f"/manage/agencies/{world.agency.pk}/")
    page.fill("input[name=code]", "tpn")
    page.fill("input[name=name]", "TPN palsu")
    page.fill("input[name=rank]", "99")
    page.click("main form[action$='/manage/tiers/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("main .invalid-feedback").all_inner_texts()
    assert any("tingkat penilaian nasional" in e for e in errors), errors
    assert any("di bawah tingkat nasional" in e for e in errors), errors
    assert "TPN palsu" not in page.locator("[data-testid=tier-table]").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "tier-refused-page.png"), full_page=True)
