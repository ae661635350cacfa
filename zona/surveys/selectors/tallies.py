"""The sums and counts every results figure is made of, read from the running totals
(zona.surveys.models.tallies) plus the responses the worker has not folded in yet.

Each reader is one query: the folded rows and the not-yet-folded responses' rows, UNION ALL,
added up here. The pending part is found through the partial index on untallied responses
and the answers' primary key, so it costs what the worker is behind, not what the campaign
holds. The `scan_*` twins compute the same from the answers alone; `manage.py
survey_aggregates --check` and the tests compare both paths.

`filters` are lookups that Response, Answer and the tallies share (campaign, campaign_id__in,
campaign__unit, service_type_id); `answer_filters` those of Answer and the item tallies
(instrument_version, instrument_version__instrument__measures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from zona.surveys.models import Answer, BandTally, ItemTally, Response, ResponseTally
from zona.surveys.profile import PROFILE_FIELDS

# What identifies a row of each tally (as Answer and Response name them too).
ITEM_KEYS: tuple[str, ...] = ("campaign_id", "instrument_version_id", "service_type_id", "item")
RESPONSE_KEYS: tuple[str, ...] = (
    "campaign_id",
    "service_type_id",
    "channel",
    "flagged",
    "excluded",
    *PROFILE_FIELDS,
)

BAND_BY: tuple[str, ...] = ("campaign_id", "band", "instrument_version_id", "item")

Sums = dict[tuple[Any, ...], tuple[int, int]]


def _pending(filters: Mapping[str, Any]) -> QuerySet[Response]:
    return Response.objects.filter(tallied=False, **filters)


def _add_sums(rows: Iterable[Mapping[str, Any]], by: Sequence[str]) -> Sums:
    out: Sums = {}
    for row in rows:
        key = tuple(row[name] for name in by)
        total, answered = out.get(key, (0, 0))
        out[key] = (total + int(row["total"] or 0), answered + int(row["answered"] or 0))
    return out


def item_sums(
    by: Sequence[str], *, answer_filters: Mapping[str, Any] | None = None, **filters: Any
) -> Sums:
    """(sum, count) of the counted answers per `by` (columns of ITEM_KEYS)."""
    answer_filters = answer_filters or {}
    folded = (
        ItemTally.objects.filter(**filters, **answer_filters)
        .values(*by)
        .annotate(total=Sum("total"), answered=Sum("answered"))
        .order_by()
    )
    pending = (
        Answer.objects.filter(
            response__in=_pending(filters).values("pk"), counted=True, **answer_filters
        )
        .values(*by)
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    )
    return _add_sums(folded.union(pending, all=True), by)


def scan_item_sums(
    by: Sequence[str], *, answer_filters: Mapping[str, Any] | None = None, **filters: Any
) -> Sums:
    rows = (
        Answer.objects.filter(counted=True, **filters, **(answer_filters or {}))
        .values(*by)
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    )
    return _add_sums(rows, by)


def _add_counts(rows: Iterable[Mapping[str, Any]], by: Sequence[str]) -> dict[tuple[Any, ...], int]:
    out: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(row[name] for name in by)
        out[key] = out.get(key, 0) + int(row["n"] or 0)
    return out


def response_counts(by: Sequence[str], **filters: Any) -> dict[tuple[Any, ...], int]:
    """How many responses (counted or not) per `by` (columns of RESPONSE_KEYS)."""
    folded = ResponseTally.objects.filter(**filters).values(*by).annotate(n=Sum("n")).order_by()
    pending = _pending(filters).values(*by).annotate(n=Count("pk")).order_by()
    return _add_counts(folded.union(pending, all=True), by)


def scan_response_counts(by: Sequence[str], **filters: Any) -> dict[tuple[Any, ...], int]:
    rows = Response.objects.filter(**filters).values(*by).annotate(n=Count("pk")).order_by()
    return _add_counts(rows, by)


def band_sums(field: str, bands: Sequence[str], **filters: Any) -> Sums:
    """(sum, count) of counted answers per (campaign id, band, instrument version id, item)
    of one profile field, over responses that gave one of `bands`."""
    by = BAND_BY
    folded = (
        BandTally.objects.filter(field=field, band__in=list(bands), **filters)
        .values(*by)
        .annotate(total=Sum("total"), answered=Sum("answered"))
        .order_by()
    )
    pending = (
        Answer.objects.filter(
            response__in=_pending({**filters, f"{field}__in": list(bands)}).values("pk"),
            counted=True,
        )
        .values("campaign_id", f"response__{field}", "instrument_version_id", "item")
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    )
    return _add_sums(folded.union(pending, all=True), by)


def scan_band_sums(field: str, bands: Sequence[str], **filters: Any) -> Sums:
    lookup = f"response__{field}"
    rows = (
        Answer.objects.filter(counted=True, **{f"{lookup}__in": list(bands)}, **filters)
        .values("campaign_id", lookup, "instrument_version_id", "item")
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    )
    return _add_sums(({**row, "band": row[lookup]} for row in rows), BAND_BY)


def has_counted_answers(measure: str) -> Q:
    """For a Campaign queryset: the campaign has counted answers of an instrument measuring
    `measure`."""
    folded = ItemTally.objects.filter(
        campaign=OuterRef("pk"), answered__gt=0, instrument_version__instrument__measures=measure
    )
    pending = Response.objects.filter(campaign=OuterRef("pk"), tallied=False).filter(
        Exists(
            Answer.objects.filter(
                response=OuterRef("pk"),
                counted=True,
                instrument_version__instrument__measures=measure,
            )
        )
    )
    return Q(Exists(folded)) | Q(Exists(pending))


def scan_has_counted_answers(measure: str) -> Q:
    return Q(
        Exists(
            Answer.objects.filter(
                campaign=OuterRef("pk"),
                counted=True,
                instrument_version__instrument__measures=measure,
            )
        )
    )


def use_scan(patch: Any) -> None:
    """Point the selectors at the scanning twins (tests and the benchmark's raw figures):
    `patch(module, name, value)` is e.g. pytest's monkeypatch.setattr."""
    import sys

    module = sys.modules[__name__]
    for name in ("item_sums", "response_counts", "band_sums", "has_counted_answers"):
        patch(module, name, getattr(module, f"scan_{name}"))
