"""Keeping the running totals (zona.surveys.models.tallies) in step with the answers.

- A submission writes nothing here: its response is stored with `tallied = False`, so two
  respondents of one campaign never wait on the same total row.
- `tallies_fold` (the worker, zona.surveys.tasks) takes a batch of untallied responses
  (FOR UPDATE SKIP LOCKED, so two workers take different ones), adds each total row they
  touch with ONE upsert (INSERT ... ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, rows in
  key order so two batches lock shared rows in the same order) and marks them tallied, in
  one transaction.
- Excluding or restoring a tallied response takes it out of the totals as it was and puts it
  back as it is, in the transaction of the change (`tally_change`). The response row is
  locked by the change and by the fold, so each sees the other's committed work: a response
  is either still untallied (the fold counts its new state) or already in the totals (the
  change moves them).
- `tallies_rebuild` recomputes from the answers; `tallies_drift` compares the totals with a
  scan (`manage.py survey_aggregates --check|--rebuild`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Sum

from zona.surveys.models import Answer, BandTally, Campaign, ItemTally, Response, ResponseTally
from zona.surveys.profile import PROFILE_FIELDS
from zona.surveys.selectors.tallies import (
    ITEM_KEYS,
    RESPONSE_KEYS,
    band_sums,
    item_sums,
    response_counts,
    scan_band_sums,
    scan_item_sums,
    scan_response_counts,
)

# Responses per fold transaction: a few thousand answer rows, a few hundred total rows.
FOLD_BATCH = 500
# Rows per INSERT ... ON CONFLICT statement (SQLite allows 32766 parameters).
UPSERT_CHUNK = 500

BAND_KEYS: tuple[str, ...] = ("campaign_id", "instrument_version_id", "field", "band", "item")


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name.removesuffix("_id"))
    return connection.ops.quote_name(str(field.column))  # type: ignore[union-attr]


def _upsert(
    model: type[models.Model],
    keys: Sequence[str],
    sums: Sequence[str],
    rows: Mapping[tuple[Any, ...], Sequence[int]],
) -> None:
    """Add each row's figures to the total row of its key, creating it when missing."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    key_cols = [_column(model, k) for k in keys]
    sum_cols = [_column(model, s) for s in sums]
    width = len(key_cols) + len(sum_cols)
    update = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in sum_cols)
    # Key order: two transactions touching the same rows lock them in the same order.
    ordered = sorted(rows.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), UPSERT_CHUNK):
            chunk = ordered[start : start + UPSERT_CHUNK]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            params: list[Any] = []
            for key, figures in chunk:
                params.extend(key)
                params.extend(figures)
            # Names come from the models' metadata, quoted; values are parameters.
            sql = (
                f"INSERT INTO {table} ({', '.join(key_cols + sum_cols)}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {update}"
            )
            cursor.execute(sql, params)


Rows = dict[tuple[Any, ...], tuple[int, ...]]


def _rows(response_ids: Sequence[int]) -> tuple[Rows, Rows, Rows]:
    """What these responses, as they are now, add to each table (item, band, response)."""
    ids = list(response_ids)
    answers = Answer.objects.filter(response_id__in=ids, counted=True)
    items: Rows = {
        tuple(row[k] for k in ITEM_KEYS): (int(row["total"]), int(row["answered"]))
        for row in answers.values(*ITEM_KEYS)
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    }
    bands: Rows = {}
    if Response.objects.filter(pk__in=ids).exclude(**dict.fromkeys(PROFILE_FIELDS, "")).exists():
        lookups = [f"response__{f}" for f in PROFILE_FIELDS]
        for row in (
            answers.values("campaign_id", "instrument_version_id", "item", *lookups)
            .annotate(total=Sum("value"), answered=Count("*"))
            .order_by()
        ):
            for field, lookup in zip(PROFILE_FIELDS, lookups, strict=True):
                if not row[lookup]:
                    continue
                key = (
                    row["campaign_id"],
                    row["instrument_version_id"],
                    field,
                    row[lookup],
                    row["item"],
                )
                total, answered = bands.get(key, (0, 0))
                bands[key] = (total + int(row["total"]), answered + int(row["answered"]))
    responses: Rows = {
        tuple(row[k] for k in RESPONSE_KEYS): (int(row["n"]),)
        for row in Response.objects.filter(pk__in=ids)
        .values(*RESPONSE_KEYS)
        .annotate(n=Count("pk"))
        .order_by()
    }
    return items, bands, responses


def _apply(rows: tuple[Rows, Rows, Rows]) -> None:
    # Always items, bands, responses, each in key order: every writer of the totals (folds,
    # exclusions, restores) locks rows in one global order, so none waits on another in a
    # cycle.
    items, bands, responses = rows
    _upsert(ItemTally, ITEM_KEYS, ("total", "answered"), items)
    _upsert(BandTally, BAND_KEYS, ("total", "answered"), bands)
    _upsert(ResponseTally, RESPONSE_KEYS, ("n",), responses)


