"""The framework file format as pydantic models: one model per kind of entry in a file.

Each model checks what one entry can check on its own; the rules that span entries are in
`checks`, and `parse_framework` (in the package) runs both. See docs/framework-format.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from zona.core.errors import Problem, ValidationFailed

AnswerType = Literal["YN", "ABC", "ABCD", "ABCDE", "PCT", "NUM4"]
Aggregate = Literal["sum", "mean"]

# The option keys of each choice type are part of the import/API/CLI contract; their *values*
# are data and live in the file.
CHOICE_KEYS: dict[str, tuple[str, ...]] = {
    "YN": ("Ya", "Tidak"),
    "ABC": ("A", "B", "C"),
    "ABCD": ("A", "B", "C", "D"),
    "ABCDE": ("A", "B", "C", "D", "E"),
}
ANSWER_TYPES: tuple[str, ...] = ("YN", "ABC", "ABCD", "ABCDE", "PCT", "NUM4")
LANGUAGES: tuple[str, ...] = ("id", "en")
# Predicate conditions refer to the reduced total with this pseudo node code.
TOTAL = "TOTAL"
TOTAL_WEIGHT = Decimal(100)


def _to_decimal(value: Any) -> Decimal:
    # YAML gives floats; going through repr() keeps "0.67" as 0.67 instead of the binary
    # approximation. Booleans are ints in Python and must not pass as numbers.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError("must be a finite number")
    # 4, 4.0 and 4.00 are the same weight: normalise so the content hash does not depend on
    # how the author typed it.
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _decimal_to_json(value: Decimal) -> int | float:
    # Stored documents keep numbers as JSON numbers; every value in a framework file has few
    # digits, so the float round-trips to the same decimal text.
    return int(value) if value == value.to_integral_value() else float(value)


Num = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json"),
]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Doc):
    id: str = Field(min_length=1)
    en: str = Field(min_length=1)


class OptionDoc(_Doc):
    key: str
    # May be left out on an item's option when the file's option set for the type gives it.
    value: Num | None = None
    label: LocalizedText | None = None


class CountDoc(_Doc):
    key: str
    label: LocalizedText
    # Entered for the record (e.g. how many were sanctioned) but not part of the formula.
    informational: bool = False
    # The count may not exceed the sum of these counts of the same item (sanctioned
    # violations cannot outnumber the violations; filed reports cannot outnumber those
    # obliged to file). Checked when all of them are given.
    at_most: list[str] = []
    # The largest count a unit can have (e.g. 1 head of unit); defaults to the file's
    # `count_max`.
    max: int | None = Field(default=None, ge=0, strict=True)


class FormulaDoc(_Doc):
    kind: Literal["ratio", "decrease"]
    # ratio: min(1, sum(numerator) / sum(denominator)); zero_denominator when the sum is 0.
    numerator: list[str] = []
    denominator: list[str] = []
    zero_denominator: Num | None = None
    # decrease: max(0, (previous - current) / previous); previous 0 -> 1 if current is 0 else 0.
    previous: str | None = None
    current: str | None = None


class NodeDoc(_Doc):
    code: str
    title: LocalizedText | None = None
    weight: Num | None = None
    aggregate: Aggregate | None = None
    type: AnswerType | None = None
    question: LocalizedText | None = None
    guidance: LocalizedText | None = None
    options: list[OptionDoc] = []
    counts: list[CountDoc] = []
    formula: FormulaDoc | None = None
    source: str | None = None
    # The working-group area of this node and everything under it (a key of the file's
    # `areas`); set on the node where an area begins, inherited below it.
    area: str | None = None
    children: list[NodeDoc] = []

    @property
    def is_item(self) -> bool:
        return self.type is not None


class AreaDoc(_Doc):
    """A share of the worksheet one working-group member can be given (e.g. area 3 is
    Pemenuhan 3 together with Reform 3)."""

    key: str
    title: LocalizedText


class RoundsOptionDoc(_Doc):
    rounds: int = Field(ge=0, strict=True)
    option: str


class SkmRoundsDoc(_Doc):
    """The item answered by how many SKM rounds the unit ran in the year: each option with
    the fewest rounds that earn it, most rounds first."""

    item: str
    options: list[RoundsOptionDoc] = Field(min_length=1)

    def option_for(self, rounds: int) -> str:
        for entry in self.options:
            if rounds >= entry.rounds:
                return entry.option
        return self.options[-1].option


class ConditionDoc(_Doc):
    name: str
    title: LocalizedText
    nodes: list[str] = Field(min_length=1)
    measure: Literal["score", "percent"]
    min: Num


class PredicateDoc(_Doc):
    key: str
    title: LocalizedText
    requires_predicate: str | None = None
    conditions: list[ConditionDoc] = Field(min_length=1)


class FrameworkDoc(_Doc):
    key: str
    version: int = Field(ge=1, strict=True)
    title: LocalizedText
    regulation: LocalizedText
    languages: list[str]
    option_sets: dict[str, list[OptionDoc]] = {}
    # The largest count any PCT count may have unless the count sets its own `max`: a bound
    # on typing slips (an extra zero or two), not a statistic.
    count_max: int | None = Field(default=None, ge=1, strict=True)
    # The working-group areas, in the order pickers list them; nodes name them with `area`.
    areas: list[AreaDoc] = []
    skm_rounds: SkmRoundsDoc | None = None
    nodes: list[NodeDoc] = []
    # In the order they are shown; `requires_predicate` names the predicate a unit must
    # already hold to be judged on this one (WBBM needs WBK).
    predicates: list[PredicateDoc] = []

    def walk(self) -> Iterator[tuple[NodeDoc, NodeDoc | None, int]]:
        """Every node in document order (pre-order) with its parent and depth."""
        stack: list[tuple[NodeDoc, NodeDoc | None, int]] = [
            (node, None, 0) for node in reversed(self.nodes)
        ]
        while stack:
            node, parent, depth = stack.pop()
            yield node, parent, depth
            stack.extend((child, node, depth + 1) for child in reversed(node.children))

    def items(self) -> list[NodeDoc]:
        return [node for node, _, _ in self.walk() if node.is_item]

    def node_areas(self) -> dict[str, str | None]:
        """Every node's area (its own or its nearest ancestor's), None outside any area."""
        areas: dict[str, str | None] = {}
        stack: list[tuple[NodeDoc, str | None]] = [(node, None) for node in self.nodes]
        while stack:
            node, inherited = stack.pop()
            area = node.area if node.area is not None else inherited
            areas[node.code] = area
            stack.extend((child, area) for child in node.children)
        return areas


@dataclass(frozen=True, slots=True)
class FrameworkProblem:
    """One mistake in a framework file: `code` is the node code (or a field path)."""

    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class FrameworkInvalid(ValidationFailed):
    code = "framework_invalid"

    def __init__(self, problems: Sequence[FrameworkProblem]) -> None:
        self.framework_problems: list[FrameworkProblem] = list(problems)
        super().__init__(
            f"the framework file has {len(self.framework_problems)} problem(s)",
            problems=[
                Problem(code="framework_invalid", message=p.reason, field=p.code)
                for p in self.framework_problems
            ],
        )

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.framework_problems)
