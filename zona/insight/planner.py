"""Path to a predicate: which conditions of a target fail on a sheet, and the fewest item
improvements that would make each pass. Pure functions over the compiled framework (no ORM);
the rules are in docs/scoring.md ("Path to a predicate").

Scoring is linear in the item values: a node's score is a sum of item values, each times a
coefficient fixed by the framework (a sub-area's weight over its number of items, or a Hasil
item's own weight), and the koefisien turn the total into `total x factor - points`. So
an improvement of one item (a better option, or a PCT/index value raised) adds a known
amount to every condition, and each condition is one linear bound. For one condition the
smallest set of items is then exact: take the items by the most each can add (their best
option), largest first, until the gap is closed; no set with fewer items can close it, since
any k items add at most what the k largest add. Each chosen item is then lowered to the
least option that still closes the gap (smallest first), so the plan asks no more than
needed. That lowering is greedy (it may not find the cheapest mix of options), never the
count, which stays minimal.

The to-do list merges the plans of the failing conditions (per item the highest answer any
plan asks for), drops items the others make unnecessary, and is checked by scoring the sheet
with every step applied. Items fed by the unit's surveys (an index with a `source`, IPAK and
IPKP) are not the unit's to change: a condition they must close is stated with the index it
needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Literal, cast

from zona.frameworks.schema import TOTAL, LocalizedText
from zona.frameworks.scoring import (
    FOUR,
    HUNDRED,
    ONE,
    ZERO,
    Answer,
    CompiledFramework,
    CompiledItem,
    CompiledNode,
    Penalty,
    Scorecard,
    count_breaches,
    item_value,
    score,
)
from zona.frameworks.scoring.decimals import CONTEXT

# A condition passes when its value rounded half up to 2 decimals reaches the bound, i.e. when
# the unrounded value is at least bound - HALF_CENT.
HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")
# The counts a fresh PCT suggestion is stated over (an unanswered item: "70 of 100").
FRESH_BASE = 100

Blocked = Literal["", "survey", "koefisien", "predicate", "items"]


@dataclass(frozen=True, slots=True)
class Step:
    """One item improvement: from its current answer to `answer`, adding `points` to the total
    (before koefisien)."""

    item: str
    answer_type: str
    current: Answer | None
    current_value: Decimal | None
    answer: Answer
    value: Decimal
    points: Decimal

    @property
    def value_gain(self) -> Decimal:
        return self.value - (self.current_value or ZERO)


@dataclass(frozen=True, slots=True)
class SurveyNeed:
    """A survey index (IPAK, IPKP) a condition needs: the index (0..4, 2 decimals) that would
    close what the unit's own items cannot; None when even a perfect 4 would not."""

    item: str
    source: str
    current: Decimal | None
    needed: Decimal | None


@dataclass(frozen=True, slots=True)
class ConditionPlan:
    name: str
    title: LocalizedText | None
    measure: str
    value: Decimal | bool
    bound: Decimal | bool
    passed: bool
    gap: Decimal | None
    # The fewest item improvements that make this condition pass (empty when it passes).
    steps: tuple[Step, ...] = ()
    # Whether the unit's own items can make it pass (True when it passes).
    reachable: bool = True
    # Why not: the survey indices must rise, the koefisien leave no room, a predicate the unit
    # must hold first, or the items fall short even at their best.
    blocked: Blocked = ""
    survey: tuple[SurveyNeed, ...] = ()
    # The steps make it pass once the survey indices reach `survey[].needed` (else, when not
    # reachable, the steps are every item at its best and `needed` closes the rest).
    with_survey: bool = False


@dataclass(frozen=True, slots=True)
class TodoEntry:
    step: Step
    # The failing conditions of the target this improvement raises.
    conditions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PathPlan:
    target: str
    card: Scorecard
    conditions: tuple[ConditionPlan, ...]
    todo: tuple[TodoEntry, ...]
    # The sheet scored with every to-do step applied.
    projected: Scorecard

    @property
    def passed(self) -> bool:
        verdict = self.card.verdicts.get(self.target)
        return bool(verdict and verdict.passed)

    @property
    def failing(self) -> tuple[ConditionPlan, ...]:
        return tuple(c for c in self.conditions if not c.passed)

    @property
    def reachable(self) -> bool:
        """Whether the to-do list alone makes the target pass."""
        return all(c.reachable for c in self.conditions)

    @property
    def points(self) -> Decimal:
        return sum((entry.step.points for entry in self.todo), ZERO)


