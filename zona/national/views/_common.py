"""What the national pages' views share."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from zona.assessments.views._common import flash_error
from zona.core.errors import ZonaError

T = TypeVar("T")
Step = Callable[[Any, T], "str | None"]


def form_post(
    fetch: Callable[..., T], back: Callable[[T], str]
) -> Callable[[Step[T]], Callable[..., HttpResponse]]:
    """A form's POST view made from its one step.

    Login and POST are required. `fetch(request, **url_kwargs)` gets the object the form
    acts on through its access function, so a user who may not see it gets the 404 before
    anything runs. The step acts on it and returns the success message; a service's
    refusal is flashed instead (with its codes); a step that flashed its own problems (a
    form's field errors) returns None. The answer is a redirect to `back(object)` either
    way, so a reload never posts twice."""

    def wrap(step: Step[T]) -> Callable[..., HttpResponse]:
        @login_required
        @require_POST
        @wraps(step)
        def view(request: HttpRequest, **url_kwargs: Any) -> HttpResponse:
            target = fetch(request, **url_kwargs)
            try:
                done = step(request, target)
            except ZonaError as exc:
                flash_error(request, exc)
            else:
                if done:
                    messages.success(request, done)
            return redirect(back(target))

        return view

    return wrap
