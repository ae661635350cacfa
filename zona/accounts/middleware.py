"""Sends reviewers of agencies that demand MFA to TOTP set-up before anything else."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from zona.accounts.selectors import mfa_required_for


class MFARequiredMiddleware:
    EXEMPT_PREFIXES = (
        "/accounts/",
        "/i18n/",
        "/static/",
        "/healthz",
        "/readyz",
        "/s/",
        "/admin/logout",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and mfa_required_for(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
