"""The planner (zona/insight/planner.py) on the tiny framework and once on 90/2021: the plan of
each failing condition passes it with the fewest items, no step lowers the score, and what the
unit's items cannot close is said (with the survey index it needs)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zona.frameworks.schema import parse_framework
from zona.frameworks.scoring import (
    Answer,
    CompiledFramework,
    Penalty,
    compile_framework,
    round_half_up,
    score,
)
from zona.insight.planner import PathPlan, apply_steps, plan_path, survey_fed

ROOT = Path(__file__).resolve().parents[3]
TINY = compile_framework(
    parse_framework((ROOT / "zona/frameworks/tests/fixtures/tiny.yaml").read_text("utf-8"))
)
REAL = compile_framework(
    parse_framework((ROOT / "frameworks/permenpan-rb-90-2021.yaml").read_text("utf-8"))
)
D = Decimal


def _answer(fw: CompiledFramework, code: str) -> st.SearchStrategy[Any]:
    item = fw.items[code]
    if item.options:
        return st.sampled_from(list(item.options))
    if item.answer_type == "NUM4":
        return st.integers(0, 400).map(lambda n: D(n) / 100)
    assert item.formula is not None
    if item.formula.kind == "ratio":
        return st.integers(0, 12).flatmap(
            lambda d: st.integers(0, d).map(
                lambda n: {item.formula.denominator[0]: d, item.formula.numerator[0]: n}  # type: ignore[union-attr]
            )
        )
    return st.tuples(st.integers(0, 10), st.integers(0, 10)).map(
        lambda pc: {
            "violations_last_year": pc[0],
            "violations_this_year": pc[1],
            "sanctioned": pc[1],
        }
    )


def sheets(fw: CompiledFramework) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {}, optional={code: st.one_of(st.none(), _answer(fw, code)) for code in fw.items}
    )


penalty_lists = st.lists(
    st.one_of(
        st.sampled_from(["0.8", "0.9", "0.95"]).map(lambda f: Penalty("multiply", factor=D(f))),
        st.sampled_from(["1", "2.5"]).map(lambda p: Penalty("subtract", points=D(p))),
    ),
    max_size=2,
)


def _plan(
    fw: CompiledFramework, answers: dict[str, Any], target: str, penalties: list[Penalty]
) -> PathPlan:
    return plan_path(
        fw,
        answers,
        target=target,
        penalties=penalties,
        held_predicates=fw.prerequisites(target),
    )


def _condition(
    fw: CompiledFramework,
    answers: dict[str, Any],
    target: str,
    name: str,
    penalties: list[Penalty],
) -> bool:
    card = score(fw, answers, penalties=penalties, held_predicates=fw.prerequisites(target))
    return next(c.passed for c in card.verdicts[target].conditions if c.name == name)


def _best(fw: CompiledFramework, code: str) -> Answer:
    item = fw.items[code]
    if item.options:
        return max(item.options, key=lambda key: item.options[key])
    if item.answer_type == "NUM4":
        return D(4)
    assert item.formula is not None
    if item.formula.kind == "ratio":
        return {item.formula.denominator[0]: 1, item.formula.numerator[0]: 1}
    return {"violations_last_year": 1, "violations_this_year": 0, "sanctioned": 0}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=sheets(TINY), target=st.sampled_from(["wbk", "wbbm"]), penalties=penalty_lists)
def test_each_plan_passes_its_condition_with_the_fewest_items(
    answers: dict[str, Any], target: str, penalties: list[Penalty]
) -> None:
    plan = _plan(TINY, answers, target, penalties)
    unit_items = [code for code, item in TINY.items.items() if not survey_fed(item)]
    for condition in plan.failing:
        if condition.with_survey:
            # The unit's steps and the survey indices the plan names make it pass.
            after = apply_steps(answers, condition.steps)
            after.update({need.item: need.needed for need in condition.survey})
            assert _condition(TINY, after, target, condition.name, penalties)
            continue
        if not condition.reachable:
            # Even every item of the unit at its best does not make it pass.
            best = {**answers, **{code: _best(TINY, code) for code in unit_items}}
            assert not _condition(TINY, best, target, condition.name, penalties)
            for need in condition.survey:
                if need.needed is not None:
                    assert _condition(
                        TINY, {**best, need.item: need.needed}, target, condition.name, penalties
                    )
            continue
        assert condition.steps
        after = apply_steps(answers, condition.steps)
        assert _condition(TINY, after, target, condition.name, penalties)
        # No set of one item fewer, each at its best, makes it pass: the count is minimal.
        for fewer in itertools.combinations(unit_items, len(condition.steps) - 1):
            trial = {**answers, **{code: _best(TINY, code) for code in fewer}}
            assert not _condition(TINY, trial, target, condition.name, penalties)
    if plan.reachable:
        assert plan.projected.verdicts[target].passed
    for result in plan.projected.verdicts[target].conditions:
        planned = next(c for c in plan.conditions if c.name == result.name)
        assert result.passed or not planned.reachable


@settings(max_examples=80, deadline=None)
@given(answers=sheets(TINY), target=st.sampled_from(["wbk", "wbbm"]))
def test_no_suggestion_lowers_the_score(answers: dict[str, Any], target: str) -> None:
    plan = _plan(TINY, answers, target, [])
    before = plan.card.total_before_penalties
    for entry in plan.todo:
        step = entry.step
        assert step.value > (step.current_value or 0)
        assert step.points > 0
        alone = score(TINY, apply_steps(answers, [step]))
        # The points shown are what the step adds to the total.
        assert round_half_up(alone.total_before_penalties - before, 8) == round_half_up(
            step.points, 8
        )
        assert not survey_fed(TINY.items[step.item])
    assert plan.projected.total_before_penalties >= before
    points = [entry.step.points for entry in plan.todo]
    assert points == sorted(points, reverse=True)


def test_a_sheet_that_passes_has_nothing_to_do() -> None:
    answers = {code: _best(TINY, code) for code in TINY.items}
    plan = _plan(TINY, answers, "wbk", [])
    assert plan.passed
    assert plan.todo == ()
    assert all(c.passed and c.steps == () for c in plan.conditions)


def test_worked_example_of_docs() -> None:
    """The sheet of docs/scoring.md: three WBK conditions fail; two items make them pass."""
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
    plan = _plan(TINY, answers, "wbk", [])
    failing = {c.name: c for c in plan.failing}
    assert set(failing) == {"total", "pengungkit", "area_1"}
    # Area 1 (49.67% of 60%) needs 6.2 points of its 60: violations down from 4 to at most 1
    # (a 75% decrease) adds 7.5 alone.
    area = failing["area_1"]
    assert [(s.item, s.answer) for s in area.steps] == [
        (
            "A.r.m.1.b",
            {"violations_last_year": 4, "violations_this_year": 1, "sanctioned": 6},
        )
    ]
    assert area.steps[0].points == D("7.5")
    # The total (63.34 of 75) needs two: no item adds 11.66 alone.
    assert [s.item for s in failing["total"].steps] == ["A.r.m.1.b", "A.p.m.2.c"]
    todo = [(e.step.item, e.step.answer, round_half_up(e.step.points)) for e in plan.todo]
    assert todo == [
        (
            "A.r.m.1.b",
            {"violations_last_year": 4, "violations_this_year": 0, "sanctioned": 6},
            D("10.00"),
        ),
        ("A.p.m.2.c", "B", D("3.33")),
    ]
    assert plan.todo[0].conditions == ("total", "pengungkit", "area_1")
    assert plan.projected.verdicts["wbk"].passed
    assert round_half_up(plan.projected.total) == D("76.68")


def test_survey_indices_are_not_the_units_to_change() -> None:
    """IPAK below its bound: no item of the unit raises B.1.a; the plan names the index."""
    answers = {code: _best(TINY, code) for code in TINY.items}
    answers["B.1.a"] = D("3.2")  # 14 of 17.5: below 15.75
    plan = _plan(TINY, answers, "wbk", [])
    ipak = next(c for c in plan.conditions if c.name == "ipak")
    assert not ipak.passed
    assert not ipak.reachable
    assert ipak.blocked == "survey"
    assert ipak.steps == ()
    (need,) = ipak.survey
    assert (need.item, need.source, need.current, need.needed) == (
        "B.1.a",
        "ipak",
        D("3.2"),
        D("3.60"),
    )
    assert not plan.reachable


def test_koefisien_that_leave_no_room_are_said() -> None:
    plan = _plan(TINY, {}, "wbk", [Penalty("multiply", factor=D(0))])
    total = next(c for c in plan.conditions if c.name == "total")
    assert not total.reachable
    assert total.blocked in {"koefisien", "survey"}


def test_pct_suggestions_respect_the_count_bounds_of_90_2021() -> None:
    """An unanswered LHKPN ratio (the unit head counts at most 1) is stated over 100 filers;
    complaints still in process never exceed those to follow up, nor sanctions violations."""
    answers: dict[str, Any] = {
        "A.II.5.ii.a": {
            "complaints_to_follow_up": 10,
            "complaints_in_process": 9,
            "complaints_resolved": 1,
        },
        "A.II.3.iii.a": {"violations_last_year": 4, "violations_this_year": 3, "sanctioned": 3},
    }
    plan = _plan(REAL, answers, "wbk", [])
    steps = {s.item: s for c in plan.conditions for s in c.steps}
    steps.update({e.step.item: e.step for e in plan.todo})
    lhkpn = steps["A.II.5.iii.a"]
    assert isinstance(lhkpn.answer, dict)
    assert lhkpn.answer["head_of_unit"] <= 1
    assert (
        sum(lhkpn.answer[k] for k in ("head_of_unit", "officials_obliged", "others_obliged")) == 100
    )
    complaints = steps["A.II.5.ii.a"]
    assert isinstance(complaints.answer, dict)
    assert complaints.answer["complaints_resolved"] == 10
    # Fewer violations this year: those sanctioned never outnumber them.
    assert steps["A.II.3.iii.a"].answer == {
        "violations_last_year": 4,
        "violations_this_year": 0,
        "sanctioned": 0,
    }
    # Valid answers: the scorer takes every step.
    score(REAL, apply_steps(answers, [e.step for e in plan.todo]))


def test_an_empty_90_2021_sheet() -> None:
    """The real framework, once: an empty sheet fails every WBK condition; the to-do list
    closes all but the survey indices, whose needed values are named."""
    plan = _plan(REAL, {}, "wbk", [])
    assert all(not c.passed for c in plan.conditions)
    survey = {c.name: c for c in plan.conditions if c.blocked == "survey"}
    assert {"ipak", "ipkp", "total", "hasil_b1"} <= set(survey)
    assert survey["ipak"].survey[0].needed == D("3.60")
    assert survey["ipkp"].survey[0].needed == D("3.20")
    # The total counts on those indices: the unit's part is planned, not every item.
    assert survey["total"].with_survey
    assert len(plan.todo) == 47 < len(REAL.items)
    for name in ("pengungkit", "area_1", "area_6", "kinerja"):
        assert next(c for c in plan.conditions if c.name == name).reachable
    # With the to-do done and the indices the plan names, WBK passes.
    after = apply_steps({}, [e.step for e in plan.todo])
    after.update({"B.I.a": D("3.6"), "B.II.a": D("3.2")})
    card = score(REAL, after)
    assert card.verdicts["wbk"].passed


def test_unknown_target() -> None:
    with pytest.raises(KeyError):
        plan_path(TINY, {}, target="gold")
