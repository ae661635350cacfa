from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class IndonesianFirstMiddleware:
    """Zona speaks Indonesian until the user picks another language.

    Many civil servants' browsers are set to English; the product must still open in
    Indonesian. So the browser's Accept-Language is ignored and only an explicit choice
    (the language cookie set by the switch) changes the language. Runs before
    LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
