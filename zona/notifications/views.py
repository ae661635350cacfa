"""The inbox (`/inbox/`) and the notification preferences (`/inbox/preferences/`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zona.accounts.http import AuthedHttpRequest
from zona.core.errors import ValidationFailed
from zona.notifications.access import access_notification_by_id
from zona.notifications.forms import PreferenceForm
from zona.notifications.presenters import entries
from zona.notifications.selectors import notifications_for, preference_for
from zona.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_save,
)

PAGE_SIZE = 25


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    language = preference_for(request.user).language
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "entries": entries(page.object_list, language),
            "unread_only": unread_only,
            "query": "",
        },
    )


@login_required
@require_POST
def open_entry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark the entry read and go to what it is about (a POST: a GET never writes)."""
    notification = access_notification_by_id(request.user, pk)
    notification_mark_read(user=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notification = access_notification_by_id(request.user, pk)
    notification_mark_read(user=request.user, notification=notification)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    pref = preference_for(request.user)
    form = PreferenceForm(
        request.POST or None, initial={"delivery": pref.delivery, "language": pref.language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            preference_save(
                user=request.user,
                delivery=form.cleaned_data["delivery"],
                language=form.cleaned_data["language"],
            )
        except ValidationFailed as exc:
            for problem in exc.problems:
                form.add_error(problem.field or None, str(problem.message))
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
