"""The formulas of domain §3 on hand-checked cases."""

from decimal import Decimal
from fractions import Fraction

import pytest

from zona.surveys.indices import (
    ItemStat,
    ikm,
    ikm_grade,
    item_stats,
    krejcie_morgan,
    perception_index,
    rounded,
    sample_size,
    slovin,
)

SPAK_CODES = ["Q1", "Q2", "Q3", "Q4", "Q5"]


def test_item_means_use_only_those_who_answered():
    stats = item_stats(
        SPAK_CODES,
        [
            {"Q1": 6, "Q2": 5, "Q3": 6, "Q4": 4, "Q5": 6},
            {"Q1": 5, "Q2": 5, "Q3": 6, "Q5": 5},
            {"Q1": 4, "Q2": 6, "Q3": 6, "Q4": 5, "Q5": None},
        ],
    )
    assert stats["Q1"] == ItemStat("Q1", 15, 3)
    assert stats["Q4"] == ItemStat("Q4", 9, 2)
    assert stats["Q5"].mean == Decimal("5.5")
    assert stats["Q2"].mean_fraction == Fraction(16, 3)


def test_perception_index_is_mean_of_item_means_on_0_to_4():
    # Means 5, 16/3, 6, 4.5, 5.5 -> mean 79/15 -> x 4/6 = 158/45 = 3.5111...
    stats = [
        ItemStat("Q1", 15, 3),
        ItemStat("Q2", 16, 3),
        ItemStat("Q3", 18, 3),
        ItemStat("Q4", 9, 2),
        ItemStat("Q5", 11, 2),
    ]
    value = perception_index(stats, scale_max=6)
    assert value is not None
    assert rounded(value, 4) == Decimal("3.5111")
    assert str(value).startswith("3.5" + "1" * 30)  # exact to 40 digits, not a float


def test_perception_index_all_best_is_4_and_all_worst_is_a_sixth_of_4():
    assert perception_index([ItemStat("Q1", 60, 10)], scale_max=6) == 4
    worst = perception_index([ItemStat("Q1", 10, 10)], scale_max=6)
    assert worst is not None
    assert rounded(worst, 4) == Decimal("0.6667")


def test_items_nobody_answered_are_left_out_and_no_answers_give_none():
    stats = [ItemStat("Q1", 12, 2), ItemStat("Q2", 0, 0)]
    assert perception_index(stats, scale_max=6) == 4
    assert perception_index([ItemStat("Q1", 0, 0)], scale_max=6) is None
    assert ikm([]) is None


def test_ikm_hand_checked():
    # NRR 3.5 3 3.5 2.5 3 3.5 4 2.5 3 -> sum 28.5 -> x 1/9 x 25 = 79.1666...
    stats = item_stats(
        [f"Q{i}" for i in range(1, 10)],
        [
            dict(zip([f"Q{i}" for i in range(1, 10)], [3, 3, 4, 2, 3, 3, 4, 3, 3], strict=True)),
            dict(zip([f"Q{i}" for i in range(1, 10)], [4, 3, 3, 3, 3, 4, 4, 2, 3], strict=True)),
        ],
    )
    value = ikm(stats.values())
    assert value is not None
    assert rounded(value, 2) == Decimal("79.17")
    assert ikm_grade(value) == "B"


def test_ikm_is_25_to_100():
    assert ikm([ItemStat("Q1", 4, 4)]) == 25
    assert ikm([ItemStat("Q1", 16, 4)]) == 100


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.305", "A"),  # shown as 88.31
        ("88.30499", "B"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.605", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.995", "C"),
        ("64.99", "D"),
        ("25", "D"),
    ],
)
def test_ikm_grade_bands(value, grade):
    assert ikm_grade(Decimal(value)) == grade


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (10, 10),
        (50, 44),
        (100, 80),
        (200, 132),
        (500, 217),
        (1000, 278),
        (10000, 370),
        (100000, 383),
        (1000000, 384),
        # more rows of the published 1970 table
        (15, 14),
        (75, 63),
        (150, 108),
        (300, 169),
        (2000, 322),
        (5000, 357),
        (50000, 381),
    ],
)
def test_krejcie_morgan_reproduces_the_published_table(population, expected):
    assert krejcie_morgan(population) == expected
    assert sample_size(population) == expected


@pytest.mark.parametrize(
    ("population", "margin", "expected"),
    [
        (100, "0.05", 80),
        (1000, "0.05", 286),  # 285.71 rounded up
        (10000, "0.05", 385),  # 384.62 rounded up
        (1000, "0.1", 91),
        (1, "0.05", 1),
    ],
)
def test_slovin_rounds_up(population, margin, expected):
    assert slovin(population, margin=Decimal(margin)) == expected
    assert sample_size(population, method="slovin", margin=Decimal(margin)) == expected


def test_sample_size_edges():
    assert krejcie_morgan(0) == 0
    assert krejcie_morgan(1) == 1
    with pytest.raises(ValueError, match="population"):
        krejcie_morgan(-1)
    with pytest.raises(ValueError, match="margin"):
        slovin(100, margin=Decimal(0))
    with pytest.raises(ValueError, match="unknown sample method"):
        sample_size(100, method="guess")  # type: ignore[arg-type]