# --- the framework's coefficients ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Shape:
    # Item -> scored node -> what one unit of the item's value adds to the node's score.
    coefs: Mapping[str, Mapping[str, Decimal]]
    # Item -> its root node (the component whose score goes into the total).
    root: Mapping[str, str]


_shapes: dict[tuple[str, int, str], _Shape] = {}


def _shape(fw: CompiledFramework) -> _Shape:
    key = (fw.key, fw.version, fw.content_hash)
    shape = _shapes.get(key)
    if shape is not None:
        return shape
    coefs: dict[str, dict[str, Decimal]] = {}
    roots: dict[str, str] = {}
    with localcontext(CONTEXT):
        for code, item in fw.items.items():
            found: dict[str, Decimal] = {}
            child: CompiledNode = fw.nodes[code]
            # What the child's slot holds per unit of value: a weighted item's own score.
            carried = ONE
            if item.weight is not None:
                carried = item.weight
                found[code] = carried
            parent_code = child.parent
            while parent_code is not None:
                parent = fw.nodes[parent_code]
                assert parent.weight is not None
                if parent.aggregate == "mean":
                    # A mean reads its items' values (not their own scores).
                    kid = ONE if child.kind == "item" else carried
                    carried = kid * parent.weight / Decimal(len(parent.children))
                found[parent_code] = carried
                child, parent_code = parent, parent.parent
            coefs[code] = found
            roots[code] = child.code
    shape = _Shape(coefs=coefs, root=roots)
    _shapes[key] = shape
    return shape


def survey_fed(item: CompiledItem) -> bool:
    """An index the unit's surveys give (IPAK, IPKP): not the unit's to change."""
    return item.answer_type == "NUM4" and bool(item.source)


# --- one item's possible improvements -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    code: str
    item: CompiledItem
    current: Answer | None
    current_value: Decimal
    answered: bool
    # Better options as (value, answer), lowest first; empty for a PCT or index item.
    options: tuple[tuple[Decimal, Answer], ...]
    best: tuple[Decimal, Answer]
    order: int

    @property
    def max_gain(self) -> Decimal:
        return self.best[0] - self.current_value

    def at_least(self, value_gain: Decimal) -> tuple[Decimal, Answer]:
        """The least improvement whose value gain is at least `value_gain`."""
        if self.options:
            for value, answer in self.options:
                if value - self.current_value >= value_gain:
                    return value, answer
            return self.best
        wanted = min(ONE, self.current_value + value_gain)
        found = _continuous(self.item, self.current if self.answered else None, wanted)
        return found if found is not None else self.best


def _candidate(
    fw: CompiledFramework, code: str, answer: Answer | None, order: int
) -> _Candidate | None:
    item = fw.items[code]
    if survey_fed(item):
        return None
    current = item_value(item, answer)
    base = current if current is not None else ZERO
    options: tuple[tuple[Decimal, Answer], ...] = ()
    if item.options:
        better = sorted(
            ((value, key) for key, value in item.options.items() if value > base),
            key=lambda pair: pair[0],
        )
        if not better:
            return None
        options = tuple((value, cast(Answer, key)) for value, key in better)
        best = options[-1]
    else:
        if base >= ONE:
            return None
        found = _continuous(item, answer, ONE)
        if found is None or found[0] <= base:
            return None
        best = found
    return _Candidate(code, item, answer, base, answer is not None, options, best, order)


def _continuous(
    item: CompiledItem, current: Answer | None, wanted: Decimal
) -> tuple[Decimal, Answer] | None:
    """The least answer of a PCT or index item worth at least `wanted` (None if none is)."""
    if item.answer_type == "NUM4":
        with localcontext(CONTEXT):
            index = min(FOUR, (wanted * FOUR).quantize(CENT, rounding=ROUND_CEILING))
        return index / FOUR, index
    counts = _counts_for(item, current if isinstance(current, Mapping) else None, wanted)
    if counts is None:
        return None
    value = item_value(item, counts)
    assert value is not None
    return (value, counts) if value >= wanted else None


