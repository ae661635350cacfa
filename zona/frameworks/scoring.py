"""Scoring an LKE worksheet: pure functions over plain values, no ORM.

The framework document is compiled once (`compile_framework`) into flat tuples: a table of
items and an evaluation plan in post-order, so scoring a sheet is one pass over the items and
one pass over the plan. The same `score` serves the web pages, the API, exports and the
command line. The rules are in docs/scoring.md.

Numbers are `Decimal` throughout. Values are kept unrounded; `round_half_up` is for display
and for comparing with predicate bounds only. "No value" is `None`, never -1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any, Literal, NamedTuple, TypeAlias

from zona.core import errors
from zona.frameworks.schema import CHOICE_KEYS, TOTAL, FrameworkDoc, LocalizedText, NodeDoc

Answer: TypeAlias = str | Mapping[str, int] | Decimal | int
"""An option key ("Ya", "Tidak", "A".."E"), counts for PCT, or an index 0..4 for NUM4."""

NodeKind = Literal["component", "part", "area", "subarea", "item"]
PenaltyKind = Literal["multiply", "subtract"]

ZERO = Decimal(0)
ONE = Decimal(1)
FOUR = Decimal(4)
HUNDRED = Decimal(100)
# Divisions (thirds, count ratios) are the only inexact steps; 40 digits keeps their error far
# below the 1e-20 snap used before rounding, so a true x.xx5 never rounds down.
_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)
_SNAP = Decimal("1e-20")

# Plan operations.
_OP_MEAN = 0  # mean of item values x weight
_OP_SUM = 1  # sum of children's scores
_OP_WEIGHT = 2  # one item's value x its own weight (Hasil items)

# Item table type tags.
_CHOICE = 0
_PCT = 1
_NUM4 = 2


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(9)}


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round for display and threshold comparison: half up, after removing division noise."""
    snapped = value.quantize(_SNAP, ROUND_HALF_EVEN, _CONTEXT)
    return snapped.quantize(_QUANTA[places], ROUND_HALF_UP, _CONTEXT)


# --- the compiled framework -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Formula:
    kind: Literal["ratio", "decrease"]
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    zero_denominator: Decimal = ONE
    previous: str = ""
    current: str = ""


