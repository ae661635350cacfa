"""Signing in (allauth): username or e-mail, throttling, password reset by e-mail, closed
sign-up, mandatory TOTP for reviewers, and the production security check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Throttling counts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


def login(client, login_value: str, password: str = DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": login_value, "password": password})


@pytest.mark.parametrize("login_value", ["operator", "operator@example.go.id", "OPERATOR"])
def test_sign_in_with_username_or_email(world, client, login_value):
    response = login(client, login_value)
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert client.get(reverse("home:home")).context["user"] == world["operator"]


def test_login_page_is_bootstrap_and_has_no_sign_up(world, client):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="login"[^>]*class="form-control', html) or re.search(
        r'<input[^>]*class="form-control[^"]*"[^>]*name="login"', html
    )
    assert 'class="form-check-input"' in html  # "remember me"
    assert reverse("account_signup") not in html
    assert "Lupa kata sandi" in html  # the reset link, in Indonesian
    # Sign-up itself is closed.
    response = client.post(
        reverse("account_signup"),
        {
            "username": "x",
            "email": "x@example.go.id",
            "password1": "Aa-123456!",
            "password2": "Aa-123456!",
        },
    )
    assert response.status_code == 200
    assert "signup_closed" in response.templates[0].name


def test_failed_logins_are_throttled(world, client):
    for _ in range(5):
        response = login(client, "operator", "wrong-password")
        assert response.status_code == 200
    # The sixth try is refused even with the right password: the account is throttled.
    response = login(client, "operator")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak" in response.content.decode()
    # Other accounts are not affected by one account's throttle.
    assert login(client, "viewer").status_code == 302


def test_password_reset_by_email(world, client):
    response = client.post(reverse("account_reset_password"), {"email": "operator@example.go.id"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["operator@example.go.id"]
    body = str(message.body)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body)
    assert link, body
    # The link opens the form (allauth moves the key into the session, then redirects).
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url, {"password1": "Sandi-Baru-Zona-2026", "password2": "Sandi-Baru-Zona-2026"}
    )
    assert response.status_code == 302
    world["operator"].refresh_from_db()
    assert world["operator"].check_password("Sandi-Baru-Zona-2026")
    assert AuditEvent.objects.filter(
        action="account.password_reset", target_id=str(world["operator"].pk)
    ).exists()
    client.logout()
    assert login(client, "operator", "Sandi-Baru-Zona-2026").status_code == 302


def test_password_reset_for_an_imported_account_without_password(world, client):
    from zona.accounts import services

    user = services.user_create(
        actor=world["agency_admin"],
        username="baru",
        email="baru@example.go.id",
        home_unit=world.bandung,
        send_welcome=False,
    )
    assert not user.has_usable_password()
    client.post(reverse("account_reset_password"), {"email": "baru@example.go.id"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_unknown_address_gets_no_reset_link(world, client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.go.id"})
    # allauth tells the address it has no account, without revealing anything on the page.
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)


def test_reviewers_must_set_up_totp_when_their_agency_requires_it(world, client):
    world.agency.mfa_required_for_reviewers = True
    world.agency.save()
    for persona in ("kanwil_reviewer", "tpi_reviewer", "agency_admin"):
        client.force_login(world[persona])
        response = client.get(reverse("home:home"))
        assert response.status_code == 302, persona
        assert response["Location"] == reverse("mfa_activate_totp")
        # Its own pages (activation, logout) stay reachable.
        assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    # Other roles, and reviewers of other agencies, are not affected.
    for persona in ("operator", "unit_head", "outsider"):
        client.force_login(world[persona])
        assert client.get(reverse("home:home")).status_code == 200, persona


def test_reviewer_with_totp_passes(world, client):
    world.agency.mfa_required_for_reviewers = True
    world.agency.save()
    Authenticator.objects.create(
        user=world["kanwil_reviewer"], type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(world["kanwil_reviewer"])
    assert client.get(reverse("home:home")).status_code == 200


def test_without_the_agency_setting_totp_stays_optional(world, client):
    client.force_login(world["kanwil_reviewer"])
    assert client.get(reverse("home:home")).status_code == 200


def test_account_pages_render_with_bootstrap(world, client):
    client.force_login(world["operator"])
    for name in ("account_change_password", "mfa_index"):
        html = client.get(reverse(name)).content.decode()
        assert "<p><label" not in html  # no bare `form.as_p` output
    html = client.get(reverse("account_change_password")).content.decode()
    assert 'class="form-control' in html


def _production_env(secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="zona.example.go.id",
    )
    return env


def _check_deploy(secret: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(secret),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.sqlite_pass_only
def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy(secrets.token_urlsafe(60))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.sqlite_pass_only
def test_check_deploy_flags_a_weak_secret_key():
    # The check is real: a key of one repeated character is reported, not silenced.
    result = _check_deploy("x" * 60)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
