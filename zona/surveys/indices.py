"""Survey indices and sample sizes: pure functions over plain values (domain §3).

No ORM and no Django settings here: the web pages, the API, the exports, the command line
and the benchmark all call these same functions. The database selectors hand in per-item
sums and counts (SQL SUM and COUNT), the command line hands in per-response answers; both
end in `item_stats` -> `perception_index` / `ikm`.

Values are exact: means are kept as Fractions until the end and returned as Decimals with
40 significant digits. Rounding (half up) happens only in `rounded`, for display and for
the IKM grade thresholds.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Literal

_CONTEXT = Context(prec=40)

SampleMethod = Literal["krejcie-morgan", "krejcie-morgan-table", "slovin"]
SAMPLE_METHODS: tuple[SampleMethod, ...] = ("krejcie-morgan", "krejcie-morgan-table", "slovin")
DEFAULT_MARGIN = Decimal("0.05")
# Krejcie & Morgan (1970): chi-square for 1 degree of freedom at 95%, and P = 0.5.
CHI_SQUARE = Decimal("3.841")
PROPORTION = Decimal("0.5")


def to_decimal(value: Fraction) -> Decimal:
    return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


def rounded(value: Decimal, places: int) -> Decimal:
    """Half up, for display and for threshold comparisons only."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ItemStat:
    """One item over a set of responses: the sum of its answers and how many answered it."""

    code: str
    total: int
    answered: int

    @property
    def mean_fraction(self) -> Fraction | None:
        return Fraction(self.total, self.answered) if self.answered else None

    @property
    def mean(self) -> Decimal | None:
        mean = self.mean_fraction
        return None if mean is None else to_decimal(mean)


def item_stats(
    codes: Sequence[str], responses: Iterable[Mapping[str, int | None]]
) -> dict[str, ItemStat]:
    """Per item, the sum and count of the responses that answered it (None or absent = skipped)."""
    totals = dict.fromkeys(codes, 0)
    counts = dict.fromkeys(codes, 0)
    for response in responses:
        for code in codes:
            value = response.get(code)
            if value is not None:
                totals[code] += value
                counts[code] += 1
    return {code: ItemStat(code, totals[code], counts[code]) for code in codes}


def _mean_of_item_means(stats: Iterable[ItemStat]) -> Fraction | None:
    # An item nobody answered has no mean; it is left out rather than counted as 0, so one
    # skipped-by-all item (e.g. cost, where the service is free) does not sink the index.
    means = [m for m in (s.mean_fraction for s in stats) if m is not None]
    if not means:
        return None
    return sum(means, Fraction(0)) / len(means)


def perception_index(stats: Iterable[ItemStat], *, scale_max: int) -> Decimal | None:
    """IPAK / IPKP on 0-4: the mean of the item means x 4 / scale_max."""
    mean = _mean_of_item_means(stats)
    if mean is None:
        return None
    return to_decimal(mean * 4 / scale_max)


def ikm(stats: Iterable[ItemStat]) -> Decimal | None:
    """IKM on 25-100 (PermenPAN-RB 14/2017): sum of NRR x 1/n x 25 over the n elements.

    NRR of an element is the sum of its answers / the number answering it; with all nine
    elements answered this is exactly the regulation's sum(NRR x 1/9) x 25.
    """
    mean = _mean_of_item_means(stats)
    if mean is None:
        return None
    return to_decimal(mean * 25)


# (grade, lowest IKM of the grade after rounding to 2 decimals), best first.
IKM_GRADES: tuple[tuple[str, Decimal], ...] = (
    ("A", Decimal("88.31")),
    ("B", Decimal("76.61")),
    ("C", Decimal("65.00")),
    ("D", Decimal("25.00")),
)


def ikm_grade(value: Decimal) -> str:
    """A (Sangat Baik), B (Baik), C (Kurang Baik) or D (Tidak Baik).

    Compared on the value rounded half up to 2 decimals, as the bands are published
    (88.305 is shown as 88.31 and is an A).
    """
    shown = rounded(value, 2)
    for grade, lowest in IKM_GRADES:
        if shown >= lowest:
            return grade
    return "D"


def krejcie_morgan(population: int, *, margin: Decimal = DEFAULT_MARGIN) -> int:
    """n = X2 N P(1-P) / (d2 (N-1) + X2 P(1-P)), rounded to the nearest integer.

    Reproduces the 1970 table: 10 -> 10, 50 -> 44, 100 -> 80, 1000 -> 278, 1000000 -> 384.
    """
    _check_population(population, margin)
    if population == 0:
        return 0
    p_q = PROPORTION * (1 - PROPORTION)
    n = _CONTEXT.divide(
        CHI_SQUARE * population * p_q,
        margin * margin * (population - 1) + CHI_SQUARE * p_q,
    )
    return min(population, int(n.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


# The printed table is data: one "population,sample" row per line, '#' starts a comment.
KREJCIE_MORGAN_TABLE = Path(__file__).resolve().parent / "data" / "krejcie-morgan-1970.csv"
# The margin the printed table was computed for.
TABLE_MARGIN = Decimal("0.05")


@cache
def krejcie_morgan_rows(path: Path = KREJCIE_MORGAN_TABLE) -> tuple[tuple[int, int], ...]:
    """The (population, sample) rows of the printed table, smallest population first."""
    rows: list[tuple[int, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        population, sample = (int(part) for part in line.split(","))
        rows.append((population, sample))
    rows.sort()
    if not rows:
        raise ValueError(f"{path} has no rows")
    return tuple(rows)


def krejcie_morgan_table(population: int, *, margin: Decimal = DEFAULT_MARGIN) -> int:
    """The 1970 table read as agencies read it: a population between two rows takes the
    next row up (4,384 -> row 4,500 -> 354, where the formula gives 353); beyond the last
    row, the last row; never more than the population itself.
    """
    _check_population(population, margin)
    if margin != TABLE_MARGIN:
        raise ValueError(f"the printed Krejcie & Morgan table is for a margin of {TABLE_MARGIN}")
    if population == 0:
        return 0
    rows = krejcie_morgan_rows()
    index = bisect.bisect_left(rows, (population, -1))
    _, sample = rows[min(index, len(rows) - 1)]
    return min(population, sample)


def slovin(population: int, *, margin: Decimal = DEFAULT_MARGIN) -> int:
    """n = N / (1 + N e2), rounded up."""
    _check_population(population, margin)
    n = _CONTEXT.divide(Decimal(population), 1 + population * margin * margin)
    return min(population, int(n.to_integral_value(rounding=ROUND_CEILING)))


def sample_size(
    population: int, *, method: SampleMethod = "krejcie-morgan", margin: Decimal = DEFAULT_MARGIN
) -> int:
    if method == "slovin":
        return slovin(population, margin=margin)
    if method == "krejcie-morgan":
        return krejcie_morgan(population, margin=margin)
    if method == "krejcie-morgan-table":
        return krejcie_morgan_table(population, margin=margin)
    raise ValueError(f"unknown sample method {method!r}")


def _check_population(population: int, margin: Decimal) -> None:
    if isinstance(population, bool) or not isinstance(population, int) or population < 0:
        raise ValueError("the population must be a whole number, 0 or more")
    if not isinstance(margin, Decimal) or not margin.is_finite() or not 0 < margin < 1:
        raise ValueError("the margin of error must be between 0 and 1, e.g. 0.05")