def _counts_for(
    item: CompiledItem, current: Mapping[str, int] | None, wanted: Decimal
) -> dict[str, int] | None:
    """Counts of a PCT item worth at least `wanted`, changing as little of the unit's counts
    as the formula allows (the numerator of a ratio, this year's count of a decrease)."""
    formula = item.formula
    if formula is None:
        return None
    counts: dict[str, int] = dict(current) if current else {}
    with localcontext(CONTEXT):
        if formula.kind == "ratio":
            base = sum(counts.get(k, 0) for k in formula.denominator) if current else 0
            if base == 0:
                # Unanswered (or nothing to count yet): stated over a base of 100.
                counts = dict.fromkeys(item.required_counts, 0)
                key = _roomy(item, formula.denominator)
                if key is None:
                    return None
                counts[key] = FRESH_BASE
                base = FRESH_BASE
            needed = min(base, math.ceil(wanted * base))
            have = sum(counts.get(k, 0) for k in formula.numerator)
            if needed > have:
                first = formula.numerator[0]
                counts[first] = counts.get(first, 0) + needed - have
        else:
            previous = counts.get(formula.previous) if current else None
            if previous is None:
                counts = dict.fromkeys(item.required_counts, 0)
                counts[formula.previous] = previous = FRESH_BASE
            allowed = 0 if previous == 0 else math.floor(previous * (ONE - wanted))
            counts[formula.current] = min(counts.get(formula.current, allowed), allowed)
    return _within_bounds(item, counts)


def _roomy(item: CompiledItem, keys: Iterable[str]) -> str | None:
    """The first of `keys` that may hold the fresh base (some counts are at most 1)."""
    limits = {rule.key: rule.max for rule in item.count_rules}
    for key in keys:
        limit = limits.get(key)
        if limit is None or limit >= FRESH_BASE:
            return key
    return None


def _within_bounds(item: CompiledItem, counts: dict[str, int]) -> dict[str, int] | None:
    """Counts the formula does not read (sanctioned, in process) are lowered to their bound;
    a breach of a count the formula reads means no such answer."""
    for _round in range(len(counts) + 1):
        breaches = count_breaches(item.count_rules, counts)
        if not breaches:
            return counts
        for breach in breaches:
            if breach.key in item.required_counts:
                return None
            counts[breach.key] = breach.bound
    return None


# --- conditions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Linear:
    """One condition as a linear bound: coef . values >= threshold."""

    name: str
    coefs: Mapping[str, Decimal]
    current: Decimal
    threshold: Decimal

    @property
    def need(self) -> Decimal:
        return self.threshold - self.current

    def met_by(self, gains: Mapping[str, Decimal]) -> bool:
        with localcontext(CONTEXT):
            added = sum((self.coefs.get(code, ZERO) * g for code, g in gains.items()), ZERO)
            return self.current + added >= self.threshold


def _penalty_terms(penalties: Iterable[Penalty]) -> tuple[Decimal, Decimal]:
    factor, points = ONE, ZERO
    for penalty in penalties:
        if penalty.kind == "multiply":
            assert penalty.factor is not None
            factor *= penalty.factor
        else:
            assert penalty.points is not None
            points += penalty.points
    return factor, points


def _linear(
    fw: CompiledFramework,
    shape: _Shape,
    card: Scorecard,
    condition_name: str,
    nodes: tuple[str, ...],
    measure: str,
    weight: Decimal,
    bound: Decimal,
    factor: Decimal,
    points: Decimal,
) -> _Linear:
    coefs: dict[str, Decimal] = {}
    with localcontext(CONTEXT):
        current = ZERO
        for node in nodes:
            if node == TOTAL:
                current += card.total_before_penalties * factor - points
            else:
                current += card.nodes[node].score
        for code, found in shape.coefs.items():
            coef = ZERO
            for node in nodes:
                if node == TOTAL:
                    coef += found[shape.root[code]] * factor
                else:
                    coef += found.get(node, ZERO)
            if coef:
                coefs[code] = coef
        if measure == "percent":
            scale = HUNDRED / weight if weight else ZERO
            current *= scale
            coefs = {code: coef * scale for code, coef in coefs.items() if coef * scale}
    return _Linear(condition_name, coefs, current, bound - HALF_CENT)


