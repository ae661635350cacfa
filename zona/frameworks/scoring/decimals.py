"""The decimal arithmetic every scoring step shares: constants, precision and rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
FOUR = Decimal(4)
HUNDRED = Decimal(100)
# Divisions (thirds, count ratios) are the only inexact steps; 40 digits keeps their error far
# below the 1e-20 snap used before rounding, so a true x.xx5 never rounds down.
CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)
SNAP = Decimal("1e-20")
QUANTA = {places: Decimal(1).scaleb(-places) for places in range(9)}


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round for display and threshold comparison: half up, after removing division noise."""
    snapped = value.quantize(SNAP, ROUND_HALF_EVEN, CONTEXT)
    return snapped.quantize(QUANTA[places], ROUND_HALF_UP, CONTEXT)