@dataclass(frozen=True, slots=True)
class CountRule:
    """Bounds of one PCT count: at most `max`, and at most the sum of the `at_most` counts."""

    key: str
    max: int | None
    at_most: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CountBreach:
    """One count outside its bounds; `bound` is the limit it passed, `over` the counts that
    make that limit (empty when it is the count's maximum)."""

    key: str
    value: int
    bound: int
    over: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledItem:
    code: str
    answer_type: str
    parent: str
    # Option key -> value, in the file's order (best first). Empty for PCT and NUM4.
    options: Mapping[str, Decimal]
    # Every count key the unit may enter, and those the formula needs.
    counts: frozenset[str]
    required_counts: tuple[str, ...]
    formula: Formula | None
    # Set when the item is scored on its own (value x weight), as Hasil items are.
    weight: Decimal | None
    source: str | None
    count_rules: tuple[CountRule, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledNode:
    code: str
    kind: NodeKind
    parent: str | None
    depth: int
    weight: Decimal | None
    aggregate: str | None
    children: tuple[str, ...]
    title: LocalizedText | None


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    name: str
    title: LocalizedText
    nodes: tuple[str, ...]
    measure: Literal["score", "percent"]
    bound: Decimal
    weight: Decimal


@dataclass(frozen=True, slots=True)
class CompiledPredicate:
    key: str
    title: LocalizedText
    requires: str | None
    conditions: tuple[CompiledCondition, ...]


@dataclass(frozen=True, slots=True)
class CompiledFramework:
    key: str
    version: int
    content_hash: str
    # Every node (items included) in document order.
    nodes: Mapping[str, CompiledNode]
    items: Mapping[str, CompiledItem]
    # Nodes that carry a score of their own (groups and weighted items), document order.
    scored: tuple[str, ...]
    predicates: tuple[CompiledPredicate, ...]
    # Flat tables for the tight loop; see compile_framework.
    item_table: tuple[tuple[str, int, int, Any], ...] = field(repr=False)
    plan: tuple[tuple[int, int, tuple[int, ...], Decimal, Decimal], ...] = field(repr=False)
    score_slots: tuple[tuple[str, int, Decimal], ...] = field(repr=False)
    root_slots: tuple[int, ...] = field(repr=False)
    slot_count: int = field(repr=False)


def compile_framework(doc: FrameworkDoc, *, content_hash: str = "") -> CompiledFramework:
    """Turn a validated document into flat tables; done once per framework version."""
    nodes: dict[str, CompiledNode] = {}
    items: dict[str, CompiledItem] = {}
    set_values = {
        type_name: {o.key: o.value for o in options if o.value is not None}
        for type_name, options in doc.option_sets.items()
    }

    slots: dict[str, int] = {}  # a node's (or an item's value's) slot
    score_slot: dict[str, int] = {}  # where the node's score lives (differs for weighted items)
    plan: list[tuple[int, int, tuple[int, ...], Decimal, Decimal]] = []

    slot_counter = 0

    def take() -> int:
        nonlocal slot_counter
        slot_counter += 1
        return slot_counter - 1

    def visit(node: NodeDoc, parent: NodeDoc | None, depth: int) -> None:
        kind = _kind(node, parent, depth)
        nodes[node.code] = CompiledNode(
            code=node.code,
            kind=kind,
            parent=parent.code if parent else None,
            depth=depth,
            weight=node.weight,
            aggregate=node.aggregate,
            children=tuple(child.code for child in node.children),
            title=node.title or node.question,
        )
        slots[node.code] = take()
        if node.is_item:
            items[node.code] = _compile_item(node, parent, set_values, doc.count_max)
            if node.weight is not None:
                score_slot[node.code] = take()
                plan.append(
                    (score_slot[node.code], _OP_WEIGHT, (slots[node.code],), node.weight, ONE)
                )
            return
        for child in node.children:
            visit(child, node, depth + 1)
        assert node.weight is not None
        score_slot[node.code] = slots[node.code]
        if node.aggregate == "mean":
            kids = tuple(slots[child.code] for child in node.children)
            plan.append((slots[node.code], _OP_MEAN, kids, node.weight, Decimal(len(kids))))
        else:
            kids = tuple(score_slot[child.code] for child in node.children)
            plan.append((slots[node.code], _OP_SUM, kids, node.weight, ONE))

    for root in doc.nodes:
        visit(root, None, 0)

    item_table: list[tuple[str, int, int, Any]] = []
    for code, item in items.items():
        if item.answer_type in CHOICE_KEYS:
            item_table.append((code, slots[code], _CHOICE, item.options))
        elif item.answer_type == "PCT":
            item_table.append((code, slots[code], _PCT, item))
        else:
            item_table.append((code, slots[code], _NUM4, None))

    scored = tuple(code for code in nodes if code in score_slot)
    predicates = tuple(
        CompiledPredicate(
            key=p.key,
            title=p.title,
            requires=p.requires_predicate,
            conditions=tuple(
                CompiledCondition(
                    name=c.name,
                    title=c.title,
                    nodes=tuple(c.nodes),
                    measure=c.measure,
                    bound=c.min,
                    weight=sum(
                        (
                            HUNDRED if code == TOTAL else (nodes[code].weight or ZERO)
                            for code in c.nodes
                        ),
                        ZERO,
                    ),
                )
                for c in p.conditions
            ),
        )
        for p in doc.predicates
    )
    return CompiledFramework(
        key=doc.key,
        version=doc.version,
        content_hash=content_hash,
        nodes=nodes,
        items=items,
        scored=scored,
        predicates=predicates,
        item_table=tuple(item_table),
        plan=tuple(plan),
        score_slots=tuple((code, score_slot[code], nodes[code].weight or ZERO) for code in scored),
        root_slots=tuple(slots[root.code] for root in doc.nodes),
        slot_count=slot_counter,
    )


def _kind(node: NodeDoc, parent: NodeDoc | None, depth: int) -> NodeKind:
    if node.is_item:
        return "item"
    if node.aggregate == "mean":
        return "subarea"
    if depth == 0:
        return "component"
    if depth == 1:
        return "part"
    return "area"


def _compile_item(
    node: NodeDoc,
    parent: NodeDoc | None,
    set_values: Mapping[str, Mapping[str, Decimal]],
    count_max: int | None = None,
) -> CompiledItem:
    assert node.type is not None and parent is not None
    options: dict[str, Decimal] = {}
    defaults = set_values.get(node.type, {})
    for option in node.options:
        value = option.value if option.value is not None else defaults[option.key]
        options[option.key] = value
    formula = None
    required: tuple[str, ...] = ()
    if node.formula is not None:
        f = node.formula
        if f.kind == "ratio":
            formula = Formula(
                kind="ratio",
                numerator=tuple(f.numerator),
                denominator=tuple(f.denominator),
                zero_denominator=f.zero_denominator if f.zero_denominator is not None else ONE,
            )
            required = tuple(dict.fromkeys((*f.numerator, *f.denominator)))
        else:
            assert f.previous is not None and f.current is not None
            formula = Formula(kind="decrease", previous=f.previous, current=f.current)
            required = (f.previous, f.current)
    return CompiledItem(
        code=node.code,
        answer_type=node.type,
        parent=parent.code,
        options=options,
        counts=frozenset(c.key for c in node.counts),
        required_counts=required,
        formula=formula,
        weight=node.weight,
        source=node.source,
        count_rules=tuple(
            CountRule(
                key=c.key,
                max=c.max if c.max is not None else count_max,
                at_most=tuple(c.at_most),
            )
            for c in node.counts
            if c.at_most or c.max is not None or count_max is not None
        ),
    )


# --- answers ----------------------------------------------------------------------------------


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
            bound = sum(int(counts[k]) for k in rule.at_most)  # type: ignore[call-overload]
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
            return item.options[answer]  # type: ignore[index]
        if item.answer_type == "NUM4":
            return _num4_value(answer)
        with localcontext(_CONTEXT):
            return _pct_value(item, answer)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    problems = answer_problems(item, answer)
    raise InvalidAnswers(problems or [Problem("invalid_answer", item.code, "invalid answer")])


def _num4_value(answer: object) -> Decimal:
    if not _is_index(answer):
        raise ValueError(answer)
    number = Decimal(repr(answer)) if isinstance(answer, float) else Decimal(answer)  # type: ignore[arg-type]
    return number / FOUR


def _pct_value(item: CompiledItem, counts: Mapping[str, int]) -> Decimal:
    # Callers run this inside localcontext(_CONTEXT), for the precision of the division.
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


# --- penalties ---------------------------------------------------------------------------------


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
    with localcontext(_CONTEXT):
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
    with localcontext(_CONTEXT):
        return _evaluate(fw, node_scores, total, held_predicates)


def _evaluate(
    fw: CompiledFramework,
    node_scores: Mapping[str, Decimal],
    total: Decimal,
    held_predicates: Set[str],
) -> dict[str, Verdict]:
    verdicts: dict[str, Verdict] = {}
    cent = _QUANTA[2]
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
            value = raw.quantize(_SNAP, ROUND_HALF_EVEN).quantize(cent, ROUND_HALF_UP)
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


# --- the scorecard --------------------------------------------------------------------------


class NodeScore(NamedTuple):
    """A node's unrounded score, its weight, and (computed) the score as % of the weight."""

    score: Decimal
    weight: Decimal

    @property
    def percent(self) -> Decimal | None:
        if not self.weight:
            return None
        with localcontext(_CONTEXT):
            return self.score * HUNDRED / self.weight


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Unrounded results of one sheet; `as_dict` gives the rounded form everyone displays."""

    framework: str
    version: int
    nodes: dict[str, NodeScore]
    items: dict[str, Decimal | None]
    total: Decimal
    total_before_penalties: Decimal
    verdicts: dict[str, Verdict]

    def as_dict(self) -> dict[str, Any]:
        """The command-line / API shape: scores to 2 decimals, item values to 4."""
        nodes: dict[str, Any] = {}
        for code, node in self.nodes.items():
            percent = node.percent
            nodes[code] = {
                "score": round_half_up(node.score),
                "weight": node.weight,
                "percent": round_half_up(percent) if percent is not None else None,
            }
        return {
            "framework": self.framework,
            "version": self.version,
            "total": round_half_up(self.total),
            "total_before_penalties": round_half_up(self.total_before_penalties),
            "nodes": nodes,
            "items": {
                code: {"value": round_half_up(value, 4) if value is not None else None}
                for code, value in self.items.items()
            },
            "verdicts": {
                key: {
                    "passed": verdict.passed,
                    "conditions": [
                        {
                            "name": c.name,
                            "value": c.value,
                            "bound": c.bound,
                            "passed": c.passed,
                            "gap": c.gap,
                        }
                        for c in verdict.conditions
                    ],
                }
                for key, verdict in self.verdicts.items()
            },
        }


def score(
    fw: CompiledFramework,
    answers: Mapping[str, Answer | None],
    *,
    penalties: Iterable[Penalty] = (),
    held_predicates: Set[str] = frozenset(),
) -> Scorecard:
    """Score one sheet of answers (item code -> answer). Raises InvalidAnswers.

    Unanswered items are worth 0 and still count in their sub-area's mean.
    """
    values: list[Decimal] = [ZERO] * fw.slot_count
    item_values: dict[str, Decimal | None] = {}
    matched = 0
    failed = False
    try:
        with localcontext(_CONTEXT):
            for code, slot, tag, spec in fw.item_table:
                answer = answers.get(code)
                if answer is None:
                    item_values[code] = None
                    continue
                matched += 1
                if tag == _CHOICE:
                    value = spec[answer]
                elif tag == _NUM4:
                    value = _num4_value(answer)
                else:
                    value = _pct_value(spec, answer)  # type: ignore[arg-type]
                values[slot] = value
                item_values[code] = value
            # Children precede parents in the plan, so one pass settles every node.
            for slot, op, kids, weight, count in fw.plan:
                if op == _OP_SUM:
                    total = ZERO
                    for kid in kids:
                        total += values[kid]
                    values[slot] = total
                elif op == _OP_MEAN:
                    total = ZERO
                    for kid in kids:
                        total += values[kid]
                    # Multiply before dividing: the division is the only rounding step.
                    values[slot] = total * weight / count
                else:
                    values[slot] = values[kids[0]] * weight
    except (KeyError, TypeError, ValueError, AttributeError):
        failed = True
    if failed or matched != len(answers):
        # An invalid answer, or keys that are not items (or explicit None answers, which are
        # fine): validate the whole sheet so every problem is reported at once.
        problems = validate_answers(fw, answers)
        if problems or failed:
            raise InvalidAnswers(problems or [Problem("invalid_answer", "", "invalid answers")])

    node_scores: dict[str, Decimal] = {}
    nodes: dict[str, NodeScore] = {}
    for code, slot, weight in fw.score_slots:
        node_scores[code] = values[slot]
        nodes[code] = NodeScore(values[slot], weight)
    before = ZERO
    with localcontext(_CONTEXT):
        for slot in fw.root_slots:
            before += values[slot]
    penalties = tuple(penalties)
    total = apply_penalties(before, penalties) if penalties else before
    return Scorecard(
        framework=fw.key,
        version=fw.version,
        nodes=nodes,
        items=item_values,
        total=total,
        total_before_penalties=before,
        verdicts=evaluate_predicates(
            fw, node_scores=node_scores, total=total, held_predicates=held_predicates
        ),
    )


@dataclass(frozen=True, slots=True)
class LayeredScores:
    layers: dict[str, Scorecard]
    effective: Scorecard


def score_layers(
    fw: CompiledFramework,
    layers: Sequence[tuple[str, Mapping[str, Answer | None]]],
    *,
    penalties: Iterable[Penalty] = (),
    held_predicates: Set[str] = frozenset(),
) -> LayeredScores:
    """Each layer's own score and the effective score, from (name, answers) lowest tier first.

    Koefisien belong to the assessment, so every layer's total is reduced by them alike.
    """
    penalties = tuple(penalties)
    return LayeredScores(
        layers={
            name: score(fw, answers, penalties=penalties, held_predicates=held_predicates)
            for name, answers in layers
        },
        effective=score(
            fw,
            effective_answers([answers for _, answers in layers]),
            penalties=penalties,
            held_predicates=held_predicates,
        ),
    )
