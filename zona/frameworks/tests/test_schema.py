"""The framework file format: what is accepted, and every problem reported with its code."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from zona.frameworks.schema import (
    FrameworkDoc,
    FrameworkInvalid,
    canonical_json,
    content_hash,
    document_json,
    parse_framework,
)

from .conftest import TINY_TEXT, dump, find_node, tiny_raw


def problems_of(raw: dict[str, Any] | str) -> list[tuple[str, str]]:
    with pytest.raises(FrameworkInvalid) as caught:
        parse_framework(raw if isinstance(raw, str) else dump(raw))
    return [(p.code, p.reason) for p in caught.value.framework_problems]


def test_tiny_framework_parses(tiny_doc: FrameworkDoc) -> None:
    assert tiny_doc.key == "tiny"
    assert tiny_doc.version == 1
    assert [n.code for n in tiny_doc.nodes] == ["A", "B"]
    assert len(tiny_doc.items()) == 11
    assert {i.type for i in tiny_doc.items()} == {"YN", "ABC", "ABCD", "ABCDE", "PCT", "NUM4"}


def test_hash_ignores_layout_and_number_spelling() -> None:
    raw = tiny_raw()
    find_node(raw, "A.p.m")["weight"] = 30.00
    find_node(raw, "B.1")["weight"] = 22.50
    reformatted = dump(raw)  # different layout, no comments, 30.0 instead of 30
    assert content_hash(parse_framework(reformatted)) == content_hash(parse_framework(TINY_TEXT))


def test_hash_changes_with_content() -> None:
    raw = tiny_raw()
    find_node(raw, "A.p.m.1.a")["question"]["en"] = "Is there a team?"
    assert content_hash(parse_framework(dump(raw))) != content_hash(parse_framework(TINY_TEXT))


def test_stored_document_reads_back_to_the_same_document(tiny_doc: FrameworkDoc) -> None:
    again = FrameworkDoc.model_validate(document_json(tiny_doc))
    assert again == tiny_doc
    assert canonical_json(again) == canonical_json(tiny_doc)
    # Numbers stay numbers in the stored JSON.
    assert document_json(tiny_doc)["nodes"][1]["children"][0]["weight"] == 22.5


def test_item_option_values_may_come_from_the_option_set(tiny_doc: FrameworkDoc) -> None:
    item = next(i for i in tiny_doc.items() if i.code == "A.p.m.1.b")
    assert [o.value for o in item.options] == [None, None, None]


Mutation = Callable[[dict[str, Any]], None]


def _set(code: str, field: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        find_node(raw, code)[field] = value

    return mutate


def _delete(code: str, field: str) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        del find_node(raw, code)[field]

    return mutate


def _top(field: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        raw[field] = value

    return mutate


def _option_value(code: str, index: int, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        find_node(raw, code)["options"][index]["value"] = value

    return mutate


def _drop_option(code: str) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        find_node(raw, code)["options"].pop()

    return mutate


def _condition(predicate: int, index: int, field: str, value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        raw["predicates"][predicate]["conditions"][index][field] = value

    return mutate


def _formula(code: str, **changes: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        formula = find_node(raw, code)["formula"]
        for key, value in changes.items():
            if value is None:
                formula.pop(key, None)
            else:
                formula[key] = value

    return mutate


def _duplicate_code(raw: dict[str, Any]) -> None:
    find_node(raw, "A.p.m.1.b")["code"] = "A.p.m.1.a"


def _mean_child_is_group(raw: dict[str, Any]) -> None:
    find_node(raw, "A.p.m.1")["children"].append(
        {
            "code": "A.I.1.i.x",
            "title": {"id": "x", "en": "x"},
            "weight": 1,
            "aggregate": "mean",
            "children": [],
        }
    )


BROKEN: list[tuple[str, Mutation, str, str]] = [
    # (case, mutation, expected problem code, part of the reason)
    ("bad key", _top("key", "Tiny_Framework"), "key", "lowercase"),
    ("version zero", _top("version", 0), "version", "greater than or equal to 1"),
    ("version text", _top("version", "1"), "version", "integer"),
    ("languages", _top("languages", ["id"]), "languages", "id, en"),
    ("missing regulation", _top("regulation", None), "regulation", "LocalizedText"),
    ("unknown field", _top("colour", "blue"), "colour", "Extra inputs"),
    ("duplicate code", _duplicate_code, "A.p.m.1.a", "duplicate code"),
    ("code not under parent", _set("A.p.m.1.b", "code", "A.I.2.i.b"), "A.I.2.i.b", "parent code"),
    ("unknown type", _set("A.p.m.1.a", "type", "YESNO"), "A.p.m.1.a", "type"),
    ("too few options", _drop_option("A.p.m.2.a"), "A.p.m.2.a", "exactly 4 options"),
    ("option out of range", _option_value("A.p.m.2.a", 1, 1.5), "A.p.m.2.a", "outside 0..1"),
    (
        "options not falling",
        _option_value("A.p.m.2.a", 2, 0.8),
        "A.p.m.2.a",
        "fall strictly",
    ),
    ("option without meaning", _option_value("A.p.m.1.a", 0, "x"), "A.p.m.1.a", "number"),
    ("sum weights", _set("A.p.m.2", "weight", 19), "A.p.m", "sum to 29"),
    ("top weights", _set("B", "weight", 45), "nodes", "sum to 100"),
    ("weight on mean item", _set("A.p.m.1.a", "weight", 1), "A.p.m.1.a", "take no weight"),
    ("no weight on sum item", _delete("B.1.b", "weight"), "B.1.b", "need their own weight"),
    ("mean child is group", _mean_child_is_group, "A.I.1.i.x", "must be items"),
    ("group without aggregate", _delete("A.p.m.1", "aggregate"), "A.p.m.1", "aggregate"),
    ("item without question", _delete("A.p.m.1.a", "question"), "A.p.m.1.a", "question"),
    ("NUM4 with options", _set("B.1.a", "options", [{"key": "A"}]), "B.1.a", "NUM4"),
    ("PCT without counts", _set("A.r.m.1.a", "counts", []), "A.r.m.1.a", "counts"),
    (
        "formula uses unknown count",
        _formula("A.r.m.1.a", numerator=["changes"]),
        "A.r.m.1.a",
        "not one of the item's counts",
    ),
    (
        "formula uses informational count",
        _formula("A.r.m.1.b", current="sanctioned"),
        "A.r.m.1.b",
        "informational",
    ),
    (
        "ratio without zero rule",
        _formula("A.r.m.1.a", zero_denominator=None),
        "A.r.m.1.a",
        "zero_denominator",
    ),
    ("source on choice item", _set("B.1.b", "source", "ipak"), "B.1.b", "source"),
    (
        "condition on unknown node",
        _condition(0, 1, "nodes", ["A.IX"]),
        "predicates.wbk.pengungkit",
        "not a node",
    ),
    (
        "condition on mean item",
        _condition(0, 1, "nodes", ["A.p.m.1.a"]),
        "predicates.wbk.pengungkit",
        "no score of its own",
    ),
    (
        "unreachable bound",
        _condition(0, 1, "min", 61),
        "predicates.wbk.pengungkit",
        "never be reached",
    ),
    ("percent above 100", _condition(0, 2, "min", 101), "predicates.wbk.area_1", "exceed 100"),
    (
        "bad measure",
        _condition(0, 2, "measure", "share"),
        "predicates.wbk",
        "conditions.2.measure",
    ),
    ("area not declared", _set("A.p.m", "area", "9"), "A.p.m", "not one of the file's areas"),
    ("area inside another", _set("A.p.m.1", "area", "B"), "A.p.m.1", "already in area 1"),
    ("item in no area", _delete("A.p.m", "area"), "A.p.m.1.a", "in no area"),
    (
        "duplicate area",
        lambda raw: raw["areas"].append(dict(raw["areas"][0])),
        "areas.1",
        "duplicate area key",
    ),
    (
        "skm rounds on a group",
        _top("skm_rounds", {"item": "A.p.m", "options": [{"rounds": 0, "option": "A"}]}),
        "skm_rounds.item",
        "not a choice item",
    ),
    (
        "skm rounds unknown option",
        _top("skm_rounds", {"item": "A.p.m.1.b", "options": [{"rounds": 0, "option": "E"}]}),
        "skm_rounds.options",
        "E is not an option",
    ),
    (
        "skm rounds rising",
        _top(
            "skm_rounds",
            {
                "item": "A.p.m.1.b",
                "options": [{"rounds": 1, "option": "A"}, {"rounds": 2, "option": "B"}],
            },
        ),
        "skm_rounds.options",
        "fall strictly",
    ),
    (
        "skm rounds without zero",
        _top("skm_rounds", {"item": "A.p.m.1.b", "options": [{"rounds": 2, "option": "A"}]}),
        "skm_rounds.options",
        "for 0 rounds",
    ),
    (
        "required predicate listed later",
        lambda raw: raw["predicates"].reverse(),
        "predicates.wbbm",
        "must be listed before wbbm",
    ),
    (
        "requires unknown predicate",
        lambda raw: raw["predicates"][1].update(requires_predicate="gold"),
        "predicates.wbbm",
        "requires_predicate",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "code", "reason"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_file_names_the_node_and_the_reason(
    mutation: Mutation, code: str, reason: str
) -> None:
    raw = tiny_raw()
    mutation(raw)
    problems = problems_of(raw)
    assert any(c == code and reason in r for c, r in problems), problems


def test_every_problem_is_reported_in_one_pass() -> None:
    raw = tiny_raw()
    _duplicate_code(raw)
    _set("A.p.m.2", "weight", 19)(raw)
    _drop_option("A.r.m.2.a")(raw)
    _set("B.2.a", "type", "NUM5")(raw)  # a structural error in one node ...
    _condition(1, 0, "nodes", ["Z"])(raw)
    problems = problems_of(raw)
    codes = {code for code, _ in problems}
    # ... does not hide the cross-node problems elsewhere in the tree.
    assert {
        "A.p.m.1.a",
        "A.p.m",
        "A.r.m.2.a",
        "B.2.a",
        "predicates.wbbm.total",
    } <= codes, problems


def test_not_yaml() -> None:
    assert problems_of("key: [unclosed")[0][0] == "(file)"


def test_not_a_mapping() -> None:
    assert problems_of("- just\n- a list\n") == [("(file)", "the file must be a YAML mapping")]


def test_yaml_booleans_are_not_option_keys() -> None:
    raw = tiny_raw()
    find_node(raw, "A.p.m.1.a")["options"][0]["key"] = True
    assert any(code == "A.p.m.1.a" for code, _ in problems_of(raw))


def test_problem_labels_for_the_api_shape() -> None:
    raw = tiny_raw()
    _set("A.p.m.2", "weight", 19)(raw)
    with pytest.raises(FrameworkInvalid) as caught:
        parse_framework(dump(raw))
    assert caught.value.problems[0].as_dict()["field"] == "A.p.m"


def test_weights_may_be_typed_with_decimals(tiny_doc: FrameworkDoc) -> None:
    b1 = tiny_doc.nodes[1].children[0]
    assert b1.weight == Decimal("22.5")
    assert str(b1.children[0].weight) == "17.5"


def test_the_example_in_the_format_doc_is_valid() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "framework-format.md").read_text(encoding="utf-8")
    example = text.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    doc = parse_framework(example)
    assert doc.key == "contoh-mini"
    assert [item.code for item in doc.items()] == ["A.1.a", "A.1.b", "B.a", "B.b"]
    assert doc.node_areas() == {
        "A": None,
        "A.1": "tim",
        "A.1.a": "tim",
        "A.1.b": "tim",
        "B": "hasil",
        "B.a": "hasil",
        "B.b": "hasil",
    }
    assert doc.skm_rounds is not None
    assert doc.skm_rounds.option_for(1) == "B"
    assert [p.requires_predicate for p in doc.predicates] == [None, "wbk"]


def test_areas_are_inherited_and_the_mapping_reads_rounds(tiny_doc: FrameworkDoc) -> None:
    areas = tiny_doc.node_areas()
    assert areas["A"] is None
    assert areas["A.p.m.2.c"] == areas["A.r.m.1.a"] == "1"
    assert areas["B.2.a"] == "B"
    assert tiny_doc.skm_rounds is not None
    assert [tiny_doc.skm_rounds.option_for(n) for n in (0, 1, 2, 5)] == ["C", "B", "A", "A"]


def test_a_file_without_areas_needs_none() -> None:
    raw = tiny_raw()
    del raw["areas"]
    for code in ("A.p.m", "A.r.m", "B"):
        del find_node(raw, code)["area"]
    raw.pop("skm_rounds")
    doc = parse_framework(dump(raw))
    assert set(doc.node_areas().values()) == {None}
