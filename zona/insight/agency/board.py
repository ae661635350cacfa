"""The dashboard's query string read into filters (shared by the page, the Excel downloads
and the API), and the figures the charts draw."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zona.accounts.models import Unit
from zona.assessments.models import AssessmentStatus, Period, Target
from zona.core.api.params import query_id, query_int
from zona.core.errors import Problem, ValidationFailed
from zona.insight.selectors.agency import Board, Filters
from zona.insight.selectors.funnel import Funnel

MAX_PAGE = 100_000


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem("invalid_filter", message, field)])


def read_filters(params: Mapping[str, Any], periods: list[Period], offices: list[Unit]) -> Filters:
    """The filters in `params`; ValidationFailed names a value that is not one of the
    choices (nothing is guessed)."""
    if not periods:
        raise _bad("period", _("The agency has no assessment period yet."))
    period_id = query_id(params, "period")
    year = query_int(params, "year", minimum=1, maximum=9999)
    period = periods[0]
    if period_id is not None:
        found = next((p for p in periods if p.pk == period_id), None)
        if found is None:
            raise _bad("period", _("Choose one of the agency's periods."))
        period = found
    elif year is not None:
        found = next((p for p in periods if p.year == year), None)
        if found is None:
            raise _bad("year", _("The agency has no period in %(year)d.") % {"year": year})
        period = found
    status = params.get("status") or None
    if status is not None and status not in AssessmentStatus.values:
        raise _bad("status", _("Choose one of the listed statuses."))
    target = params.get("target") or None
    if target is not None and target not in Target.values:
        raise _bad("target", _("Choose one of the listed targets."))
    region_id = query_id(params, "region")
    region = None
    if region_id is not None:
        region = next((o for o in offices if o.pk == region_id), None)
        if region is None:
            raise _bad("region", _("Choose one of the listed regions."))
    page = query_int(params, "page", minimum=1, maximum=MAX_PAGE) or 1
    return Filters(
        period=period,
        region=region,
        status=status,
        target=target,
        page=page,
    )


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_data(board: Board, funnel: Funnel, scope: Unit) -> dict[str, Any]:
    """What the charts draw (JSON-ready; the same numbers are in the page's tables)."""
    columns = board.columns
    return {
        "heatmap": {
            "units": [r.assessment.unit.short_name or r.assessment.unit.name for r in board.rows],
            "areas": [a.title for a in board.areas],
            "values": [
                [x, y, _f(r.area_percent[a.key])]
                for y, r in enumerate(board.rows)
                for x, a in enumerate(board.areas)
            ],
        },
        "histogram": {
            "bins": [
                f"{board.histogram.edges[i]:.0f}\u2013{board.histogram.edges[i + 1]:.0f}"
                for i in range(len(board.histogram.edges) - 1)
            ],
            "series": [
                {"name": c.label, "values": board.histogram.series[c.key]}
                for c in columns
                if c.key in board.histogram.series
            ],
            "thresholds": [
                {"title": m.predicate.upper(), "bound": _f(m.bound)} for m in board.thresholds
            ],
            "step": _f(board.histogram.edges[1]) if len(board.histogram.edges) > 1 else None,
        },
        "gap": {
            "areas": [g.area.title for g in board.gap],
            "series": [
                {"name": c.label, "values": [_f(g.averages[c.key]) for g in board.gap]}
                for c in columns
                if any(g.counts[c.key] for g in board.gap)
            ],
        },
        "funnel": {
            "stages": [s.label for s in funnel.stages],
            "series": [
                {"name": str(y), "values": [s.count(y) for s in funnel.stages]}
                for y in funnel.years
            ],
        },
        "scope": scope.name,
    }
