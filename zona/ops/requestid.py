"""A request id on every log line: taken from the proxy's X-Request-ID or made here.

The id lives in a context variable, so a log record written anywhere while the request is
handled (a service, the ORM, a library) carries it, and the response returns it to the
client, which can quote it when something went wrong.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("zona_request_id", default="-")

HEADER = "X-Request-ID"
# Where the id is kept on the request too: django.request logs a 4xx or 5xx response after
# the middleware has returned (and the context variable is reset), with the request attached.
META_KEY = "zona.request_id"
# What a proxy may hand us is echoed into logs and a header: only a short, plain token.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        rid = given if _ACCEPTED.match(given) else uuid.uuid4().hex
        request.META[META_KEY] = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id.get()
        if rid == "-":
            request = getattr(record, "request", None)
            rid = getattr(request, "META", {}).get(META_KEY, "-")
        record.request_id = rid
        return True
