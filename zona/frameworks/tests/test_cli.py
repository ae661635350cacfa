"""`manage.py lke_score`: the command-line contract (input forms, output shape, exit status 2)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from zona.frameworks.services import framework_load_file

from .conftest import TINY_PATH

pytestmark = pytest.mark.django_db

SHEET: dict[str, Any] = {
    "framework": "tiny",
    "answers": {
        "A.p.m.1.a": "Ya",
        "A.p.m.1.b": "B",
        "A.r.m.1.a": {"change_agents": 10, "changes_made": 7},
        "B.1.a": 3.61,
    },
    "penalties": [{"kind": "multiply", "factor": 0.9}],
}


@pytest.fixture(autouse=True)
def _tiny() -> None:
    framework_load_file(path=TINY_PATH)


def run(text: str, tmp_path: Path) -> tuple[list[dict[str, Any]], str]:
    path = tmp_path / "input.jsonl"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("lke_score", str(path), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def fail(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "input.jsonl"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("lke_score", str(path), stdout=out, stderr=err)
    assert caught.value.returncode == 2
    assert out.getvalue() == ""  # no partial result
    return err.getvalue().splitlines()


def test_one_object(tmp_path: Path) -> None:
    [result], err = run(json.dumps(SHEET, indent=2), tmp_path)
    assert err == ""
    assert result["framework"] == "tiny"
    assert result["version"] == 1
    assert result["total_before_penalties"] == 30.29  # 7.5 + 7.0 + 15.79375
    assert result["total"] == 27.26  # x 0.9 = 27.264375
    assert result["nodes"]["A"] == {"score": 14.5, "weight": 60, "percent": 24.17}
    assert result["nodes"]["A.p.m.1"] == {"score": 7.5, "weight": 10, "percent": 75}
    assert result["nodes"]["B.1.a"] == {"score": 15.79, "weight": 17.5, "percent": 90.25}
    assert "A.p.m.1.a" not in result["nodes"]  # items of sub-areas have values, not scores
    assert result["items"]["A.r.m.1.a"] == {"value": 0.7}
    assert result["items"]["B.1.a"] == {"value": 0.9025}
    assert result["items"]["B.2.a"] == {"value": None}
    ipak = next(c for c in result["verdicts"]["wbk"]["conditions"] if c["name"] == "ipak")
    assert ipak == {"name": "ipak", "value": 15.79, "bound": 15.75, "passed": True, "gap": 0}
    assert result["verdicts"]["wbbm"]["conditions"][0] == {
        "name": "held_wbk",
        "value": False,
        "bound": True,
        "passed": False,
        "gap": None,
    }


def test_json_lines_keep_their_order(tmp_path: Path) -> None:
    lines = [
        SHEET,
        {"framework": "tiny", "version": 1, "answers": {}},
        {"framework": "tiny", "answers": {"B.2.a": 4}, "held_predicates": ["wbk"]},
    ]
    results, _ = run("\n".join(json.dumps(line) for line in lines) + "\n\n", tmp_path)
    assert [r["total"] for r in results] == [27.26, 0, 17.5]
    assert all(isinstance(r["total"], int | float) for r in results)


def test_item_values_print_with_4_decimals(tmp_path: Path) -> None:
    sheet = {
        "framework": "tiny",
        "answers": {"A.r.m.1.a": {"change_agents": 3, "changes_made": 2}},
    }
    [result], _ = run(json.dumps(sheet), tmp_path)
    assert result["items"]["A.r.m.1.a"] == {"value": 0.6667}
    # (2/3 + 0) / 2 x 20 = 6.666..., rounded half up only for display
    assert result["nodes"]["A.r.m.1"]["score"] == 6.67


def test_subtract_penalty(tmp_path: Path) -> None:
    sheet = {"framework": "tiny", "answers": {"B.2.a": 4}, "penalties": [
        {"kind": "subtract", "points": 20, "label": "viral news"}]}  # fmt: skip
    [result], _ = run(json.dumps(sheet), tmp_path)
    assert (result["total_before_penalties"], result["total"]) == (17.5, 0)


def test_every_problem_with_line_and_item(tmp_path: Path) -> None:
    lines = [
        json.dumps(SHEET),
        json.dumps(
            {
                "framework": "tiny",
                "answers": {
                    "A.p.m.1.a": "A",
                    "A.I.9.x": "A",
                    "B.1.a": 4.5,
                    "A.r.m.1.a": {"change_agents": -1, "changes_made": 1.5, "agents": 2},
                },
            }
        ),
        '{"framework": "tiny", "answers": {',
        json.dumps({"framework": "gold", "answers": {}}),
        json.dumps(
            {
                "framework": "tiny",
                "version": 7,
                "penalties": [{"kind": "multiply", "factor": 1.5}, {"kind": "divide"}],
            }
        ),
        json.dumps(
            {
                "framework": "tiny",
                "penalties": [{"kind": "subtract", "points": -1}],
                "held_predicates": ["gold"],
                "unit": "x",
            }
        ),
    ]
    errors = fail("\n".join(lines), tmp_path)
    assert errors == [
        'line 2: A.p.m.1.a: option "A" is not allowed for YN (allowed: Ya, Tidak)',
        "line 2: A.I.9.x: unknown item code",
        "line 2: B.1.a: index 4.5 must be a number from 0 to 4",
        "line 2: A.r.m.1.a: count change_agents must be a non-negative integer, got -1",
        "line 2: A.r.m.1.a: count changes_made must be a non-negative integer, got 1.5",
        'line 2: A.r.m.1.a: unknown count "agents" (counts: change_agents, changes_made)',
        "line 3: malformed JSON: Expecting property name enclosed in double quotes",
        "line 4: framework: unknown framework 'gold' (loaded: tiny; run manage.py load_frameworks)",
        "line 5: framework: tiny has no version 7 loaded (loaded: 1)",
        "line 5: penalties[0].factor: must be from 0 to 1",
        "line 5: penalties[1].kind: must be multiply or subtract",
        "line 6: unit: unknown field",
        "line 6: penalties[0].points: must not be negative",
        "line 6: held_predicates: unknown predicate 'gold' (known: wbbm, wbk)",
    ]


def test_problems_of_a_single_object_have_no_line_number(tmp_path: Path) -> None:
    sheet = {"framework": "tiny", "answers": {"B.1.b": "F"}}
    errors = fail(json.dumps(sheet, indent=2), tmp_path)
    assert errors == ['B.1.b: option "F" is not allowed for ABCDE (allowed: A, B, C, D, E)']


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "the input is empty"),
        ('{\n  "framework": "tiny",\n  "answers": {,}\n}', "malformed JSON at line 3 column"),
        ("[1, 2]", "an input must be a JSON object"),
        ('{"framework": "tiny", "answers": {"B.1.a": NaN}}', "malformed JSON"),
        ('{"answers": []}', "framework: required"),
    ],
)
def test_malformed_input(tmp_path: Path, text: str, error: str) -> None:
    errors = fail(text, tmp_path)
    assert any(error in line for line in errors), errors


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SHEET)))
    out = StringIO()
    call_command("lke_score", "-", stdout=out)
    assert json.loads(out.getvalue())["total"] == 27.26


def test_decimal_answers_are_exact(tmp_path: Path) -> None:
    # 3.6 as a binary float is 3.5999...; read as a decimal it gives exactly 15.75.
    [result], _ = run('{"framework": "tiny", "answers": {"B.1.a": 3.6}}', tmp_path)
    assert Decimal(str(result["nodes"]["B.1.a"]["score"])) == Decimal("15.75")


def _manage(*args: str, stdin: str = "", env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=120,
        check=False,
    )


# The subprocess has its own database; the test process needs none.
@pytest.mark.sqlite_pass_only
def test_through_a_real_process(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    )
    assert _manage("migrate", "--noinput", "--skip-checks", "-v0", env=env).returncode == 0
    loaded = _manage("load_frameworks", str(TINY_PATH), env=env)
    assert loaded.returncode == 0, loaded.stderr
    ok = _manage("lke_score", "-", stdin=json.dumps(SHEET), env=env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["total"] == 27.26

    bad = _manage("lke_score", "-", stdin=json.dumps(SHEET) + '\n{"framework": 1}\n', env=env)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "line 2: framework: required, the framework key" in bad.stderr.splitlines()


@pytest.mark.sqlite_pass_only
def test_scores_against_the_shipped_file_before_any_migration(tmp_path: Path) -> None:
    # A fresh clone has no database yet; the calculator still works from frameworks/*.yaml.
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    sheet = {"framework": "permenpan-rb-90-2021", "answers": {"B.I.a": 3.6, "B.I.b": "C"}}
    ok = _manage("lke_score", "-", stdin=json.dumps(sheet), env=env)
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert result["version"] == 2
    assert result["total"] == 18.25  # 3.6/4*17.5 + 0.5*5

    unknown = _manage("lke_score", "-", stdin='{"framework": "nope", "answers": {}}', env=env)
    assert unknown.returncode == 2
    assert "unknown framework 'nope'" in unknown.stderr
