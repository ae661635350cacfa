"""PCT count bounds as data: `at_most` (a sum of other counts), `max` and the file's
`count_max`; checked in the schema, by `validate_answers` and by `lke_score`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from zona.frameworks.schema import FrameworkInvalid, parse_framework
from zona.frameworks.scoring import (
    CountBreach,
    compile_framework,
    count_breaches,
    validate_answers,
)

from .conftest import dump, find_node, tiny_raw


def _bounded() -> dict[str, Any]:
    raw = tiny_raw()
    raw["count_max"] = 1000
    counts = find_node(raw, "A.r.m.1.b")["counts"]
    counts[2]["at_most"] = ["violations_this_year"]
    agents = find_node(raw, "A.r.m.1.a")["counts"]
    agents[0]["max"] = 50
    return raw


def test_bounds_compile_and_default_to_the_file_maximum() -> None:
    fw = compile_framework(parse_framework(dump(_bounded())))
    rules = {r.key: r for r in fw.items["A.r.m.1.b"].count_rules}
    assert rules["sanctioned"].at_most == ("violations_this_year",)
    assert rules["sanctioned"].max == 1000
    assert {r.key: r.max for r in fw.items["A.r.m.1.a"].count_rules} == {
        "change_agents": 50,
        "changes_made": 1000,
    }


def test_answers_outside_the_bounds_are_problems() -> None:
    fw = compile_framework(parse_framework(dump(_bounded())))
    ok = {"violations_last_year": 4, "violations_this_year": 2, "sanctioned": 2}
    assert validate_answers(fw, {"A.r.m.1.b": ok}) == []
    bad = validate_answers(
        fw,
        {
            "A.r.m.1.b": {**ok, "sanctioned": 3},
            "A.r.m.1.a": {"change_agents": 51, "changes_made": 1001},
        },
    )
    assert [(p.item, p.code) for p in bad] == [
        ("A.r.m.1.b", "count_exceeds"),
        ("A.r.m.1.a", "count_too_large"),
        ("A.r.m.1.a", "count_too_large"),
    ]
    assert "sanctioned (3) may not exceed violations_this_year (2)" in bad[0].message


def test_a_partial_answer_is_checked_as_far_as_it_goes() -> None:
    fw = compile_framework(parse_framework(dump(_bounded())))
    rules = fw.items["A.r.m.1.b"].count_rules
    # The sum bound waits until its counts are given; the maximum does not.
    assert count_breaches(rules, {"sanctioned": 9}) == []
    assert count_breaches(rules, {"sanctioned": 1001}) == [
        CountBreach("sanctioned", 1001, 1000, ())
    ]


def test_a_bound_naming_an_unknown_count_is_refused() -> None:
    raw = _bounded()
    find_node(raw, "A.r.m.1.b")["counts"][2]["at_most"] = ["violations_next_year"]
    with pytest.raises(FrameworkInvalid) as exc:
        parse_framework(dump(raw))
    assert "violations_next_year is not one of the item's counts" in str(exc.value)
    raw = _bounded()
    find_node(raw, "A.r.m.1.b")["counts"][2]["max"] = -1
    with pytest.raises(FrameworkInvalid):
        parse_framework(dump(raw))


def test_files_without_bounds_keep_their_hash() -> None:
    from zona.core.yamlfiles import content_hash

    from .conftest import TINY_TEXT

    plain = parse_framework(TINY_TEXT)
    assert content_hash(plain) == content_hash(parse_framework(dump(tiny_raw())))
    assert content_hash(plain) != content_hash(parse_framework(dump(_bounded())))


@pytest.mark.django_db
def test_lke_score_reports_counts_out_of_bounds(tmp_path: Path) -> None:
    raw = _bounded()
    raw["key"] = "tiny-bounds"
    path = tmp_path / "tiny-bounds.yaml"
    path.write_text(dump(raw), encoding="utf-8")
    call_command("load_frameworks", str(path), stdout=StringIO())
    sheet = tmp_path / "sheet.json"
    answers = {"A.r.m.1.b": {"violations_last_year": 4, "violations_this_year": 2, "sanctioned": 3}}
    sheet.write_text(json.dumps({"framework": "tiny-bounds", "answers": answers}))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("lke_score", str(sheet), stdout=out, stderr=err)
    assert "sanctioned (3) may not exceed violations_this_year (2)" in err.getvalue()
