"""The shipped LKE of PermenPAN-RB 90/2021, checked against the tables of the domain spec (§2.2).

This is the only test module that reads the real file; the rest use the tiny fixture.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from zona.frameworks.models import Framework, Node
from zona.frameworks.schema import FrameworkDoc, parse_framework
from zona.frameworks.scoring import CompiledFramework, compile_framework, score, validate_answers

PATH = Path(settings.BASE_DIR) / "frameworks" / "permenpan-rb-90-2021.yaml"
D = Decimal

# area weight | sub-area weight: item types ... (from the tables in zi-domain.md §2.2)
PEMENUHAN = """
A.I.1 4.00 | i 0.50 YN ABC | ii 1.00 YN ABC ABC | iii 1.00 ABCD ABCD ABCD | iv 1.50 YN ABC ABC ABCD
A.I.2 3.50 | i 1.00 ABCD ABCDE ABCDE | ii 2.00 ABC ABC ABC ABC | iii 0.50 ABC ABC
A.I.3 5.00 | i 0.25 YN ABCD YN | ii 0.50 YN ABCDE YN | iii 1.25 YN ABCD ABCD ABCD ABCD ABC
           | iv 2.00 ABCD ABCD ABCDE YN | v 0.75 ABCD | vi 0.25 ABC
A.I.4 5.00 | i 2.50 ABC ABC ABCD | ii 2.50 YN YN YN ABCD YN ABC YN ABC
A.I.5 7.50 | i 1.50 ABC ABCD | ii 1.50 ABCDE ABCDE ABC ABC | iii 1.50 ABC YN ABC ABC
           | iv 1.50 ABC ABC ABC | v 1.50 ABCD ABCD ABCD ABC ABC
A.I.6 5.00 | i 1.00 ABCDE ABCD ABCD YN | ii 1.00 ABCDE ABCD ABCD ABCD ABCD ABCDE
           | iii 1.00 ABCDE ABC ABC | iv 1.00 ABCDE ABC ABCD | v 1.00 ABCD YN ABC
