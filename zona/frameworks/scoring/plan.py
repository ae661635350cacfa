"""The compiled framework: a validated document turned into flat tables, once per version.

Scoring a sheet is then one pass over `item_table` and one pass over `plan` (children before
parents). The tables are typed rows (NamedTuples), which unpack as fast as bare tuples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import Literal, NamedTuple

from zona.frameworks.schema import (
    CHOICE_KEYS,
    TOTAL,
    AreaDoc,
    FrameworkDoc,
    LocalizedText,
    NodeDoc,
    SkmRoundsDoc,
)
from zona.frameworks.scoring.decimals import HUNDRED, ONE, ZERO

NodeKind = Literal["component", "part", "area", "subarea", "item"]


class Op(IntEnum):
    """What one plan step computes."""

    MEAN = 0  # mean of item values x weight
    SUM = 1  # sum of children's scores
    WEIGHT = 2  # one item's value x its own weight (Hasil items)


class ItemKind(IntEnum):
    """How an item's answer becomes a value."""

    CHOICE = 0
    PCT = 1
    NUM4 = 2


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
    # The working-group area the node belongs to (declared in the file), None outside any.
    area: str | None = None


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


class ItemRow(NamedTuple):
    """One answerable item in the tight loop: where its value goes and how it is read."""

    code: str
    slot: int
    kind: ItemKind
    item: CompiledItem
    # A choice item's option values keyed by anything an answer may be, so the loop looks an
    # answer up without a type check (a miss is a KeyError or TypeError, reported then).
    options: Mapping[object, Decimal]


class PlanStep(NamedTuple):
    """One node's score: `op` over the values in `kids`, times `weight`, over `divisor`."""

    slot: int
    op: Op
    kids: tuple[int, ...]
    weight: Decimal
    divisor: Decimal


class ScoreSlot(NamedTuple):
    """Where a scored node's result lives, with its weight."""

    code: str
    slot: int
    weight: Decimal


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
    # In the file's order, which is the order they are shown.
    predicates: tuple[CompiledPredicate, ...]
    # Flat tables for the tight loop; see compile_framework.
    item_table: tuple[ItemRow, ...] = field(repr=False)
    plan: tuple[PlanStep, ...] = field(repr=False)
    score_slots: tuple[ScoreSlot, ...] = field(repr=False)
    root_slots: tuple[int, ...] = field(repr=False)
    slot_count: int = field(repr=False)
    # The working-group areas the file declares, in the order pickers list them.
    areas: tuple[AreaDoc, ...] = ()
    # The item a unit's number of SKM rounds answers, when the framework has one.
    skm_rounds: SkmRoundsDoc | None = None

    @property
    def area_keys(self) -> tuple[str, ...]:
        return tuple(area.key for area in self.areas)

    def prerequisites(self, key: str) -> frozenset[str]:
        """The predicates a unit already holds when it is judged on `key` (WBBM: WBK), read
        from the file's `requires_predicate` chain."""
        requires = {p.key: p.requires for p in self.predicates}
        held: set[str] = set()
        current = requires.get(key)
        # The schema lists a required predicate before the one needing it, so no cycles.
        while current is not None and current not in held:
            held.add(current)
            current = requires.get(current)
        return frozenset(held)


def compile_framework(doc: FrameworkDoc, *, content_hash: str = "") -> CompiledFramework:
    """Turn a validated document into flat tables; done once per framework version."""
    nodes: dict[str, CompiledNode] = {}
    items: dict[str, CompiledItem] = {}
    set_values = {
        type_name: {o.key: o.value for o in options if o.value is not None}
        for type_name, options in doc.option_sets.items()
    }
    areas = doc.node_areas()

    slots: dict[str, int] = {}  # a node's (or an item's value's) slot
    score_slot: dict[str, int] = {}  # where the node's score lives (differs for weighted items)
    plan: list[PlanStep] = []

    slot_counter = 0

    def take() -> int:
        nonlocal slot_counter
        slot_counter += 1
        return slot_counter - 1

    def visit(node: NodeDoc, parent: NodeDoc | None, depth: int) -> None:
        nodes[node.code] = CompiledNode(
            code=node.code,
            kind=_kind(node, depth),
            parent=parent.code if parent else None,
            depth=depth,
            weight=node.weight,
            aggregate=node.aggregate,
            children=tuple(child.code for child in node.children),
            title=node.title or node.question,
            area=areas.get(node.code),
        )
        slots[node.code] = take()
        if node.is_item:
            items[node.code] = _compile_item(node, parent, set_values, doc.count_max)
            if node.weight is not None:
                score_slot[node.code] = take()
                plan.append(
                    PlanStep(
                        score_slot[node.code], Op.WEIGHT, (slots[node.code],), node.weight, ONE
                    )
                )
            return
        for child in node.children:
            visit(child, node, depth + 1)
        assert node.weight is not None
        score_slot[node.code] = slots[node.code]
        if node.aggregate == "mean":
            kids = tuple(slots[child.code] for child in node.children)
            plan.append(PlanStep(slots[node.code], Op.MEAN, kids, node.weight, Decimal(len(kids))))
        else:
            kids = tuple(score_slot[child.code] for child in node.children)
            plan.append(PlanStep(slots[node.code], Op.SUM, kids, node.weight, ONE))

    for root in doc.nodes:
        visit(root, None, 0)

    item_table = tuple(
        ItemRow(code, slots[code], _item_kind(item), item, _options(item))
        for code, item in items.items()
    )
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
        item_table=item_table,
        plan=tuple(plan),
        score_slots=tuple(
            ScoreSlot(code, score_slot[code], nodes[code].weight or ZERO) for code in scored
        ),
        root_slots=tuple(slots[root.code] for root in doc.nodes),
        slot_count=slot_counter,
        areas=tuple(doc.areas),
        skm_rounds=doc.skm_rounds,
    )


def _options(item: CompiledItem) -> dict[object, Decimal]:
    options: dict[object, Decimal] = {}
    for key, value in item.options.items():
        options[key] = value
    return options


def _item_kind(item: CompiledItem) -> ItemKind:
    if item.answer_type in CHOICE_KEYS:
        return ItemKind.CHOICE
    return ItemKind.PCT if item.answer_type == "PCT" else ItemKind.NUM4


def _kind(node: NodeDoc, depth: int) -> NodeKind:
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
    assert node.type is not None
    assert parent is not None
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
            assert f.previous is not None
            assert f.current is not None
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
