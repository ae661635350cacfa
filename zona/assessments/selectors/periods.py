"""Reads for a period's pages: its sheets, the units that could still get one, tree levels.

Callers pass a period (or agencies) they have already authorised.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from zona.accounts.models import Unit
from zona.assessments.models import Assessment, Period


def unit_kinds_by_depth(agencies: list[Unit]) -> dict[int, set[str]]:
    """The kinds of unit found at each tree level below the agencies."""
    if not agencies:
        return {}
    rows = (
        Unit.objects.filter(
            Q(*[Q(path__startswith=a.path) for a in agencies], _connector=Q.OR), depth__gt=1
        )
        .values("depth", "kind")
        .distinct()
    )
    kinds: dict[int, set[str]] = {}
    for row in rows:
        kinds.setdefault(row["depth"], set()).add(row["kind"])
    return kinds


def period_assessments(period: Period) -> QuerySet[Assessment]:
    """The period's sheets in tree order of their units."""
    return (
        Assessment.objects.filter(period=period)
        .select_related("unit", "period", "period__framework")
        .order_by("unit__path")
    )


def period_candidates(
    period: Period, *, exclude: Iterable[int] | QuerySet[Any, Any], kind: str = "", query: str = ""
) -> QuerySet[Unit]:
    """Units below the period's agency without a sheet yet (ids in `exclude`, or a query of
    them), filtered."""
    candidates = Unit.objects.filter(path__startswith=period.agency.path, depth__gt=1).exclude(
        pk__in=exclude
    )
    if kind:
        candidates = candidates.filter(kind=kind)
    if query:
        candidates = candidates.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return candidates.order_by("path")