# --- the plan -----------------------------------------------------------------------------------


def plan_path(
    fw: CompiledFramework,
    answers: Mapping[str, Answer | None],
    *,
    target: str,
    penalties: Iterable[Penalty] = (),
    held_predicates: Set[str] = frozenset(),
) -> PathPlan:
    """The failing conditions of `target` on this sheet of (scoreable) answers, each with the
    fewest improvements that make it pass, and the to-do list that makes them all pass.
    Raises KeyError for a target the framework does not have, InvalidAnswers for a bad
    sheet."""
    predicate = next((p for p in fw.predicates if p.key == target), None)
    if predicate is None:
        raise KeyError(target)
    penalties = tuple(penalties)
    card = score(fw, answers, penalties=penalties, held_predicates=held_predicates)
    shape = _shape(fw)
    factor, points = _penalty_terms(penalties)
    candidates = {
        code: found
        for order, code in enumerate(fw.items)
        if (found := _candidate(fw, code, answers.get(code), order)) is not None
    }
    compiled = {c.name: c for c in predicate.conditions}

    results = card.verdicts[target].conditions
    linears: dict[str, _Linear] = {}
    for result in results:
        condition = compiled.get(result.name)
        if result.passed or condition is None:
            continue
        linears[condition.name] = _linear(
            fw,
            shape,
            card,
            condition.name,
            condition.nodes,
            condition.measure,
            condition.weight,
            condition.bound,
            factor,
            points,
        )
    floors = _survey_floors(fw, linears.values(), answers)

    plans: list[ConditionPlan] = []
    for result in results:
        base = ConditionPlan(
            name=result.name,
            title=result.title,
            measure=result.measure,
            value=result.value,
            bound=result.bound,
            passed=result.passed,
            gap=result.gap,
        )
        if result.passed:
            plans.append(base)
        elif result.name not in linears:
            # "Holds the required predicate": no answer changes that.
            plans.append(replace(base, reachable=False, blocked="predicate"))
        else:
            linear = linears[result.name]
            plans.append(_condition_plan(fw, base, linear, candidates, answers, factor, floors))

    todo = _todo(plans, linears, candidates)
    projected = score(
        fw,
        apply_steps(answers, (entry.step for entry in todo)),
        penalties=penalties,
        held_predicates=held_predicates,
    )
    todo, projected = _close_rounding_gaps(
        fw, target, todo, plans, linears, candidates, answers, penalties, held_predicates, projected
    )
    return PathPlan(
        target=target,
        card=card,
        conditions=tuple(plans),
        todo=_ranked(todo, linears),
        projected=projected,
    )


def _condition_plan(
    fw: CompiledFramework,
    base: ConditionPlan,
    linear: _Linear,
    candidates: Mapping[str, _Candidate],
    answers: Mapping[str, Answer | None],
    factor: Decimal,
    floors: Mapping[str, Decimal],
) -> ConditionPlan:
    plan = _fewest(fw, base, linear, linear.need, candidates)
    if plan is not None:
        return plan
    # Not with the survey indices as they are. With each index at what the target's own
    # condition on it asks (IPAK >= 3.60 for WBK), the unit's part may still be planned.
    assumed = ZERO
    needs: list[SurveyNeed] = []
    with localcontext(CONTEXT):
        for code, floor in floors.items():
            coef = linear.coefs.get(code, ZERO)
            if coef <= ZERO:
                continue
            assumed += coef * (floor - _value(fw, code, answers))
            needs.append(_survey_need(fw, code, answers, floor))
    if needs:
        plan = _fewest(fw, base, linear, linear.need - assumed, candidates)
        if plan is not None:
            return replace(
                plan, reachable=False, blocked="survey", survey=tuple(needs), with_survey=True
            )
    # Not even so: every item of the unit at its best, and the index that closes the rest.
    pool = [c for code, c in candidates.items() if linear.coefs.get(code, ZERO) > ZERO]
    with localcontext(CONTEXT):
        reached = sum((linear.coefs[c.code] * c.max_gain for c in pool), ZERO)
    steps = tuple(_step(fw, c, c.best) for c in pool)
    survey = _survey_needs(fw, linear, linear.need - reached, answers)
    if survey:
        blocked: Blocked = "survey"
    elif factor == ZERO and TOTAL in _nodes_of(fw, base.name):
        blocked = "koefisien"
    else:
        blocked = "items"
    return replace(base, steps=steps, reachable=False, blocked=blocked, survey=survey)


