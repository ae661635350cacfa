"""The national view (issue 12 §5) for the TPN and the national administrator: `/national/`
and its Excel download. Anyone else gets a 404 (`access_national_view`). It reads grouped
counts only and writes nothing."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from zona.assessments.views._common import AuthedRequest, flash_error
from zona.core.errors import ValidationFailed
from zona.insight.national import (
    STATUS_COLUMNS,
    XLSX_CONTENT_TYPE,
    NationalBoard,
    access_national_view,
    chart_data,
    default_horizon,
    load_national,
    monitoring_lines,
    national_workbook,
    read_filters,
    status_label,
)
from zona.insight.selectors.national import NationalFilters


def _board(request: AuthedRequest) -> tuple[NationalBoard, int]:
    audience = access_national_view(request.user)
    status = 200
    try:
        filters, horizon = read_filters(request.GET)
    except ValidationFailed as exc:
        flash_error(request, exc)
        filters, horizon, status = NationalFilters(), default_horizon(), 400
    board = load_national(
        audience,
        filters,
        today=timezone.localdate(),
        horizon_days=horizon,
        pages={k: request.GET.get(k) for k in ("apage", "ppage", "mpage")},
    )
    return board, status


def _query_without(params: QueryDict, *names: str) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@login_required
@require_GET
def national_view(request: AuthedRequest) -> HttpResponse:
    board, status = _board(request)
    columns = [(s, status_label(s)) for s in STATUS_COLUMNS]
    context: dict[str, Any] = {
        "board": board,
        "status_columns": columns,
        # A phone lists each agency's stages that hold a nomination, not a dozen columns.
        "agency_cards": [
            (row, [(k, label, n) for (k, label), n in zip(columns, counts, strict=True) if n])
            for row, counts in ((r, r.status_counts) for r in board.agency_page.object_list)
        ],
        "chart_json": json.dumps(chart_data(board)),
        "keep_apage": _query_without(request.GET, "apage"),
        "keep_ppage": _query_without(request.GET, "ppage"),
        "keep_mpage": _query_without(request.GET, "mpage"),
        "keep_all": _query_without(request.GET, "apage", "ppage", "mpage"),
    }
    return render(request, "insight/national/view.html", context, status=status)


@login_required
@require_GET
def national_download(request: AuthedRequest) -> HttpResponse:
    board, status = _board(request)
    if status != 200:
        return national_view(request)
    data = national_workbook(board, monitoring=monitoring_lines(board))
    stamp = board.today.isoformat()
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="zona-nasional-{stamp}.xlsx"'
    return response


urlpatterns = [
    path("national/", national_view, name="national"),
    path("national/export.xlsx", national_download, name="national_download"),
]
