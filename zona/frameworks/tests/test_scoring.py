"""Scoring rules on the tiny framework: item values, nodes, total, penalties, verdicts."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zona.frameworks.schema import parse_framework
from zona.frameworks.scoring import (
    CompiledFramework,
    CompiledItem,
    InvalidAnswers,
    Penalty,
    apply_penalties,
    compile_framework,
    effective_answers,
    evaluate_predicates,
    item_value,
    round_half_up,
    score,
    score_layers,
    validate_answers,
)

from .conftest import TINY_TEXT

D = Decimal


def best_answers(fw: CompiledFramework) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for code, item in fw.items.items():
        if item.options:
            answers[code] = next(iter(item.options))
        elif item.answer_type == "NUM4":
            answers[code] = D(4)
        else:
            assert item.formula is not None
            if item.formula.kind == "ratio":
                answers[code] = dict.fromkeys(item.required_counts, 5)
            else:
                answers[code] = {item.formula.previous: 3, item.formula.current: 0}
    return answers


# --- item values ----------------------------------------------------------------------------

ITEM_VALUES: list[tuple[str, Any, Decimal | None]] = [
    # YN
    ("A.p.m.1.a", "Ya", D(1)),
    ("A.p.m.1.a", "Tidak", D(0)),
    ("A.p.m.1.a", None, None),
    # ABC
    ("A.p.m.1.b", "A", D(1)),
    ("A.p.m.1.b", "B", D("0.5")),
    ("A.p.m.1.b", "C", D(0)),
    # ABCD (values written on the item)
    ("A.p.m.2.a", "A", D(1)),
    ("A.p.m.2.a", "B", D("0.67")),
    ("A.p.m.2.a", "C", D("0.33")),
    ("A.p.m.2.a", "D", D(0)),
    # ABCDE (values from the option set)
    ("A.p.m.2.b", "A", D(1)),
    ("A.p.m.2.b", "B", D("0.75")),
    ("A.p.m.2.b", "C", D("0.5")),
    ("A.p.m.2.b", "D", D("0.25")),
    ("A.p.m.2.b", "E", D(0)),
    # PCT ratio: changes_made / change_agents, at most 1, 1 when nobody is counted
    ("A.r.m.1.a", {"change_agents": 10, "changes_made": 7}, D("0.7")),
    ("A.r.m.1.a", {"change_agents": 3, "changes_made": 1}, D("0." + "3" * 40)),
    ("A.r.m.1.a", {"change_agents": 4, "changes_made": 9}, D(1)),
    ("A.r.m.1.a", {"change_agents": 0, "changes_made": 0}, D(1)),
    ("A.r.m.1.a", {"change_agents": 0, "changes_made": 2}, D(1)),
    ("A.r.m.1.a", {"change_agents": 5, "changes_made": 0}, D(0)),
    # PCT decrease: (last - this) / last, floored at 0
    ("A.r.m.1.b", {"violations_last_year": 10, "violations_this_year": 4}, D("0.6")),
    ("A.r.m.1.b", {"violations_last_year": 10, "violations_this_year": 10}, D(0)),
    ("A.r.m.1.b", {"violations_last_year": 4, "violations_this_year": 6}, D(0)),  # rising
    ("A.r.m.1.b", {"violations_last_year": 0, "violations_this_year": 0}, D(1)),
    ("A.r.m.1.b", {"violations_last_year": 0, "violations_this_year": 1}, D(0)),
    (
        "A.r.m.1.b",
        {"violations_last_year": 5, "violations_this_year": 0, "sanctioned": 2},
        D(1),
    ),
    # NUM4 items score the index over four.
    ("B.1.a", D(0), D(0)),
    ("B.1.a", D(4), D(1)),
    ("B.1.a", 4, D(1)),
    ("B.1.a", D("3.61"), D("0.9025")),
    ("B.1.a", D("0.01"), D("0.0025")),
]


@pytest.mark.parametrize(("code", "answer", "expected"), ITEM_VALUES)
def test_item_value(tiny: CompiledFramework, code: str, answer: Any, expected: Any) -> None:
    assert item_value(tiny.items[code], answer) == expected


INVALID: list[tuple[str, Any, str]] = [
    ("A.p.m.1.a", "A", "invalid_option"),
    ("A.p.m.1.a", "ya", "invalid_option"),
    ("A.p.m.1.b", "D", "invalid_option"),
    ("A.p.m.2.a", "E", "invalid_option"),
    ("A.p.m.2.b", "F", "invalid_option"),
    ("A.p.m.2.b", 1, "invalid_option"),
    ("B.1.a", D("4.01"), "invalid_index"),
    ("B.1.a", D("-0.01"), "invalid_index"),
    ("B.1.a", "3.5", "invalid_index"),
    ("B.1.a", True, "invalid_index"),
    ("B.1.a", D("NaN"), "invalid_index"),
    ("A.r.m.1.a", {"change_agents": -1, "changes_made": 0}, "invalid_count"),
    ("A.r.m.1.a", {"change_agents": D("2.5"), "changes_made": 0}, "invalid_count"),
    ("A.r.m.1.a", {"change_agents": True, "changes_made": 0}, "invalid_count"),
    ("A.r.m.1.a", {"change_agents": 1, "changes_made": 0, "agents": 1}, "unknown_count"),
    ("A.r.m.1.a", {"change_agents": 1}, "missing_count"),
    ("A.r.m.1.a", "A", "invalid_counts"),
]


@pytest.mark.parametrize(("code", "answer", "problem"), INVALID)
def test_invalid_answer(tiny: CompiledFramework, code: str, answer: Any, problem: str) -> None:
    problems = validate_answers(tiny, {code: answer})
    assert [(p.code, p.item) for p in problems] == [(problem, code)]
    with pytest.raises(InvalidAnswers):
        item_value(tiny.items[code], answer)
    with pytest.raises(InvalidAnswers) as caught:
        score(tiny, {code: answer})
    assert caught.value.answer_problems == problems
    assert caught.value.problems[0].as_dict()["field"] == code


def test_unknown_codes_and_groups_are_rejected(tiny: CompiledFramework) -> None:
    problems = validate_answers(tiny, {"A.I.1.i.z": "A", "A.p.m.1": "A", "A.p.m.1.a": "Ya"})
    assert [(p.code, p.item) for p in problems] == [
        ("unknown_item", "A.I.1.i.z"),
        ("unknown_item", "A.p.m.1"),
    ]
    assert "group" in problems[1].message


def test_every_problem_of_a_sheet_is_listed(tiny: CompiledFramework) -> None:
    answers: dict[str, Any] = {
        "A.p.m.1.a": "A",
        "B.1.a": 5,
        "nope": "A",
        "A.r.m.1.a": {"change_agents": -1, "changes_made": D("0.5")},
    }
    with pytest.raises(InvalidAnswers) as caught:
        score(tiny, answers)
    assert [(p.item, p.code) for p in caught.value.answer_problems] == [
        ("A.p.m.1.a", "invalid_option"),
        ("B.1.a", "invalid_index"),
        ("nope", "unknown_item"),
        ("A.r.m.1.a", "invalid_count"),
        ("A.r.m.1.a", "invalid_count"),
    ]


def test_explicit_none_answers_are_unanswered(tiny: CompiledFramework) -> None:
    card = score(tiny, {"A.p.m.1.a": None, "A.p.m.1.b": "A"})
    assert card.items["A.p.m.1.a"] is None
    assert card.nodes["A.p.m.1"].score == D(5)


# --- nodes and total ------------------------------------------------------------------------


def test_all_best_answers_give_100(tiny: CompiledFramework) -> None:
    card = score(tiny, best_answers(tiny), held_predicates={"wbk"})
    assert card.total == card.total_before_penalties == D(100)
    for code, node in card.nodes.items():
        assert node.score == node.weight, code
        assert node.percent == D(100), code
    assert card.verdicts["wbk"].passed
    assert card.verdicts["wbbm"].passed


def test_wbbm_needs_wbk_held(tiny: CompiledFramework) -> None:
    card = score(tiny, best_answers(tiny))
    assert card.verdicts["wbk"].passed
    wbbm = card.verdicts["wbbm"]
    assert not wbbm.passed
    held = wbbm.conditions[0]
    assert (held.name, held.value, held.bound, held.passed, held.gap) == (
        "held_wbk",
        False,
        True,
        False,
        None,
    )
    assert all(c.passed for c in wbbm.conditions[1:])


def test_all_empty_gives_0(tiny: CompiledFramework) -> None:
    card = score(tiny, {})
    assert card.total == 0
    assert all(node.score == 0 for node in card.nodes.values())
    assert all(value is None for value in card.items.values())
    assert not card.verdicts["wbk"].passed
    total = card.verdicts["wbk"].conditions[0]
    assert (total.value, total.bound, total.gap) == (D("0.00"), D(75), D("75.00"))


def test_unanswered_items_count_in_the_mean(tiny: CompiledFramework) -> None:
    # A.p.m.2 (weight 20) has three items; one answer A gives 1/3 of 20.
    card = score(tiny, {"A.p.m.2.a": "A"})
    assert round_half_up(card.nodes["A.p.m.2"].score) == D("6.67")


def test_scored_nodes_are_groups_and_hasil_items(tiny: CompiledFramework) -> None:
    card = score(tiny, {})
    assert list(card.nodes) == [
        "A",
        "A.p",
        "A.p.m",
        "A.p.m.1",
        "A.p.m.2",
        "A.r",
        "A.r.m",
        "A.r.m.1",
        "A.r.m.2",
        "B",
        "B.1",
        "B.1.a",
        "B.1.b",
        "B.2",
        "B.2.a",
    ]


def test_worked_example_of_docs_scoring_md(tiny: CompiledFramework) -> None:
    """The example in docs/scoring.md, number for number."""
    answers: dict[str, Any] = {
        "A.p.m.1.a": "Ya",
        "A.p.m.1.b": "B",
        "A.p.m.2.a": "B",
        "A.p.m.2.b": "C",
        "A.r.m.1.a": {"change_agents": 10, "changes_made": 7},
        "A.r.m.1.b": {"violations_last_year": 4, "violations_this_year": 6, "sanctioned": 6},
        "A.r.m.2.a": "B",
        "B.1.a": D("3.61"),
        "B.1.b": "B",
        "B.2.a": D("3.2"),
    }
    card = score(
        tiny, answers, penalties=[Penalty(kind="multiply", factor=D("0.9"))], held_predicates=set()
    )
    shown = card.as_dict()
    scores = {code: node["score"] for code, node in shown["nodes"].items()}
    assert scores == {
        "A": D("29.80"),
        "A.p": D("15.30"),
        "A.p.m": D("15.30"),
        "A.p.m.1": D("7.50"),
        "A.p.m.2": D("7.80"),
        "A.r": D("14.50"),
        "A.r.m": D("14.50"),
        "A.r.m.1": D("7.00"),
        "A.r.m.2": D("7.50"),
        "B": D("33.54"),
        "B.1": D("19.54"),
        "B.1.a": D("15.79"),
        "B.1.b": D("3.75"),
        "B.2": D("14.00"),
        "B.2.a": D("14.00"),
    }
    assert card.total_before_penalties == D("63.34375")
    assert shown["total_before_penalties"] == D("63.34")
    assert shown["total"] == D("57.01")  # 63.34375 x 0.9 = 57.009375
    assert shown["nodes"]["A.p.m.2"]["percent"] == D("39.00")
    assert shown["items"]["A.r.m.1.b"] == {"value": D("0.0000")}
    assert shown["items"]["A.p.m.2.c"] == {"value": None}
    wbk = {c["name"]: c for c in shown["verdicts"]["wbk"]["conditions"]}
    assert wbk["area_1"] == {
        "name": "area_1",
        "value": D("49.67"),
        "bound": D(60),
        "passed": False,
        "gap": D("10.33"),
    }
    assert wbk["ipak"]["passed"]
    assert wbk["ipak"]["gap"] == 0
    assert wbk["total"]["value"] == D("57.01")
    assert wbk["total"]["gap"] == D("17.99")
    assert not shown["verdicts"]["wbk"]["passed"]


# --- penalties --------------------------------------------------------------------------------

PENALTIES: list[tuple[str, list[Penalty], str]] = [
    ("none", [], "80"),
    ("multiply", [Penalty(kind="multiply", factor=D("0.9"))], "72.0"),
    ("subtract", [Penalty(kind="subtract", points=D("2.5"))], "77.5"),
    # Factors first, then points, whatever the recorded order.
    (
        "both",
        [Penalty(kind="subtract", points=D(2)), Penalty(kind="multiply", factor=D("0.5"))],
        "38.0",
    ),
    ("never below 0", [Penalty(kind="subtract", points=D(95))], "0"),
    ("factor 0", [Penalty(kind="multiply", factor=D(0))], "0"),
    (
        "two factors",
        [Penalty(kind="multiply", factor=D("0.9")), Penalty(kind="multiply", factor=D("0.5"))],
        "36.00",
    ),
]


@pytest.mark.parametrize(
    ("penalties", "expected"), [c[1:] for c in PENALTIES], ids=[c[0] for c in PENALTIES]
)
def test_apply_penalties(penalties: list[Penalty], expected: str) -> None:
    assert apply_penalties(D(80), penalties) == D(expected)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "multiply", "factor": D("1.1")},
        {"kind": "multiply", "factor": D("-0.1")},
        {"kind": "multiply"},
        {"kind": "subtract", "points": D(-1)},
        {"kind": "subtract", "factor": D("0.5")},
        {"kind": "divide", "factor": D("0.5")},
    ],
)
def test_invalid_penalties(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="penalty"):
        Penalty(**kwargs)


def test_verdict_uses_the_reduced_total(tiny: CompiledFramework) -> None:
    card = score(tiny, best_answers(tiny), penalties=[Penalty(kind="multiply", factor=D("0.74"))])
    assert card.total_before_penalties == D(100)
    assert card.total == D("74.00")
    assert card.nodes["A"].score == D(60)  # penalties touch only the total
    total = card.verdicts["wbk"].conditions[0]
    assert (total.value, total.passed, total.gap) == (D("74.00"), False, D("1.00"))


# --- predicate thresholds ---------------------------------------------------------------------


def _node_scores(tiny: CompiledFramework, **overrides: str) -> dict[str, Decimal]:
    scores = {code: tiny.nodes[code].weight or D(0) for code in tiny.scored}
    scores.update({code.replace("_", "."): D(v) for code, v in overrides.items()})
    return scores


THRESHOLDS: list[tuple[str, str, str, bool, str]] = [
    # condition, node (as keyword), score, passed, gap
    ("ipak", "B_1_a", "15.75", True, "0"),
    ("ipak", "B_1_a", "15.74", False, "0.01"),
    # Compared after rounding half up to 2 decimals.
    ("ipak", "B_1_a", "15.745", True, "0"),
    ("ipak", "B_1_a", "15.7449", False, "0.01"),
    ("kinerja", "B_1_b", "2.50", True, "0"),
    ("kinerja", "B_1_b", "2.49", False, "0.01"),
    ("hasil_b1", "B_1", "18.25", True, "0"),
    ("hasil_b1", "B_1", "18.24", False, "0.01"),
    ("pengungkit", "A", "40", True, "0"),
    ("pengungkit", "A", "39.99", False, "0.01"),
]


@pytest.mark.parametrize(("name", "node", "value", "passed", "gap"), THRESHOLDS)
def test_threshold_on_the_bound_and_just_below(
    tiny: CompiledFramework, name: str, node: str, value: str, passed: bool, gap: str
) -> None:
    verdicts = evaluate_predicates(
        tiny, node_scores=_node_scores(tiny, **{node: value}), total=D(100)
    )
    condition = next(c for c in verdicts["wbk"].conditions if c.name == name)
    assert (condition.passed, condition.gap) == (passed, D(gap))
    assert verdicts["wbk"].passed is passed


@pytest.mark.parametrize(
    ("total", "passed", "gap"),
    [
        ("75", True, "0"),
        ("74.99", False, "0.01"),
        ("74.995", True, "0"),
        ("74.9949", False, "0.01"),
    ],
)
def test_total_threshold(tiny: CompiledFramework, total: str, passed: bool, gap: str) -> None:
    verdicts = evaluate_predicates(tiny, node_scores=_node_scores(tiny), total=D(total))
    condition = verdicts["wbk"].conditions[0]
    assert (condition.name, condition.passed, condition.gap) == ("total", passed, D(gap))


@pytest.mark.parametrize(
    ("a_i_1", "a_ii_1", "percent", "passed", "gap"),
    [
        ("18", "18", "60.00", True, "0"),  # 36 of 60 = 60%
        ("18", "17.99", "59.98", False, "0.02"),
        ("17.997", "18", "60.00", True, "0"),  # 59.995% rounds up to 60.00
    ],
)
def test_area_condition_is_a_share_of_both_parts(
    tiny: CompiledFramework, a_i_1: str, a_ii_1: str, percent: str, passed: bool, gap: str
) -> None:
    scores = _node_scores(tiny, A_p_m=a_i_1, A_r_m=a_ii_1)
    verdicts = evaluate_predicates(tiny, node_scores=scores, total=D(100))
    area = next(c for c in verdicts["wbk"].conditions if c.name == "area_1")
    assert (area.value, area.passed, area.gap) == (D(percent), passed, D(gap))


def test_rounding_is_half_up_after_division_noise() -> None:
    assert round_half_up(D("0.125")) == D("0.13")
    assert round_half_up(D("0.1249999999999999999999999999")) == D("0.13")
    assert round_half_up(D("0.124999")) == D("0.12")
    assert round_half_up(D("2") / D("3"), 4) == D("0.6667")
    assert round_half_up(D("-0.005")) == D("-0.01")


# --- layers -----------------------------------------------------------------------------------


def test_effective_answers_take_the_highest_tier_that_answered() -> None:
    unit = {"a": "A", "b": "B", "c": "C"}
    kanwil = {"a": "B", "b": None}
    tpi = {"c": "A", "d": "Ya"}
    assert effective_answers([unit, kanwil, tpi]) == {"a": "B", "b": "B", "c": "A", "d": "Ya"}
    assert effective_answers([]) == {}


def test_score_layers(tiny: CompiledFramework) -> None:
    scored = score_layers(
        tiny,
        [("unit", {"A.p.m.1.a": "Ya", "A.p.m.1.b": "A"}), ("tpi", {"A.p.m.1.b": "C"})],
    )
    assert scored.layers["unit"].nodes["A.p.m.1"].score == D(10)
    assert scored.layers["tpi"].nodes["A.p.m.1"].score == D(0)
    assert scored.effective.nodes["A.p.m.1"].score == D(5)


# --- properties -------------------------------------------------------------------------------


def answer_strategy(item: CompiledItem) -> st.SearchStrategy[Any]:
    if item.options:
        return st.sampled_from(list(item.options))
    if item.answer_type == "NUM4":
        return st.decimals(min_value=0, max_value=4, places=2)
    return st.fixed_dictionaries(
        {key: st.integers(min_value=0, max_value=40) for key in item.required_counts}
    )


@st.composite
def sheets(draw: st.DrawFn, fw: CompiledFramework) -> dict[str, Any]:
    return {
        code: draw(st.none() | answer_strategy(item))
        for code, item in fw.items.items()
        if draw(st.booleans())
    }


# Hypothesis strategies are built at import time, before fixtures exist.
TINY = compile_framework(parse_framework(TINY_TEXT))


@settings(max_examples=300, deadline=None)
@given(sheet=sheets(TINY), code=st.sampled_from(list(TINY.items)), data=st.data())
def test_improving_an_answer_never_lowers_any_score(
    sheet: dict[str, Any], code: str, data: st.DataObject
) -> None:
    item = TINY.items[code]
    better = data.draw(answer_strategy(item))
    old_value = item_value(item, sheet.get(code)) or D(0)
    assume(item_value(item, better) is not None)
    new_value = item_value(item, better)
    assert new_value is not None
    assume(new_value >= old_value)
    before = score(TINY, sheet)
    after = score(TINY, {**sheet, code: better})
    for node, result in after.nodes.items():
        assert result.score >= before.nodes[node].score, node
    assert after.total >= before.total


@settings(max_examples=300, deadline=None)
@given(
    sheet=sheets(TINY),
    factor=st.decimals(min_value=0, max_value=1, places=2),
    points=st.decimals(min_value=0, max_value=120, places=2),
)
def test_scores_stay_within_bounds(sheet: dict[str, Any], factor: Decimal, points: Decimal) -> None:
    card = score(
        TINY,
        sheet,
        penalties=[
            Penalty(kind="multiply", factor=factor),
            Penalty(kind="subtract", points=points),
        ],
    )
    for code, node in card.nodes.items():
        assert D(0) <= node.score <= node.weight, code
    for value in card.items.values():
        assert value is None or D(0) <= value <= D(1)
    with localcontext(prec=40):  # the engine's precision
        assert card.total_before_penalties == card.nodes["A"].score + card.nodes["B"].score
        assert card.nodes["A"].score == card.nodes["A.p"].score + card.nodes["A.r"].score
    assert D(0) <= card.total <= card.total_before_penalties <= D(100)