def _fewest(
    fw: CompiledFramework,
    base: ConditionPlan,
    linear: _Linear,
    need: Decimal,
    candidates: Mapping[str, _Candidate],
) -> ConditionPlan | None:
    """The fewest items that add `need` to the condition (None when all of them cannot)."""
    pool = sorted(
        (
            (linear.coefs[code] * c.max_gain, c)
            for code, c in candidates.items()
            if linear.coefs.get(code, ZERO) > ZERO
        ),
        key=lambda pair: (-pair[0], len(pair[1].options), pair[1].order),
    )
    chosen: list[tuple[Decimal, _Candidate]] = []
    reached = ZERO
    with localcontext(CONTEXT):
        for gain, candidate in pool:
            if reached >= need:
                break
            chosen.append((gain, candidate))
            reached += gain
        if reached < need:
            return None
        # Lower each chosen item (smallest gain first) to the least option that still closes
        # the gap; the count stays minimal, the options ask no more than needed.
        slack = reached - need
        steps_rev: list[Step] = []
        for gain, candidate in reversed(chosen):
            coef = linear.coefs[candidate.code]
            wanted = (gain - slack) / coef
            value, answer = candidate.at_least(wanted)
            slack -= gain - coef * (value - candidate.current_value)
            steps_rev.append(_step(fw, candidate, (value, answer)))
    return replace(base, steps=tuple(reversed(steps_rev)))


def _value(fw: CompiledFramework, code: str, answers: Mapping[str, Answer | None]) -> Decimal:
    found = item_value(fw.items[code], answers.get(code))
    return found if found is not None else ZERO


def _survey_floors(
    fw: CompiledFramework, linears: Iterable[_Linear], answers: Mapping[str, Answer | None]
) -> dict[str, Decimal]:
    """Survey index -> the value the target's conditions on that index alone ask of it
    (a condition whose only item is the index), as reported: 2 decimals, rounded up."""
    floors: dict[str, Decimal] = {}
    for linear in linears:
        positive = [code for code, coef in linear.coefs.items() if coef > ZERO]
        if len(positive) != 1 or not survey_fed(fw.items[positive[0]]):
            continue
        code = positive[0]
        with localcontext(CONTEXT):
            wanted = _value(fw, code, answers) + linear.need / linear.coefs[code]
            index = (wanted * FOUR).quantize(CENT, rounding=ROUND_CEILING)
        if index <= FOUR:
            floors[code] = max(floors.get(code, ZERO), index / FOUR)
    return floors


def _survey_need(
    fw: CompiledFramework, code: str, answers: Mapping[str, Answer | None], value: Decimal
) -> SurveyNeed:
    answer = answers.get(code)
    return SurveyNeed(
        item=code,
        source=fw.items[code].source or "",
        current=Decimal(str(answer)) if answer is not None else None,
        needed=value * FOUR,
    )


def _nodes_of(fw: CompiledFramework, name: str) -> tuple[str, ...]:
    for predicate in fw.predicates:
        for condition in predicate.conditions:
            if condition.name == name:
                return condition.nodes
    return ()


def _survey_needs(
    fw: CompiledFramework,
    linear: _Linear,
    missing: Decimal,
    answers: Mapping[str, Answer | None],
) -> tuple[SurveyNeed, ...]:
    """For each survey index in the condition: the index that alone would close `missing`
    (what the unit's items leave open at their best)."""
    needs: list[SurveyNeed] = []
    for code, item in fw.items.items():
        coef = linear.coefs.get(code, ZERO)
        if not survey_fed(item) or coef <= ZERO:
            continue
        current = item_value(item, answers.get(code))
        base = current if current is not None else ZERO
        with localcontext(CONTEXT):
            wanted = base + missing / coef
            index = (wanted * FOUR).quantize(CENT, rounding=ROUND_CEILING)
        answer = answers.get(code)
        needs.append(
            SurveyNeed(
                item=code,
                source=item.source or "",
                current=Decimal(str(answer)) if answer is not None else None,
                needed=index if index <= FOUR else None,
            )
        )
    return tuple(needs)


