from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zona.accounts.access import assignments_of


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/profile.html", {"assignments": assignments_of(request.user)}
    )
