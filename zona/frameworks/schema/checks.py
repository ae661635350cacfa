"""The rules of a framework file that span entries: weights that add up, codes under their
parent, options and counts that fit their type, areas, the SKM rounds item and predicates.

`check_framework` returns every problem at once, each labelled with the node code or the
field path it belongs to.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from zona.frameworks.schema.documents import (
    CHOICE_KEYS,
    LANGUAGES,
    TOTAL,
    TOTAL_WEIGHT,
    CountDoc,
    FrameworkDoc,
    FrameworkProblem,
    NodeDoc,
    OptionDoc,
)

_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9]+$")


def check_framework(
    doc: FrameworkDoc, *, incomplete: set[str] | None = None, roots_complete: bool = True
) -> list[FrameworkProblem]:
    """Every rule that a single pydantic model cannot express, as a list of problems.

    `incomplete` names nodes some of whose children failed to parse: their weight sums are
    not checked, since a missing child would make the sum look wrong.
    """
    incomplete = incomplete or set()
    problems: list[FrameworkProblem] = []

    def add(code: str, reason: str) -> None:
        problems.append(FrameworkProblem(code, reason))

    if not _KEY_RE.match(doc.key):
        add(
            "key", "must be lowercase letters, digits and single hyphens, e.g. permenpan-rb-90-2021"
        )
    if sorted(doc.languages) != sorted(LANGUAGES) or len(doc.languages) != len(LANGUAGES):
        add("languages", "must list exactly: id, en")

    set_values = _check_option_sets(doc, add)

    seen: dict[str, NodeDoc] = {}
    for node, parent, _depth in doc.walk():
        if node.code in seen:
            add(node.code, "duplicate code")
        seen[node.code] = node
        _check_code(node, parent, add)
        if node.is_item:
            _check_item(node, parent, set_values, add)
        else:
            _check_group(node, incomplete, add)

    if roots_complete and doc.nodes:
        if any(root.is_item for root in doc.nodes):
            add("nodes", "top-level nodes must be groups, not items")
        total = sum((root.weight or Decimal(0) for root in doc.nodes), Decimal(0))
        if total != TOTAL_WEIGHT:
            add("nodes", f"top-level weights must sum to {TOTAL_WEIGHT}, they sum to {total}")

    _check_areas(doc, add)
    _check_skm_rounds(doc, seen, add)
    _check_predicates(doc, seen, add)
    return problems


def _check_areas(doc: FrameworkDoc, add: Any) -> None:
    keys = [area.key for area in doc.areas]
    for key in keys:
        if not _SEGMENT_RE.match(key):
            add(f"areas.{key}", "key: letters or digits only, e.g. 3 or B")
        if keys.count(key) > 1:
            add(f"areas.{key}", "duplicate area key")
    declared = set(keys)

    def visit(node: NodeDoc, inherited: str | None) -> None:
        area = inherited
        if node.area is not None:
            if node.area not in declared:
                add(node.code, f"area: {node.area} is not one of the file's areas")
            elif inherited is not None and node.area != inherited:
                add(node.code, f"area: the node is already in area {inherited} (an ancestor's)")
            area = node.area
        if node.is_item and area is None and declared:
            add(node.code, "area: the item is in no area (set `area` on it or an ancestor)")
        for child in node.children:
            visit(child, area)

    for root in doc.nodes:
        visit(root, None)


def _check_skm_rounds(doc: FrameworkDoc, nodes: dict[str, NodeDoc], add: Any) -> None:
    spec = doc.skm_rounds
    if spec is None:
        return
    item = nodes.get(spec.item)
    if item is None or not item.is_item or item.type not in CHOICE_KEYS:
        add("skm_rounds.item", f"{spec.item} is not a choice item of this framework")
        return
    keys = CHOICE_KEYS[item.type]
    options = [entry.option for entry in spec.options]
    for option in options:
        if option not in keys:
            add("skm_rounds.options", f"{option} is not an option of {spec.item}")
    if len(set(options)) != len(options):
        add("skm_rounds.options", "an option is listed twice")
    rounds = [entry.rounds for entry in spec.options]
    if any(a <= b for a, b in itertools.pairwise(rounds)):
        add("skm_rounds.options", "rounds must fall strictly, most rounds first")
    if rounds[-1] != 0:
        add("skm_rounds.options", "the last option must be for 0 rounds, so every year has one")


def _check_option_sets(doc: FrameworkDoc, add: Any) -> dict[str, dict[str, Decimal]]:
    values: dict[str, dict[str, Decimal]] = {}
    for type_name, options in doc.option_sets.items():
        where = f"option_sets.{type_name}"
        if type_name not in CHOICE_KEYS:
            add(where, f"unknown answer type; option sets exist for {', '.join(CHOICE_KEYS)}")
            continue
        if _check_options(where, type_name, options, {}, add, need_labels=False):
            values[type_name] = {o.key: o.value for o in options if o.value is not None}
    return values


def _check_options(
    where: str,
    type_name: str,
    options: Sequence[OptionDoc],
    defaults: dict[str, Decimal],
    add: Any,
    *,
    need_labels: bool,
) -> bool:
    """Check one option list; True when it is usable (keys right and every value known)."""
    expected = CHOICE_KEYS[type_name]
    keys = tuple(o.key for o in options)
    if keys != expected:
        add(
            where,
            f"{type_name} needs exactly {len(expected)} options with keys "
            f"{', '.join(expected)} in that order, got {', '.join(keys) or 'none'}",
        )
        return False
    resolved: list[Decimal] = []
    for option in options:
        if need_labels and option.label is None:
            add(where, f"option {option.key}: a label (what the option means) is required")
        value = option.value if option.value is not None else defaults.get(option.key)
        if value is None:
            add(where, f"option {option.key}: no value, and no option set gives one")
            return False
        if not Decimal(0) <= value <= Decimal(1):
            add(where, f"option {option.key}: value {value} is outside 0..1")
        resolved.append(value)
    # Best option first, worst last: a typo such as swapped values would otherwise make a
    # better answer score lower.
    if resolved[0] != 1 or resolved[-1] != 0:
        add(where, "the first option must be worth 1 and the last 0")
    if any(a <= b for a, b in itertools.pairwise(resolved)):
        add(where, "option values must fall strictly from the first option to the last")
    return True


def _check_code(node: NodeDoc, parent: NodeDoc | None, add: Any) -> None:
    if node.code == TOTAL:
        add(node.code, f"{TOTAL} is reserved for the total in predicate conditions")
    if parent is None:
        if not _SEGMENT_RE.match(node.code):
            add(node.code, "a top-level code must be letters or digits only, e.g. A")
        return
    prefix = parent.code + "."
    if not node.code.startswith(prefix) or not _SEGMENT_RE.match(node.code[len(prefix) :]):
        add(
            node.code,
            f"code must be the parent code {parent.code} plus one segment, e.g. {prefix}a",
        )


def _check_group(node: NodeDoc, incomplete: set[str], add: Any) -> None:
    code = node.code
    for field in ("question", "guidance", "formula", "source"):
        if getattr(node, field) is not None:
            add(code, f"{field}: only items (nodes with a type) may have it")
    if node.options or node.counts:
        add(code, "options/counts: only items (nodes with a type) may have them")
    if node.title is None:
        add(code, "title: required")
    if node.weight is None:
        add(code, "weight: required")
    elif node.weight <= 0:
        add(code, "weight: must be positive")
    if node.aggregate is None:
        add(code, "aggregate: required (sum or mean) unless the node is an item with a type")
    if not node.children:
        add(code, "children: a node without a type needs children")
        return
    if node.aggregate == "mean":
        for child in node.children:
            if not child.is_item:
                add(child.code, f"children of a mean node ({code}) must be items")
            elif child.weight is not None:
                add(child.code, f"weight: items of a mean node ({code}) take no weight")
    elif node.aggregate == "sum":
        weights = [child.weight for child in node.children]
        if any(w is None for w in weights):
            for child in node.children:
                if child.is_item and child.weight is None:
                    add(child.code, f"weight: items of a sum node ({code}) need their own weight")
        elif code not in incomplete and node.weight is not None:
            total = sum((w for w in weights if w is not None), Decimal(0))
            if total != node.weight:
                add(code, f"children weights sum to {total}, not to the node weight {node.weight}")


def _check_item(
    node: NodeDoc, parent: NodeDoc | None, set_values: dict[str, dict[str, Decimal]], add: Any
) -> None:
    code = node.code
    assert node.type is not None
    if node.children:
        add(code, "children: an item (a node with a type) cannot have children")
    if node.aggregate is not None:
        add(code, "aggregate: an item does not aggregate")
    if node.question is None:
        add(code, "question: required for an item")
    if node.weight is not None and node.weight <= 0:
        add(code, "weight: must be positive")
    if node.source is not None and (node.type != "NUM4" or not _NAME_RE.match(node.source)):
        add(code, "source: only NUM4 items take a source, a name such as ipak")

    if node.type in CHOICE_KEYS:
        if node.counts or node.formula is not None:
            add(code, f"counts/formula: a {node.type} item takes options, not counts")
        if not node.options:
            add(code, f"options: a {node.type} item needs its options with their meaning")
        else:
            _check_options(
                code,
                node.type,
                node.options,
                set_values.get(node.type, {}),
                add,
                need_labels=True,
            )
    elif node.type == "PCT":
        if node.options:
            add(code, "options: a PCT item takes counts and a formula, not options")
        _check_pct(node, add)
    else:  # NUM4
        if node.options or node.counts or node.formula is not None:
            add(code, "a NUM4 item takes an index 0..4: no options, counts or formula")


def _check_pct(node: NodeDoc, add: Any) -> None:
    code = node.code
    counts: dict[str, CountDoc] = {}
    for count in node.counts:
        if not _NAME_RE.match(count.key):
            add(code, f"count {count.key!r}: keys are lowercase names such as changes_made")
        if count.key in counts:
            add(code, f"count {count.key}: duplicate key")
        counts[count.key] = count
    if not counts:
        add(code, "counts: a PCT item needs the counts the unit enters")
    for count in node.counts:
        for other in count.at_most:
            if other not in counts:
                add(code, f"count {count.key}.at_most: {other} is not one of the item's counts")
            elif other == count.key:
                add(code, f"count {count.key}.at_most: a count cannot bound itself")
    formula = node.formula
    if formula is None:
        add(code, "formula: a PCT item needs a formula")
        return

    def used(key: str, role: str) -> None:
        if key not in counts:
            add(code, f"formula.{role}: {key} is not one of the item's counts")
        elif counts[key].informational:
            add(code, f"formula.{role}: {key} is informational and cannot be used")

    if formula.kind == "ratio":
        if not formula.numerator or not formula.denominator:
            add(code, "formula: a ratio needs numerator and denominator count lists")
        for key in formula.numerator:
            used(key, "numerator")
        for key in formula.denominator:
            used(key, "denominator")
        if formula.zero_denominator is None:
            add(code, "formula.zero_denominator: required (the value when the denominator is 0)")
        elif not Decimal(0) <= formula.zero_denominator <= Decimal(1):
            add(code, "formula.zero_denominator: must be within 0..1")
        if formula.previous is not None or formula.current is not None:
            add(code, "formula: previous/current belong to kind decrease")
    else:
        if formula.previous is None or formula.current is None:
            add(code, "formula: a decrease needs previous and current counts")
        else:
            used(formula.previous, "previous")
            used(formula.current, "current")
            if formula.previous == formula.current:
                add(code, "formula: previous and current must be different counts")
        if formula.numerator or formula.denominator or formula.zero_denominator is not None:
            add(code, "formula: numerator/denominator/zero_denominator belong to kind ratio")


def _check_predicates(doc: FrameworkDoc, nodes: dict[str, NodeDoc], add: Any) -> None:
    keys = [p.key for p in doc.predicates]
    for predicate in doc.predicates:
        where = f"predicates.{predicate.key}"
        if not _NAME_RE.match(predicate.key):
            add(where, "key: a lowercase name such as wbk")
        if keys.count(predicate.key) > 1:
            add(where, "duplicate predicate key")
        required = predicate.requires_predicate
        if required is not None and (required not in keys or required == predicate.key):
            add(where, f"requires_predicate: {required} is not another predicate of this file")
        elif required is not None and keys.index(required) > keys.index(predicate.key):
            # Listing the held predicate first keeps the chain acyclic and the display order
            # the order a unit climbs.
            add(where, f"requires_predicate: {required} must be listed before {predicate.key}")
        names: set[str] = set()
        for condition in predicate.conditions:
            cwhere = f"{where}.{condition.name}"
            if not _NAME_RE.match(condition.name):
                add(cwhere, "name: a lowercase name such as total")
            if condition.name in names:
                add(cwhere, "duplicate condition name")
            names.add(condition.name)
            if len(set(condition.nodes)) != len(condition.nodes):
                add(cwhere, "nodes: a node is listed twice")
            weight = Decimal(0)
            usable = True
            for code in condition.nodes:
                if code == TOTAL:
                    weight += TOTAL_WEIGHT
                    continue
                node = nodes.get(code)
                if node is None:
                    add(cwhere, f"nodes: {code} is not a node of this framework")
                    usable = False
                elif node.weight is None:
                    add(cwhere, f"nodes: {code} has no score of its own (an item of a mean node)")
                    usable = False
                else:
                    weight += node.weight
            if condition.min < 0:
                add(cwhere, "min: must not be negative")
            elif condition.measure == "percent" and condition.min > 100:
                add(cwhere, "min: a percentage cannot exceed 100")
            elif usable and condition.measure == "score" and condition.min > weight:
                add(cwhere, f"min: {condition.min} can never be reached (the weight is {weight})")
