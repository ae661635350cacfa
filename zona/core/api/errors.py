"""One error shape for the whole API."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from zona.core.errors import Conflict, ZonaError


def _problems_from_detail(detail: Any, field: str = "") -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        out: list[dict[str, Any]] = []
        for key, value in detail.items():
            out.extend(_problems_from_detail(value, f"{field}.{key}" if field else str(key)))
        return out
    if isinstance(detail, list):
        out = []
        for value in detail:
            out.extend(_problems_from_detail(value, field))
        return out
    code = getattr(detail, "code", "invalid")
    problem = {"code": str(code), "message": str(detail)}
    if field:
        problem["field"] = field
    return [problem]


def error_body(
    code: str, message: str, problems: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "problems": problems or []}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ZonaError):
        body = error_body(exc.code, exc.message, [p.as_dict() for p in exc.problems])
        if isinstance(exc, Conflict):
            body["error"]["current"] = exc.info.current
            body["error"]["changed_by"] = exc.info.by
            body["error"]["changed_at"] = exc.info.at
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid",
            str(exceptions.ValidationError.default_detail),
            _problems_from_detail(exc.detail),
        )
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = error_body(str(getattr(detail, "code", exc.default_code)), str(detail))
    if response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = error_body("not_found", str(exceptions.NotFound.default_detail))
    return response
