"""The welcome e-mail: an account created by an administrator (page or import) gets one
e-mail, Indonesian first, with a link that lets the person set a password and sign in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from zona.accounts import services
from zona.accounts.models import User
from zona.accounts.services.welcome import welcome_email_send
from zona.accounts.tests.test_imports import USER_HEADER, confirm, csv_file, upload, user_row

BASE_URL = "https://zona.example.go.id"


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.ZONA_BASE_URL = BASE_URL + "/"
    cache.clear()  # throttling of sign-ins counts in the cache
    yield
    cache.clear()


@pytest.fixture
def admin(world, client):
    client.force_login(world["agency_admin"])
    return client


def new_user_form(world, **overrides):
    return {
        "username": "dewi",
        "full_name": "Dewi Lestari",
        "email": "dewi@example.go.id",
        "home_unit": world.bandung.code,
        "is_active": "on",
        **overrides,
    }


def link_in(body: str) -> str:
    found = re.search(re.escape(BASE_URL) + r"(/accounts/password/reset/key/\S+/)", body)
    assert found, body
    return found.group(1)


def test_creating_an_account_on_the_page_sends_one_bilingual_welcome(
    admin, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("accounts:user_create"), new_user_form(world))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dewi@example.go.id"]
    assert message.subject == "Akun Zona Anda / Your Zona account"
    body = str(message.body)
    assert body.index("Halo Dewi Lestari") < body.index("Hello Dewi Lestari")
    assert "dewi" in body
    assert BASE_URL + "/accounts/login/" in body
    # The same link in both languages.
    assert len(set(re.findall(r"/accounts/password/reset/key/\S+/", body))) == 1

    # Editing the account sends nothing.
    dewi = User.objects.get(username="dewi")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("accounts:user_edit", args=[dewi.pk]),
            new_user_form(world, full_name="Dewi L."),
        )
    assert User.objects.get(pk=dewi.pk).full_name == "Dewi L."
    assert len(mail.outbox) == 1


def test_the_link_lets_the_new_person_set_a_password_and_sign_in(
    admin, world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("accounts:user_create"), new_user_form(world))
    link = link_in(str(mail.outbox[0].body))
    client.logout()
    # allauth moves the key into the session, then redirects to the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    password = "Sandi-Pertama-Zona-2026"
    response = client.post(form_url, {"password1": password, "password2": password})
    assert response.status_code == 302
    assert User.objects.get(username="dewi").check_password(password)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "dewi", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    # The link is used up.
    client.logout()
    response = client.get(link, follow=True)
    assert "password1" not in response.content.decode()


def test_user_import_welcomes_each_new_account_once(
    admin, world, django_capture_on_commit_callbacks
):
    rows = [
        user_row(username="budi", email="budi@example.go.id"),
        user_row(username="sari", email="sari@example.go.id", role="working_group", areas="1"),
        # Two rows of one new account: still one e-mail.
        user_row(username="sari", email="sari@example.go.id", role="unit_operator"),
        # An existing account: updated, not welcomed.
        user_row(username="operator", email="operator@example.go.id", full_name="Operator Baru"),
    ]
    content = csv_file(USER_HEADER, rows)
    with django_capture_on_commit_callbacks(execute=True):
        dry = upload(admin, "users", content)
        assert not dry.context["problems"], dry.context["problems"]
        confirm(admin, "users", dry)
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@example.go.id", "sari@example.go.id"]

    with django_capture_on_commit_callbacks(execute=True):
        again = upload(admin, "users", content)
        confirm(admin, "users", again)
    assert len(mail.outbox) == 2


def test_a_rolled_back_import_sends_nothing(admin, monkeypatch, django_capture_on_commit_callbacks):
    from zona.accounts.services import imports as import_services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_services, "role_assign", broken)
    dry = upload(admin, "users", csv_file(USER_HEADER, [user_row()]))
    admin.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert confirm(admin, "users", dry).status_code == 500
    assert not callbacks
    assert not mail.outbox
    assert not User.objects.filter(username="budi").exists()


def test_no_welcome_when_opted_out_or_without_an_address(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.user_create(
            actor=world["agency_admin"],
            username="tanpa.surat",
            email="tanpa.surat@example.go.id",
            home_unit=world.bandung,
            send_welcome=False,
        )
    assert not callbacks
    assert not mail.outbox
    # Accounts need an address today; the sender still checks, e.g. if it was removed since.
    quiet = User.objects.create(username="tanpa.alamat", email="", home_unit=world.bandung)
    welcome_email_send(user_id=quiet.pk)
    assert not mail.outbox
