"""Sign-in doors other than allauth's all lead to allauth's (throttle, then TOTP)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.views import EmailView as AllauthEmailView
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _


def admin_login(request: HttpRequest) -> HttpResponse:
    """`/admin/login/` never checks a password itself: Django's admin form would skip the
    login throttle and the second factor. Signed-in staff go on; others sign in at Zona's
    login page first. A signed-in user without admin rights gets 403 (no redirect loop).
    """
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def _keep_address_of_record(user: Any) -> None:
    """The address an administrator entered is the account's current, primary address.

    allauth mirrors it as unverified and not primary; its change-e-mail flow would then
    take it for the pending new address and drop it, or let it be removed. Done before
    each change (a POST), never on reading the page.
    """
    if not user.email:
        return
    with transaction.atomic():
        rows = EmailAddress.objects.select_for_update().filter(user=user)
        if rows.filter(verified=True, primary=True).exists():
            return
        current = rows.filter(email__iexact=user.email).first()
        if current is None:
            current = EmailAddress(user=user, email=user.email)
        rows.exclude(pk=current.pk).filter(primary=True).update(primary=False)
        current.verified = current.primary = True
        current.save()


class EmailView(AllauthEmailView):
    """allauth's e-mail page, with ACCOUNT_CHANGE_EMAIL's rule kept on every request.

    A new address becomes the account's only when its owner confirms it from the mail;
    "make primary" would bypass that (allauth allows it while no address is verified,
    which is the case for accounts an administrator created), so it is refused.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _keep_address_of_record(request.user)
        if "action_primary" in request.POST:
            messages.error(
                request,
                _("A new address becomes yours once you confirm it from the e-mail we sent."),
            )
            return HttpResponseRedirect(reverse("account_email"))
        return super().post(request, *args, **kwargs)
