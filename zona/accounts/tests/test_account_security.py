"""Accounts and sessions (issue 8, §5): one login door with throttle and TOTP, throttling
that spares the real user, e-mail changes only through confirmation, MFA for national roles
and administrators, nothing sent to unknown addresses."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def login(client, login_value: str, password: str = DEFAULT_PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": login_value, "password": password}, REMOTE_ADDR=ip
    )


# --- /admin/login/ ----------------------------------------------------------------------


def test_admin_login_sends_to_the_zona_login(world, client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Faccounts%2Fuser%2F"
    # The admin index sends an anonymous visitor the same way.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_admin_login_form_never_checks_a_password(world, client):
    admin = world["sysadmin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for _ in range(3):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "sysadmin", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


def test_admin_login_is_forbidden_not_a_loop_for_signed_in_non_staff(world, client):
    client.force_login(world["operator"])
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_admin_login_refuses_an_outside_next(world, client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_a_superuser_with_totp_needs_the_second_factor(world, client):
    admin = world["sysadmin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    response = login(client, "sysadmin")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


# --- throttling ---------------------------------------------------------------------------


def test_an_attackers_failures_do_not_lock_out_the_real_user(world, client):
    for _ in range(6):
        assert login(client, "operator", "wrong", ip="203.0.113.9").status_code == 200
    # The attacker's address is throttled for this account, even with the right password...
    assert login(client, "operator", ip="203.0.113.9").status_code == 200
    assert "_auth_user_id" not in client.session
    # ...the real user, elsewhere, signs in.
    assert login(client, "operator", ip="10.0.0.7").status_code == 302
    assert client.session["_auth_user_id"] == str(world["operator"].pk)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_throttle_counts_the_client_address(world, client):
    def via_proxy(password: str, client_ip: str):
        return client.post(
            reverse("account_login"),
            {"login": "operator", "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    for _ in range(6):
        via_proxy("wrong", "203.0.113.9")
    assert via_proxy(DEFAULT_PASSWORD, "198.51.100.4").status_code == 302


def test_username_and_email_count_as_one_account(world, client):
    for value in ("operator", "OPERATOR", "operator@example.go.id", "Operator@Example.go.id"):
        login(client, value, "wrong")
    login(client, "operator@example.go.id", "wrong")
    # Five failures in all: the sixth try is refused though the password is right.
    response = login(client, "operator")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_no_mail_goes_to_an_address_without_account(world, client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.go.id"})
    assert response.status_code == 302
    assert mail.outbox == []


# --- MFA policy -----------------------------------------------------------------------------


@override_settings(ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES=True)
@pytest.mark.parametrize("persona", ["sysadmin", "tpn"])
def test_national_roles_must_set_up_totp(world, client, persona):
    client.force_login(world[persona])
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@override_settings(ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES=True)
def test_staff_must_set_up_totp_and_other_roles_need_not(world, client):
    operator = world["operator"]
    client.force_login(operator)
    assert client.get(reverse("home:home")).status_code == 200
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


@override_settings(ZONA_MFA_REQUIRED_FOR_NATIONAL_ROLES=True)
def test_national_roles_with_totp_pass(world, client):
    Authenticator.objects.create(user=world["tpn"], type=Authenticator.Type.TOTP, data={})
    client.force_login(world["tpn"])
    assert client.get(reverse("home:home")).status_code == 200


def test_the_agency_switch_covers_its_administrators(world, client):
    client.force_login(world["agency_admin"])
    assert client.get(reverse("home:home")).status_code == 200
    world.agency.mfa_required_for_reviewers = True
    world.agency.save()
    assert client.get(reverse("home:home"))["Location"] == reverse("mfa_activate_totp")


# --- e-mail changes ---------------------------------------------------------------------------


def _reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def _add_email(client, email: str):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def test_a_stolen_session_cannot_add_an_address_without_the_password(world, client):
    client.force_login(world["operator"])  # a session, but no recent password entry
    response = _add_email(client, "attacker@evil.example")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="attacker@evil.example").exists()
    assert mail.outbox == []


def test_a_new_address_counts_only_once_confirmed_and_the_old_one_is_told(world, client):
    operator = world["operator"]
    assert login(client, "operator").status_code == 302
    _reauthenticate(client)
    response = _add_email(client, "baru@example.go.id")
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.email == "operator@example.go.id"
    new = EmailAddress.objects.get(email="baru@example.go.id")
    assert not new.verified
    # Making the unconfirmed address primary is refused.
    client.post(reverse("account_email"), {"action_primary": "", "email": "baru@example.go.id"})
    operator.refresh_from_db()
    assert operator.email == "operator@example.go.id"
    # The new address got a confirmation link; the account changes when it is used.
    [confirm] = [m for m in mail.outbox if m.to == ["baru@example.go.id"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", str(confirm.body))
    assert link, confirm.body
    mail.outbox.clear()
    assert client.post(link.group(1)).status_code == 302
    operator.refresh_from_db()
    assert operator.email == "baru@example.go.id"
    assert [a.email for a in EmailAddress.objects.filter(user=operator)] == ["baru@example.go.id"]
    assert [m.to for m in mail.outbox] == [["operator@example.go.id"]]
    actions = list(
        AuditEvent.objects.filter(target_id=str(operator.pk), action__startswith="account.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["account.email_added", "account.email_changed"]
    changed = AuditEvent.objects.get(action="account.email_changed")
    assert changed.details == {
        "email": {"old": "operator@example.go.id", "new": "baru@example.go.id"}
    }


def test_the_address_in_use_cannot_be_removed(world, client):
    assert login(client, "operator").status_code == 302
    _reauthenticate(client)
    client.get(reverse("account_email"))  # allauth mirrors user.email into its table
    client.post(reverse("account_email"), {"action_remove": "", "email": "operator@example.go.id"})
    assert EmailAddress.objects.filter(email="operator@example.go.id").exists()
    assert not AuditEvent.objects.filter(action="account.email_removed").exists()


def test_the_profile_leads_to_the_email_page(world, client):
    client.force_login(world["operator"])
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("account_email")}"' in html
    assert "Ganti e-mail" in html