"""
REFORM = """
A.II.1 4.00 | i 2.00 PCT PCT | ii 1.00 ABCDE | iii 1.00 ABCD
A.II.2 3.50 | i 0.50 ABCD | ii 1.00 ABC ABC | iii 2.00 ABCDE ABCDE ABCDE
A.II.3 5.00 | i 1.50 ABC | ii 1.50 ABC | iii 2.00 PCT
A.II.4 5.00 | i 2.00 PCT | ii 1.50 ABCD | iii 1.50 ABCD
A.II.5 7.50 | i 2.50 ABCDE | ii 3.00 PCT | iii 2.00 PCT PCT
A.II.6 5.00 | i 2.50 ABCD PCT | ii 2.50 ABCD
"""
HASIL = {"B.I": ("22.5", {"B.I.a": ("NUM4", "17.5"), "B.I.b": ("ABCDE", "5")}),
         "B.II": ("17.5", {"B.II.a": ("NUM4", "17.5")})}  # fmt: skip
PCT_COUNTS = {
    "A.II.1.i.a": {"change_agents", "changes_made"},
    "A.II.1.i.b": {"changes_made", "changes_integrated"},
    "A.II.3.iii.a": {"violations_last_year", "violations_this_year", "sanctioned"},
    "A.II.4.i.a": {"targets_total", "targets_achieved"},
    "A.II.5.ii.a": {"complaints_to_follow_up", "complaints_in_process", "complaints_resolved"},
    "A.II.5.iii.a": {"head_of_unit", "officials_obliged", "others_obliged", "reports_filed"},
    "A.II.5.iii.b": {"administrators", "supervisors", "functional_and_clerical", "reports_filed"},
    "A.II.6.i.b": {"services_registered", "services_eased"},
}


def expected_tree(table: str) -> dict[str, tuple[Decimal, dict[str, tuple[Decimal, list[str]]]]]:
    """{area: (weight, {sub-area: (weight, [item types])})} from the table text."""
    tree: dict[str, tuple[Decimal, dict[str, tuple[Decimal, list[str]]]]] = {}
    area = ""
    for line in table.strip().splitlines():
        head, *subareas = (part.strip() for part in line.split("|"))
        if head:
            area, weight = head.split()
            tree[area] = (D(weight), {})
        for subarea in subareas:
            numeral, weight, *types = subarea.split()
            tree[area][1][f"{area}.{numeral}"] = (D(weight), types)
    return tree


@pytest.fixture(scope="module")
def doc() -> FrameworkDoc:
    return parse_framework(PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fw(doc: FrameworkDoc) -> CompiledFramework:
    return compile_framework(doc)


def test_identity(doc: FrameworkDoc) -> None:
    assert doc.key == "permenpan-rb-90-2021"
    assert doc.version == 2
    assert doc.languages == ["id", "en"]


def test_item_counts(fw: CompiledFramework) -> None:
    items = list(fw.items)
    assert sum(code.startswith("A.I.") for code in items) == 87
    assert sum(code.startswith("A.II.") for code in items) == 23
    assert sum(code.startswith("B.") for code in items) == 3
    assert len(items) == 113


def test_weights_sum_to_100(fw: CompiledFramework) -> None:
    roots = [node for node in fw.nodes.values() if node.parent is None]
    assert [(n.code, n.weight) for n in roots] == [("A", D(60)), ("B", D(40))]
    for code in ("A.I", "A.II"):
        assert fw.nodes[code].weight == D(30)


@pytest.mark.parametrize("table", [PEMENUHAN, REFORM], ids=["pemenuhan", "reform"])
def test_tree_matches_the_domain_tables(fw: CompiledFramework, table: str) -> None:
    tree = expected_tree(table)
    part = next(iter(tree)).rsplit(".", 1)[0]
    assert fw.nodes[part].children == tuple(tree)
    for area, (weight, subareas) in tree.items():
        assert fw.nodes[area].weight == weight, area
        assert fw.nodes[area].children == tuple(subareas), area
        for subarea, (sub_weight, types) in subareas.items():
            node = fw.nodes[subarea]
            assert (node.weight, node.aggregate, node.kind) == (sub_weight, "mean", "subarea")
            letters = "abcdefghijklmnopqrstuvwxyz"[: len(types)]
            assert node.children == tuple(f"{subarea}.{letter}" for letter in letters)
            assert [fw.items[c].answer_type for c in node.children] == types, subarea


def test_hasil(fw: CompiledFramework) -> None:
    assert fw.nodes["B"].children == tuple(HASIL)
    for part, (weight, items) in HASIL.items():
        assert fw.nodes[part].weight == D(weight)
        assert fw.nodes[part].children == tuple(items)
        for code, (answer_type, item_weight) in items.items():
            assert (fw.items[code].answer_type, fw.items[code].weight) == (
                answer_type,
                D(item_weight),
            )
    assert (fw.items["B.I.a"].source, fw.items["B.II.a"].source) == ("ipak", "ipkp")


def test_option_values(fw: CompiledFramework) -> None:
    expected = {
        "YN": ["1", "0"],
        "ABC": ["1", "0.5", "0"],
        "ABCD": ["1", "0.67", "0.33", "0"],
        "ABCDE": ["1", "0.75", "0.5", "0.25", "0"],
    }
    for code, item in fw.items.items():
        if item.options:
            assert list(item.options.values()) == [D(v) for v in expected[item.answer_type]], code


def test_pct_counts(fw: CompiledFramework) -> None:
    pct = {code: item for code, item in fw.items.items() if item.answer_type == "PCT"}
    assert {code: set(item.counts) for code, item in pct.items()} == PCT_COUNTS
    decrease = pct["A.II.3.iii.a"].formula
    assert decrease is not None
    assert decrease.kind == "decrease"
    filed = pct["A.II.5.iii.a"].formula
    assert filed is not None
    assert set(filed.denominator) == {"head_of_unit", "officials_obliged", "others_obliged"}


def test_predicate_bounds(fw: CompiledFramework) -> None:
    bounds = {
        p.key: {c.name: (c.nodes, c.measure, c.bound) for c in p.conditions} for p in fw.predicates
    }
    for key, total, a, area, b1, b1b, b2 in (
        ("wbk", 75, 40, 60, "18.25", "2.5", 14),
        ("wbbm", 85, 48, 75, "19.5", "3.75", "15.75"),
    ):
        conditions = bounds[key]
        assert conditions["total"] == (("TOTAL",), "score", D(total))
        assert conditions["pengungkit"] == (("A",), "score", D(a))
        for k in range(1, 7):
            assert conditions[f"area_{k}"] == ((f"A.I.{k}", f"A.II.{k}"), "percent", D(area))
        assert conditions["hasil_b1"] == (("B.I",), "score", D(b1))
        assert conditions["ipak"] == (("B.I.a",), "score", D("15.75"))
        assert conditions["kinerja"] == (("B.I.b",), "score", D(b1b))
        assert conditions["ipkp"] == (("B.II",), "score", D(b2))
    assert [p.requires for p in fw.predicates] == [None, "wbk"]


def best(fw: CompiledFramework) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for code, item in fw.items.items():
        if item.options:
            answers[code] = next(iter(item.options))
        elif item.answer_type == "NUM4":
            answers[code] = D(4)
        else:
            answers[code] = dict.fromkeys(item.counts, 0)  # zero denominators count as 1
    return answers


def test_all_best_answers(fw: CompiledFramework) -> None:
    card = score(fw, best(fw))
    assert card.total == D(100)
    assert card.verdicts["wbk"].passed
    assert not card.verdicts["wbbm"].passed
    assert [c.name for c in card.verdicts["wbbm"].conditions if not c.passed] == ["held_wbk"]
    assert score(fw, best(fw), held_predicates={"wbk"}).verdicts["wbbm"].passed


def test_all_empty(fw: CompiledFramework) -> None:
    card = score(fw, {})
    assert card.total == 0
    assert not card.verdicts["wbk"].passed


def test_domain_examples(fw: CompiledFramework) -> None:
    # §2.3: A.I.1.ii answered Ya, C, A gives 0.67; IPAK 3.60 gives 15.75; C on B.I.b gives 2.50.
    card = score(fw, {"A.I.1.ii.a": "Ya", "A.I.1.ii.b": "C", "A.I.1.ii.c": "A", "B.I.a": D("3.60")})
    shown = card.as_dict()["nodes"]
    assert shown["A.I.1.ii"]["score"] == D("0.67")
    assert shown["B.I.a"]["score"] == D("15.75")
    assert score(fw, {"B.I.b": "C"}).as_dict()["nodes"]["B.I.b"]["score"] == D("2.50")


@pytest.mark.django_db
def test_loads_and_scores_from_the_command_line(tmp_path: Path) -> None:
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert "created: permenpan-rb-90-2021 v2" in out.getvalue()
    framework = Framework.objects.get(key="permenpan-rb-90-2021", version=2)
    assert framework.nodes.filter(kind=Node.Kind.ITEM).count() == 113
    assert framework.nodes.filter(kind=Node.Kind.SUBAREA).count() == 42
    assert framework.nodes.get(code="A.I.3.iv").weight == D("2.00")

    sheet = tmp_path / "sheet.json"
    sheet.write_text(
        '{"framework": "permenpan-rb-90-2021", "answers": {"A.I.1.i.a": "Ya", "B.I.a": 3.6}}'
    )
    out = StringIO()
    call_command("lke_score", str(sheet), stdout=out)
    assert '"A.I.1.i": {"score": 0.25, "weight": 0.5, "percent": 50.0}' in out.getvalue()
    assert '"total": 16.0' in out.getvalue()


def test_counts_are_bounded_as_the_regulation_reads_them(fw: CompiledFramework) -> None:
    # Sanctions cannot outnumber this year's violations; filed LHKPN reports cannot outnumber
    # those obliged to file; a unit has one head; no count reaches a million.
    problems = validate_answers(
        fw,
        {
            "A.II.3.iii.a": {
                "violations_last_year": 4,
                "violations_this_year": 2,
                "sanctioned": 3,
            },
            "A.II.5.iii.a": {
                "head_of_unit": 1,
                "officials_obliged": 5,
                "others_obliged": 10,
                "reports_filed": 17,
            },
            "A.II.5.iii.b": {
                "administrators": 2,
                "supervisors": 1,
                "functional_and_clerical": 2,
                "reports_filed": 5,
            },
            "A.II.4.i.a": {"targets_total": 2_000_000, "targets_achieved": 1},
        },
    )
    assert [(p.item, p.code) for p in problems] == [
        ("A.II.3.iii.a", "count_exceeds"),
        ("A.II.5.iii.a", "count_exceeds"),
        ("A.II.4.i.a", "count_too_large"),
    ]
    head = validate_answers(
        fw,
        {
            "A.II.5.iii.a": {
                "head_of_unit": 2,
                "officials_obliged": 0,
                "others_obliged": 0,
                "reports_filed": 0,
            }
        },
    )
    assert [p.code for p in head] == ["count_too_large"]


def test_working_group_areas_pair_pemenuhan_and_reform(fw: CompiledFramework) -> None:
    """Area k is Pemenuhan k with Reform k; B is the Hasil component (declared in the file)."""
    assert fw.area_keys == ("1", "2", "3", "4", "5", "6", "B")
    for code in fw.items:
        parts = code.split(".")
        expected = "B" if parts[0] == "B" else parts[2]
        assert fw.nodes[code].area == expected, code
    assert fw.areas[2].title.en == "Area 3 · Human resources management"


def test_skm_rounds_answer_a_i_6_iv_a(doc: FrameworkDoc) -> None:
    rounds = doc.skm_rounds
    assert rounds is not None
    assert rounds.item == "A.I.6.iv.a"
    assert [rounds.option_for(n) for n in (0, 1, 2, 3, 4, 9)] == ["E", "D", "C", "B", "A", "A"]


def test_wbbm_is_judged_with_wbk_held(fw: CompiledFramework) -> None:
    assert [p.key for p in fw.predicates] == ["wbk", "wbbm"]
    assert fw.prerequisites("wbbm") == {"wbk"}
    assert fw.prerequisites("wbk") == frozenset()