def _minus(after: Rows, before: Rows) -> Rows:
    out: Rows = {}
    for key in set(after) | set(before):
        a, b = after.get(key), before.get(key)
        width = len(a) if a is not None else len(before[key])
        delta = tuple((a[i] if a else 0) - (b[i] if b else 0) for i in range(width))
        if any(delta):
            out[key] = delta
    return out


def tallies_fold(*, batch: int = FOLD_BATCH, limit: int | None = None) -> int:
    """Fold untallied responses into the totals, `batch` per transaction, until none is
    left (or `limit` were folded). Returns how many were folded."""
    folded = 0
    while limit is None or folded < limit:
        size = batch if limit is None else min(batch, limit - folded)
        with transaction.atomic():
            ids = list(
                Response.objects.select_for_update(skip_locked=True)
                .filter(tallied=False)
                .values_list("pk", flat=True)[:size]
            )
            if not ids:
                break
            _apply(_rows(ids))
            Response.objects.filter(pk__in=ids).update(tallied=True)
        folded += len(ids)
    return folded


@contextmanager
def tally_change(response: Response) -> Iterator[None]:
    """Around a change of a locked response's inclusion (inside its transaction): the
    totals follow the change when the response was already folded in, by one upsert of the
    difference per touched row."""
    if not response.tallied:
        yield
        return
    before = _rows([response.pk])
    yield
    after = _rows([response.pk])
    _apply(tuple(_minus(a, b) for a, b in zip(after, before, strict=True)))  # type: ignore[arg-type]


def _lock_responses() -> None:
    # No response is written, changed or folded while totals are rebuilt (plain reads go on;
    # EXCLUSIVE also waits for a fold holding FOR UPDATE locks, so neither deadlocks).
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Response._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


def tallies_rebuild(*, campaign: Campaign | None = None) -> int:
    """Recompute the totals (of one campaign, or all) from the answers in one transaction.
    Returns the number of responses they now hold."""
    scope: dict[str, Any] = {} if campaign is None else {"campaign": campaign}
    with transaction.atomic():
        _lock_responses()
        for model in (ItemTally, BandTally, ResponseTally):
            model.objects.filter(**scope).delete()
        Response.objects.filter(tallied=False, **scope).update(tallied=True)
        items = scan_item_sums(ITEM_KEYS, **scope)
        _upsert(ItemTally, ITEM_KEYS, ("total", "answered"), items)
        for field in PROFILE_FIELDS:
            bands = scan_band_sums(field, _bands(field, scope), **scope)
            rows = {(c, v, field, b, i): stat for (c, b, v, i), stat in bands.items()}
            _upsert(BandTally, BAND_KEYS, ("total", "answered"), rows)
        counts = scan_response_counts(RESPONSE_KEYS, **scope)
        _upsert(ResponseTally, RESPONSE_KEYS, ("n",), {k: (n,) for k, n in counts.items()})
    return sum(counts.values())


def _bands(field: str, scope: dict[str, Any]) -> list[str]:
    return list(
        Response.objects.filter(**scope)
        .exclude(**{field: ""})
        .values_list(field, flat=True)
        .distinct()
        .order_by()
    )


@dataclass(frozen=True)
class Drift:
    table: str
    key: tuple[Any, ...]
    totals: tuple[int, ...]
    answers: tuple[int, ...]


def tallies_drift(*, campaign: Campaign | None = None) -> list[Drift]:
    """Where the totals (plus the responses not folded yet) differ from a scan of the
    answers and responses: empty when they agree."""
    scope: dict[str, Any] = {} if campaign is None else {"campaign": campaign}
    drift: list[Drift] = []

    def compare(table: str, kept: dict[Any, Any], scanned: dict[Any, Any], zero: Any) -> None:
        for key in sorted(set(kept) | set(scanned), key=lambda k: tuple(map(str, k))):
            a, b = kept.get(key, zero), scanned.get(key, zero)
            if a != b:
                drift.append(Drift(table, key, tuple(a), tuple(b)))

    compare("items", item_sums(ITEM_KEYS, **scope), scan_item_sums(ITEM_KEYS, **scope), (0, 0))
    kept_counts = {k: (n,) for k, n in response_counts(RESPONSE_KEYS, **scope).items()}
    scan_counts = {k: (n,) for k, n in scan_response_counts(RESPONSE_KEYS, **scope).items()}
    compare("responses", kept_counts, scan_counts, (0,))
    for field in PROFILE_FIELDS:
        bands = _bands(field, scope)
        compare(
            f"bands:{field}",
            band_sums(field, bands, **scope),
            scan_band_sums(field, bands, **scope),
            (0, 0),
        )
    return drift
