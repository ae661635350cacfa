"""Rows of the response export, read in chunks in random-key order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from zona.surveys.models import Answer, Campaign, InstrumentVersion, Response


def export_columns(versions: list[InstrumentVersion], *, prefixed: bool) -> list[str]:
    return [
        f"{v.instrument.key}.{code}" if prefixed else code
        for v in versions
        for code in v.item_codes
    ]


def response_times_and_profiles(campaign: Campaign, fields: list[str]) -> Iterator[Any]:
    """(id, submitted hour, *fields) of every response, by id, read in chunks."""
    return (
        Response.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("pk", "submitted_hour", *fields)
        .iterator(chunk_size=5000)
    )


def export_rows(
    campaign: Campaign, versions: list[InstrumentVersion], *, chunk: int = 2000
) -> Iterable[tuple[Response, list[int | None]]]:
    """Every response (counted and excluded) with its answers in column order.

    Ordered by the random primary key, so the row order says nothing about arrival order.
    Memory stays flat: responses and their answers are read in chunks.
    """
    offsets: dict[tuple[int, int], int] = {}
    column = 0
    for version in versions:
        for position in range(1, len(version.item_codes) + 1):
            offsets[(version.pk, position)] = column
            column += 1
    width = column
    last = None
    base = Response.objects.filter(campaign=campaign).select_related("service_type").order_by("pk")
    while True:
        page = list((base.filter(pk__gt=last) if last is not None else base)[:chunk])
        if not page:
            return
        answers: dict[int, list[int | None]] = {r.pk: [None] * width for r in page}
        for response_id, version_id, item, value in Answer.objects.filter(
            response_id__in=list(answers)
        ).values_list("response_id", "instrument_version_id", "item", "value"):
            offset = offsets.get((version_id, item))
            if offset is not None:
                answers[response_id][offset] = value
        for response in page:
            yield response, answers[response.pk]
        last = page[-1].pk
