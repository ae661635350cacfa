"""The welcome e-mail of an account an administrator created: a link to set the password."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zona.accounts.models import User

WELCOME_LANGUAGES = ("id", "en")  # Indonesian first, English below


def password_set_url(user: User) -> str:
    """An absolute link to allauth's reset-from-key page, built the way allauth builds it
    (`<uidb36>-<token>`), so the page, its expiry and its one-time use are allauth's own."""
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return settings.ZONA_BASE_URL.rstrip("/") + path


def welcome_email_send(*, user_id: int) -> None:
    """Send the welcome e-mail; meant for `transaction.on_commit`, after the account exists.

    The token is made here, from the committed row: it is tied to the password hash and
    the last login, so setting the password (or signing in) makes the link stale.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return
    context = {
        "name": user.full_name or user.username,
        "username": user.username,
        "url": password_set_url(user),
        "login_url": settings.ZONA_BASE_URL.rstrip("/") + reverse("account_login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subjects, bodies = [], []
    for language in WELCOME_LANGUAGES:
        with translation.override(language):
            subjects.append(_("Your Zona account"))
            bodies.append(render_to_string("accounts/email/welcome.txt", context).strip())
    send_mail(
        subject=" / ".join(subjects),
        message="\n\n-----\n\n".join(bodies) + "\n",
        from_email=None,
        recipient_list=[user.email],
    )
