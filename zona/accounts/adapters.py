"""allauth adapter: closed sign-up, throttling that spares the real user, e-mail rules."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.db.models import Q
from django.http import HttpRequest

from zona.accounts.models import User


def account_key(login: str) -> str:
    """One throttle key per account, whether it is named by username or by e-mail.

    An unknown name keeps its own (normalised) key, so probing does not tell the two apart.
    """
    login = login.strip().lower()
    if not login:
        return ""
    user_id = (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .values_list("pk", flat=True)
        .first()
    )
    if user_id is None:
        user_id = (
            EmailAddress.objects.filter(email__iexact=login)
            .values_list("user_id", flat=True)
            .first()
        )
    return f"user-{user_id}" if user_id is not None else f"name-{login}"


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators (UI or bulk import), never by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per IP and per key (ACCOUNT_RATE_LIMITS["login_failed"]).
        # The key is the account *from this address*: an attacker guessing elsewhere uses up
        # only their own address's attempts, never the real user's; and username and e-mail
        # of one account share the count.
        login = credentials.get("email") or credentials.get("username") or ""
        return f"{self.get_client_ip(request)}:{account_key(str(login))}"

    def can_delete_email(self, email_address: EmailAddress) -> bool:
        # The address in use stays until a new one is verified (ACCOUNT_CHANGE_EMAIL), so an
        # account never ends up with no address or with one nobody confirmed.
        if email_address.pk and email_address.primary:
            return False
        return super().can_delete_email(email_address)
