"""Request types for views that require a logged-in user."""

from __future__ import annotations

from django.http import HttpRequest

from zona.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request behind `login_required`: `user` is a real account, never anonymous."""

    user: User
