from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from zona.accounts.http import AuthedHttpRequest
from zona.accounts.selectors import role_assignments_of


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "accounts/profile.html", {"assignments": role_assignments_of(request.user)}
    )
