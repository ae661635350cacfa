"""Exports: responses (one row per response, item codes as columns) and the summary.

CSV streams row by row, so a campaign of any size exports in flat memory. Rows are ordered
by the random response key, never by arrival. No contact, address or exact time is in any
export: those are not stored with responses in the first place. No combination of time,
service, channel or respondent profile shown is held by fewer than `ZONA_SURVEY_MIN_GROUP`
rows (zona/surveys/anonymity.py), and the summary leaves out smaller groups. Every cell goes
through zona.core.spreadsheets: formula-like text stays text, control characters are cleaned.
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

from zona.accounts.access import Perm, user_can
from zona.core.spreadsheets import clean_text, csv_cell, looks_like_formula, xlsx_literal
from zona.surveys.access import access_campaign_by_id
from zona.surveys.anonymity import Shown, generalise
from zona.surveys.models import Campaign, InstrumentVersion
from zona.surveys.profile import PROFILE_FIELDS, min_group
from zona.surveys.reporting import figures_from_k, profile_results, shown_services
from zona.surveys.selectors import (
    IndexResult,
    campaign_results,
    export_columns,
    export_rows,
    results_by_service,
)
from zona.surveys.selectors.exports import response_times_and_profiles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESPONSE_HEADER = [
    "response",
    "unit",
    "year",
    "period",
    "service",
    "submitted",
    "served_when",
    "channel",
    *PROFILE_FIELDS,
    "flags",
    "status",
    "exclusion_reason",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """A cell value with the rules of zona.core.spreadsheets, for a write-only sheet (whose
    rows cannot be read back, so xlsx_append does not apply; write-only keeps a large
    campaign linear in time and memory)."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if not looks_like_formula(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    xlsx_literal(cell)
    return cell


def _xlsx(rows: Iterable[list[Any]], title: str) -> bytes:
    # Imported here: openpyxl is slow to import, and only exports need it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
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


# The attributes an onlooker may know of a respondent, in the order they are hidden last to
# first: the profile goes first, then channel and when-served, the service last.
_QUASI = ("service_type__code", "channel", "served_when", *PROFILE_FIELDS)
_PROFILE_AT = frozenset(range(3, 3 + len(PROFILE_FIELDS)))
TIERS: tuple[frozenset[int], ...] = (
    frozenset(),
    _PROFILE_AT,
    _PROFILE_AT | {1, 2},
    frozenset(range(len(_QUASI))),
)


def shown_rows(campaign: Campaign, *, k: int) -> dict[int, Shown]:
    """Response id -> how its time and attributes are shown; absent: left out."""
    tz = timezone.get_current_timezone()
    ids: list[int] = []
    rows: list[tuple[Any, tuple[str, ...]]] = []
    for pk, hour, *attributes in response_times_and_profiles(campaign, list(_QUASI)):
        ids.append(pk)
        rows.append((hour.astimezone(tz), tuple(str(a or "") for a in attributes)))
    return {
        pk: shown
        for pk, shown in zip(ids, generalise(rows, k=k, tiers=TIERS), strict=True)
        if shown is not None
    }


def response_rows(
    campaign: Campaign, versions: list[InstrumentVersion], prefixed: bool, *, k: int = 0
) -> Iterator[list[Any]]:
    yield RESPONSE_HEADER + export_columns(versions, prefixed=prefixed)
    shown_by_id = shown_rows(campaign, k=k or min_group())
    for response, values in export_rows(campaign, versions):
        shown = shown_by_id.get(response.pk)
        if shown is None:
            continue  # one of fewer than k rows that no grouping could hide
        service, channel, served_when, *profile = shown.attributes
        yield [
            response.reference,
            campaign.unit.code,
            campaign.year,
            campaign.period_label,
            service,
            shown.time,
            served_when,
            channel,
            *profile,
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


def summary_rows(campaign: Campaign, language: str, *, k: int = 0) -> Iterator[list[Any]]:
    """All responses, then each service and each profile band held by at least k responses
    (with the smallest next group hidden too when the hidden ones could be worked out)."""
    k = k or min_group()
    yield SUMMARY_HEADER
    for result in figures_from_k(campaign_results(campaign, language=language), k=k):
        yield from _summary_block("all", result)
    services = results_by_service(campaign, language=language)
    visible = shown_services(services, k=k)
    for service in services:
        if service.service.code in visible:
            for result in figures_from_k(service.results, k=k):
                yield from _summary_block(service.service.code, result)
    for band in profile_results(campaign, language=language, k=k):
        for result in band.results:
            yield from _summary_block(f"{band.field}={band.code}", result)


@login_required
def export_summary(request: HttpRequest, campaign_id: int) -> HttpResponseBase:
    campaign = access_campaign_by_id(request.user, campaign_id)
    language = "en" if (get_language() or "id").startswith("en") else "id"
    return _download(
        request, summary_rows(campaign, language), f"summary-{_base_name(campaign)}", "summary"
    )
