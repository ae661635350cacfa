"""Koefisien (penalties) on the total, and the verdicts of the framework's predicates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import Literal, NamedTuple

from zona.frameworks.schema import TOTAL, LocalizedText
from zona.frameworks.scoring.decimals import CONTEXT, HUNDRED, ONE, QUANTA, SNAP, ZERO
from zona.frameworks.scoring.plan import CompiledFramework

PenaltyKind = Literal["multiply", "subtract"]


@dataclass(frozen=True, slots=True)
class Penalty:
    """A koefisien: multiply the total by `factor` (0..1) or subtract `points` (>= 0)."""

    kind: PenaltyKind
    factor: Decimal | None = None
    points: Decimal | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind == "multiply":
            if self.factor is None or not ZERO <= self.factor <= ONE or self.points is not None:
                raise ValueError("a multiply penalty needs a factor from 0 to 1")
        elif self.kind == "subtract":
            if self.points is None or self.points < ZERO or self.factor is not None:
                raise ValueError("a subtract penalty needs points >= 0")
        else:
            raise ValueError(f"unknown penalty kind {self.kind!r}")


def apply_penalties(total: Decimal, penalties: Iterable[Penalty]) -> Decimal:
    """The reduced total: every factor first, then every subtraction, never below 0.

    A fixed order (not the order recorded) makes the result independent of which reviewer
    entered which koefisien first.
    """
    factor = ONE
    points = ZERO
    for penalty in penalties:
        if penalty.kind == "multiply":
            assert penalty.factor is not None
            factor *= penalty.factor
        else:
            assert penalty.points is not None
            points += penalty.points
    with localcontext(CONTEXT):
        reduced = total * factor - points
    return reduced if reduced > ZERO else ZERO


# --- predicates ---------------------------------------------------------------------------------


class ConditionResult(NamedTuple):
    """One condition of a verdict. `value` and `gap` are rounded to 2 decimals.

    For a node condition `value` and `bound` are numbers and `gap` is how much is missing
    (bound - value when failed, 0 when passed). For "predicate already held" they are
    booleans and `gap` is None.
    """

    name: str
    title: LocalizedText | None
    measure: str
    value: Decimal | bool
    bound: Decimal | bool
    passed: bool
    gap: Decimal | None


@dataclass(frozen=True, slots=True)
class Verdict:
    key: str
    passed: bool
    conditions: tuple[ConditionResult, ...]


def evaluate_predicates(
    fw: CompiledFramework,
    *,
    node_scores: Mapping[str, Decimal],
    total: Decimal,
    held_predicates: Set[str] = frozenset(),
) -> dict[str, Verdict]:
    """Judge every predicate of the framework; `total` is the reduced (after penalty) total."""
    with localcontext(CONTEXT):
        return _evaluate(fw, node_scores, total, held_predicates)


def _evaluate(
    fw: CompiledFramework,
    node_scores: Mapping[str, Decimal],
    total: Decimal,
    held_predicates: Set[str],
) -> dict[str, Verdict]:
    verdicts: dict[str, Verdict] = {}
    cent = QUANTA[2]
    for predicate in fw.predicates:
        results: list[ConditionResult] = []
        passed_all = True
        if predicate.requires is not None:
            held = predicate.requires in held_predicates
            passed_all = held
            name = f"held_{predicate.requires}"
            results.append(ConditionResult(name, None, "predicate", held, True, held, None))
        for condition in predicate.conditions:
            raw = ZERO
            for code in condition.nodes:
                raw += total if code == TOTAL else node_scores[code]
            if condition.measure == "percent":
                raw = raw * HUNDRED / condition.weight if condition.weight else ZERO
            # round_half_up, inlined: this loop runs for every sheet of a ranking.
            value = raw.quantize(SNAP, ROUND_HALF_EVEN).quantize(cent, ROUND_HALF_UP)
            bound = condition.bound
            passed = value >= bound
            if not passed:
                passed_all = False
            results.append(
                ConditionResult(
                    condition.name,
                    condition.title,
                    condition.measure,
                    value,
                    bound,
                    passed,
                    ZERO if passed else bound - value,  # both have 2 decimals: exact
                )
            )
        verdicts[predicate.key] = Verdict(predicate.key, passed_all, tuple(results))
    return verdicts
