"""Exports: responses (one row per response, item codes as columns) and the summary.

CSV streams row by row, so a campaign of any size exports in flat memory. Rows are ordered
by the random response key, never by arrival. No contact, address or exact time is in any
export: those are not stored with responses in the first place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import get_language
from openpyxl import Workbook

from zona.accounts.access import Perm, user_can
from zona.surveys.access import access_campaign_by_id
from zona.surveys.models import Campaign, InstrumentVersion
from zona.surveys.selectors import (
    IndexResult,
    campaign_results,
    export_columns,
    export_rows,
    results_by_service,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESPONSE_HEADER = [
    "response",
    "unit",
    "year",
    "period",
    "service",
    "submitted_hour",
    "served_when",
    "channel",
    "flags",
    "status",
    "exclusion_reason",
]


def _safe(value: Any) -> Any:
    # A cell that starts like a formula is shown as text in spreadsheet programs.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in rows:
        yield writer.writerow([_safe(v) for v in row])


def _xlsx(rows: Iterable[list[Any]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _download(
    request: HttpRequest, rows: Iterable[list[Any]], name: str, title: str
) -> HttpResponseBase:
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(_xlsx(rows, title), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    streaming = StreamingHttpResponse(_csv_stream(rows), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return streaming


def _versions(request: HttpRequest, campaign: Campaign) -> tuple[list[InstrumentVersion], bool]:
    versions = campaign.ordered_versions()
    key = request.GET.get("instrument", "")
    if key:
        versions = [v for v in versions if v.instrument.key == key]
        if not versions:
            raise Http404
        return versions, False
    return versions, len(versions) > 1


def _base_name(campaign: Campaign) -> str:
    return f"{campaign.unit.code}-{campaign.year}-{campaign.pk}"


def response_rows(
    campaign: Campaign, versions: list[InstrumentVersion], prefixed: bool
) -> Iterator[list[Any]]:
    yield RESPONSE_HEADER + export_columns(versions, prefixed=prefixed)
    tz = timezone.get_current_timezone()
    for response, values in export_rows(campaign, versions):
        yield [
            response.reference,
            campaign.unit.code,
            campaign.year,
            campaign.period_label,
            response.service_type.code,
            response.submitted_hour.astimezone(tz).strftime("%Y-%m-%d %H:00"),
            response.served_when,
            response.channel,
            " ".join(response.flags),
            "excluded" if response.excluded else "counted",
            response.exclusion_reason,
            *values,
        ]


@login_required
def export_responses(request: HttpRequest, campaign_id: int) -> HttpResponseBase:
    campaign = access_campaign_by_id(request.user, campaign_id)
    # Raw rows are for the unit's survey staff and the assessors, not for every viewer.
    if not (
        user_can(request.user, Perm.SURVEY_MANAGE, campaign.unit)
        or user_can(request.user, Perm.SURVEY_VALIDATE, campaign.unit)
    ):
        raise Http404
    versions, prefixed = _versions(request, campaign)
    suffix = f"-{versions[0].instrument.key}" if not prefixed and len(versions) == 1 else ""
    return _download(
        request,
        response_rows(campaign, versions, prefixed),
        f"responses-{_base_name(campaign)}{suffix}",
        "responses",
    )


SUMMARY_HEADER = [
    "scope",
    "instrument",
    "version",
    "content_hash",
    "respondents",
    "item",
    "question",
    "mean",
    "answered",
]


def _summary_block(scope: str, result: IndexResult) -> list[list[Any]]:
    version = result.version
    rows: list[list[Any]] = [
        [
            scope,
            version.instrument.key,
            version.version,
            version.content_hash,
            result.respondents,
            item.code,
            item.text,
            None if item.mean is None else float(round(item.mean, 4)),
            item.stat.answered,
        ]
        for item in result.items
    ]
    label = (
        "IKM"
        if result.is_ikm
        else (version.measures.upper() if version.measures != "other" else "INDEX")
    )
    if result.grade:
        label = f"{label} ({result.grade})"
    rows.append(
        [
            scope,
            version.instrument.key,
            version.version,
            version.content_hash,
            result.respondents,
            "INDEX",
            label,
            None if result.value is None else float(round(result.value, 4)),
            result.answered,
        ]
    )
    return rows


def summary_rows(campaign: Campaign, language: str) -> Iterator[list[Any]]:
    yield SUMMARY_HEADER
    for result in campaign_results(campaign, language=language):
        yield from _summary_block("all", result)
    for service in results_by_service(campaign, language=language):
        for result in service.results:
            yield from _summary_block(service.service.code, result)


@login_required
def export_summary(request: HttpRequest, campaign_id: int) -> HttpResponseBase:
    campaign = access_campaign_by_id(request.user, campaign_id)
    language = "en" if (get_language() or "id").startswith("en") else "id"
    return _download(
        request, summary_rows(campaign, language), f"summary-{_base_name(campaign)}", "summary"
    )
