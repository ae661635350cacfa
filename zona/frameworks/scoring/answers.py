"""Checking answers and turning one answer into a value 0..1.

`validate_answers` reports every problem of a sheet at once; `item_value` and the private
value functions are what `score` runs in its tight loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TypeAlias, cast

from zona.core import errors
from zona.frameworks.scoring.decimals import CONTEXT, FOUR, ONE, ZERO
from zona.frameworks.scoring.plan import CompiledFramework, CompiledItem, CountRule

Answer: TypeAlias = str | Mapping[str, int] | Decimal | int
"""An option key ("Ya", "Tidak", "A".."E"), counts for PCT, or an index 0..4 for NUM4."""


@dataclass(frozen=True, slots=True)
class CountBreach:
    """One count outside its bounds; `bound` is the limit it passed, `over` the counts that
    make that limit (empty when it is the count's maximum)."""

    key: str
    value: int
    bound: int
    over: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One invalid answer: `code` says what is wrong, `item` where, `message` in words."""

    code: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}" if self.item else self.message

    def as_core(self) -> errors.Problem:
        """The API's problem shape: the item code goes in `field`."""
        return errors.Problem(code=self.code, message=self.message, field=self.item)


class InvalidAnswers(errors.ValidationFailed, ValueError):
    """A sheet has invalid answers. `answer_problems` lists them all; `problems` has the same
    in the shape the API renders."""

    code = "invalid_answers"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.answer_problems = list(problems)
        super().__init__(
            "; ".join(str(p) for p in self.answer_problems),
            problems=[p.as_core() for p in self.answer_problems],
        )


def _show(value: object) -> str:
    # Problems quote the answer as the user typed it in JSON, not as a Python repr.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_index(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return False
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return number.is_finite() and ZERO <= number <= FOUR


def answer_problems(item: CompiledItem, answer: object) -> list[Problem]:
    """Everything wrong with one answer to one item (empty when it is valid or unanswered)."""
    if answer is None:
        return []
    code = item.code
    if item.options:
        if not isinstance(answer, str) or answer not in item.options:
            allowed = ", ".join(item.options)
            return [
                Problem(
                    "invalid_option",
                    code,
                    f"option {_show(answer)} is not allowed for {item.answer_type} "
                    f"(allowed: {allowed})",
                )
            ]
        return []
    if item.answer_type == "NUM4":
        if not _is_index(answer):
            return [
                Problem(
                    "invalid_index", code, f"index {_show(answer)} must be a number from 0 to 4"
                )
            ]
        return []
    # PCT
    if not isinstance(answer, Mapping):
        return [
            Problem(
                "invalid_counts",
                code,
                "a PCT answer is an object of counts, e.g. {"
                + ", ".join(f'"{key}": 0' for key in item.required_counts)
                + "}",
            )
        ]
    problems = []
    for key, value in answer.items():
        if key not in item.counts:
            problems.append(
                Problem(
                    "unknown_count",
                    code,
                    f"unknown count {_show(key)} (counts: {', '.join(sorted(item.counts))})",
                )
            )
        elif not _is_count(value):
            problems.append(
                Problem(
                    "invalid_count",
                    code,
                    f"count {key} must be a non-negative integer, got {_show(value)}",
                )
            )
    for key in item.required_counts:
        if key not in answer:
            problems.append(Problem("missing_count", code, f"count {key} is required"))
    if problems:
        return problems
    for breach in count_breaches(item.count_rules, answer):
        if breach.over:
            problems.append(
                Problem(
                    "count_exceeds",
                    code,
                    f"count {breach.key} ({breach.value}) may not exceed "
                    f"{' + '.join(breach.over)} ({breach.bound})",
                )
            )
        else:
            problems.append(
                Problem(
                    "count_too_large",
                    code,
                    f"count {breach.key} ({breach.value}) may not exceed {breach.bound}",
                )
            )
    return problems


def count_breaches(rules: Iterable[CountRule], counts: Mapping[str, object]) -> list[CountBreach]:
    """The counts of a PCT answer outside their bounds (the framework's `max` and
    `at_most`). Partial answers are checked as far as they go: a sum bound only once all of
    its counts are given. Counts that are not whole numbers are left to `answer_problems`."""
    breaches: list[CountBreach] = []
    for rule in rules:
        value = counts.get(rule.key)
        if not _is_count(value):
            continue
        assert isinstance(value, int)
        if rule.max is not None and value > rule.max:
            breaches.append(CountBreach(rule.key, value, rule.max, ()))
            continue
        if rule.at_most and all(_is_count(counts.get(k)) for k in rule.at_most):
            bound = sum(cast(int, counts[k]) for k in rule.at_most)
            if value > bound:
                breaches.append(CountBreach(rule.key, value, bound, rule.at_most))
    return breaches


def validate_answers(fw: CompiledFramework, answers: Mapping[str, object]) -> list[Problem]:
    """Every problem in a sheet of answers keyed by item code; empty when all are valid."""
    problems: list[Problem] = []
    for code, answer in answers.items():
        item = fw.items.get(code)
        if item is None:
            reason = (
                "is a group, not an answerable item" if code in fw.nodes else "unknown item code"
            )
            problems.append(Problem("unknown_item", str(code), f"{reason}"))
            continue
        problems.extend(answer_problems(item, answer))
    return problems


def item_value(item: CompiledItem, answer: Answer | None) -> Decimal | None:
    """The value 0..1 of one answer; None when unanswered. Raises InvalidAnswers."""
    if answer is None:
        return None
    try:
        if item.options:
            return item.options[cast(str, answer)]
        if item.answer_type == "NUM4":
            return num4_value(answer)
        with localcontext(CONTEXT):
            return pct_value(item, cast(Mapping[str, int], answer))
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    problems = answer_problems(item, answer)
    raise InvalidAnswers(problems or [Problem("invalid_answer", item.code, "invalid answer")])


def num4_value(answer: object) -> Decimal:
    if not _is_index(answer):
        raise ValueError(answer)
    number = Decimal(repr(answer)) if isinstance(answer, float) else Decimal(cast(int, answer))
    return number / FOUR


def pct_value(item: CompiledItem, counts: Mapping[str, int]) -> Decimal:
    # Callers run this inside localcontext(CONTEXT), for the precision of the division.
    for key, value in counts.items():
        if key not in item.counts or not _is_count(value):
            raise ValueError(key)
    formula = item.formula
    assert formula is not None
    if formula.kind == "ratio":
        numerator = sum(counts[key] for key in formula.numerator)
        denominator = sum(counts[key] for key in formula.denominator)
        if denominator == 0:
            return formula.zero_denominator
        if numerator >= denominator:
            return ONE
        return Decimal(numerator) / Decimal(denominator)
    previous = counts[formula.previous]
    current = counts[formula.current]
    if previous == 0:
        # No violations last year: only a clean year keeps full marks.
        return ONE if current == 0 else ZERO
    if current >= previous:
        return ZERO
    return Decimal(previous - current) / Decimal(previous)


def effective_answers(layers: Sequence[Mapping[str, Answer | None]]) -> dict[str, Answer]:
    """Item by item, the answer of the highest tier that answered.

    `layers` go from the lowest tier (the unit) to the highest; a later layer's answer wins,
    and an unanswered (None) item in a higher layer does not erase a lower one.
    """
    result: dict[str, Answer] = {}
    for layer in layers:
        for code, answer in layer.items():
            if answer is not None:
                result[code] = answer
    return result