def _step(fw: CompiledFramework, candidate: _Candidate, to: tuple[Decimal, Answer]) -> Step:
    shape = _shape(fw)
    coef = shape.coefs[candidate.code][shape.root[candidate.code]]
    value, answer = to
    with localcontext(CONTEXT):
        points = coef * (value - candidate.current_value)
    return Step(
        item=candidate.code,
        answer_type=candidate.item.answer_type,
        current=candidate.current,
        current_value=item_value(candidate.item, candidate.current),
        answer=answer,
        value=value,
        points=points,
    )


def _todo(
    plans: list[ConditionPlan],
    linears: Mapping[str, _Linear],
    candidates: Mapping[str, _Candidate],
) -> list[TodoEntry]:
    """The union of the conditions' plans (per item the highest answer asked for), without the
    items the others make unnecessary."""
    merged: dict[str, Step] = {}
    for plan in plans:
        for step in plan.steps:
            have = merged.get(step.item)
            if have is None or step.value > have.value:
                merged[step.item] = step
    # The unreachable conditions keep every item that raises them.
    keep = {step.item for plan in plans if not plan.reachable for step in plan.steps}
    reachable = [linears[p.name] for p in plans if p.reachable and p.name in linears]
    for code in sorted(merged, key=lambda c: (merged[c].points, -candidates[c].order)):
        if code in keep:
            continue
        trial = {c: s.value_gain for c, s in merged.items() if c != code}
        if all(linear.met_by(trial) for linear in reachable):
            del merged[code]
    return [TodoEntry(step, ()) for step in merged.values()]


def _close_rounding_gaps(
    fw: CompiledFramework,
    target: str,
    todo: list[TodoEntry],
    plans: list[ConditionPlan],
    linears: Mapping[str, _Linear],
    candidates: Mapping[str, _Candidate],
    answers: Mapping[str, Answer | None],
    penalties: tuple[Penalty, ...],
    held: Set[str],
    projected: Scorecard,
) -> tuple[list[TodoEntry], Scorecard]:
    """The scored check of the plan: should the division noise of a third leave a reachable
    condition a hair short, raise one more item to its best until it passes."""
    reachable = {p.name for p in plans if p.reachable and not p.passed}
    steps = {entry.step.item: entry.step for entry in todo}
    for _attempt in range(len(candidates)):
        short = [
            c.name
            for c in projected.verdicts[target].conditions
            if c.name in reachable and not c.passed
        ]
        if not short:
            break
        linear = linears[short[0]]
        options = [
            c
            for code, c in candidates.items()
            if linear.coefs.get(code, ZERO) > ZERO
            and (code not in steps or steps[code].value < c.best[0])
        ]
        if not options:
            break
        pick = max(options, key=lambda c: linear.coefs[c.code] * c.max_gain)
        steps[pick.code] = _step(fw, pick, pick.best)
        projected = score(
            fw, apply_steps(answers, steps.values()), penalties=penalties, held_predicates=held
        )
    return [TodoEntry(step, ()) for step in steps.values()], projected


def _ranked(todo: list[TodoEntry], linears: Mapping[str, _Linear]) -> tuple[TodoEntry, ...]:
    """Most points first; each with the failing conditions it raises."""
    ordered = sorted(todo, key=lambda entry: -entry.step.points)
    return tuple(
        TodoEntry(
            entry.step,
            tuple(
                name
                for name, linear in linears.items()
                if linear.coefs.get(entry.step.item, ZERO) > ZERO
            ),
        )
        for entry in ordered
    )


def apply_steps(
    answers: Mapping[str, Answer | None], steps: Iterable[Step]
) -> dict[str, Answer | None]:
    """The sheet with the steps' answers in place of the current ones."""
    result = dict(answers)
    for step in steps:
        result[step.item] = step.answer
    return result
