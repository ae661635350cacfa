"""The command-line contract: survey_index and sample_size."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError


def run(name, *args, stdin=None):
    out, err = StringIO(), StringIO()
    if stdin is not None:
        old = sys.stdin
        sys.stdin = StringIO(stdin)
    try:
        call_command(name, *args, stdout=out, stderr=err)
    finally:
        if stdin is not None:
            sys.stdin = old
    return out.getvalue(), err.getvalue()


def index_of(payload, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(payload))
    out, _ = run("survey_index", str(path))
    assert out.count("\n") == 1
    return json.loads(out)


SPAK = [
    {"Q1": 6, "Q2": 5, "Q3": 6, "Q4": 4, "Q5": 6},
    {"Q1": 5, "Q2": 5, "Q3": 6, "Q5": 5},
    {"Q1": 4, "Q2": 6, "Q3": 6, "Q4": 5},
]


@pytest.mark.django_db
def test_spak_index(tmp_path):
    result = index_of({"instrument": "spak", "responses": SPAK}, tmp_path)
    assert result == {
        "instrument": "spak",
        "version": 1,
        "respondents": 3,
        "items": {
            "Q1": {"mean": 5.0, "answered": 3},
            "Q2": {"mean": 5.3333, "answered": 3},
            "Q3": {"mean": 6.0, "answered": 3},
            "Q4": {"mean": 4.5, "answered": 2},
            "Q5": {"mean": 5.5, "answered": 2},
        },
        "index": 3.5111,
    }


@pytest.mark.django_db
def test_skm_gives_ikm_and_grade(tmp_path):
    codes = [f"Q{i}" for i in range(1, 10)]
    responses = [
        dict(zip(codes, [3, 3, 4, 2, 3, 3, 4, 3, 3], strict=True)),
        dict(zip(codes, [4, 3, 3, 3, 3, 4, 4, 2, 3], strict=True)),
    ]
    result = index_of({"instrument": "skm", "responses": responses}, tmp_path)
    assert result["ikm"] == 79.17
    assert result["grade"] == "B"
    assert "index" not in result
    assert result["items"]["Q1"] == {"mean": 3.5, "answered": 2}


@pytest.mark.django_db
def test_spkp_from_stdin_with_skipped_items_and_no_answers():
    payload = {"instrument": "spkp", "responses": [{"Q1": 6}, {}]}
    out, _ = run("survey_index", "-", stdin=json.dumps(payload))
    result = json.loads(out)
    assert result["respondents"] == 2
    assert result["items"]["Q1"] == {"mean": 6.0, "answered": 1}
    assert result["items"]["Q2"] == {"mean": None, "answered": 0}
    assert result["index"] == 4.0


@pytest.mark.django_db
def test_every_problem_is_listed_with_status_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "instrument": "spak",
                "responses": [
                    {"Q1": 7, "Q2": 0},
                    {"Q6": 3, "Q3": "5"},
                    {"Q4": 2.5, "Q5": True},
                    [],
                ],
            }
        )
    )
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("survey_index", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "responses[0].Q1: 7 is outside the scale 1-6",
        "responses[0].Q2: 0 is outside the scale 1-6",
        "responses[1].Q6: not an item of spak (items: Q1, Q2, Q3, Q4, Q5)",
        'responses[1].Q3: "5" is not a whole number',
        'responses[2].Q4: "2.5" is not a whole number',
        "responses[2].Q5: true is not a whole number",
        "responses[3]: must be an object of item code -> answer",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "malformed JSON"),
        ('{"instrument": "nope", "responses": []}', "unknown instrument"),
        ('{"instrument": "spak"}', "responses: required"),
        ('{"instrument": "spak", "responses": [], "x": 1}', "x: unknown field"),
    ],
)
def test_bad_input_exits_2(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("survey_index", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert message in err.getvalue() + str(caught.value)


@pytest.mark.django_db
def test_a_loaded_version_is_used_when_asked(tmp_path):
    call_command("load_instruments", stdout=StringIO())
    result = index_of({"instrument": "spak", "version": 1, "responses": SPAK}, tmp_path)
    assert result["index"] == 3.5111
    path = tmp_path / "v9.json"
    path.write_text(json.dumps({"instrument": "spak", "version": 9, "responses": SPAK}))
    with pytest.raises(CommandError):
        call_command("survey_index", str(path), stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["100"], "80"),
        (["1000000"], "384"),
        (["1000", "--method", "slovin"], "286"),
        (["1000", "--method", "slovin", "--margin", "0.1"], "91"),
        (["1000", "--margin", "0.1"], "88"),
    ],
)
def test_sample_size(args, expected):
    out, _ = run("sample_size", *args)
    assert out == expected + "\n"


@pytest.mark.parametrize(
    "args", [["-5"], ["ten"], ["100", "--margin", "x"], ["100", "--margin", "2"]]
)
def test_sample_size_rejects_bad_input(args):
    with pytest.raises(CommandError) as caught:
        run("sample_size", *args)
    assert caught.value.returncode == 2


@pytest.mark.sqlite_pass_only
def test_commands_from_a_shell_without_a_database(tmp_path):
    """The contract as users run it: python manage.py ..., exit codes, stdout and stderr."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path}/missing/db.sqlite3",
    )
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    ok = subprocess.run(  # noqa: S603 (our own manage.py)
        [*manage, "survey_index", "-"],
        input=json.dumps({"instrument": "spak", "responses": SPAK}),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["index"] == 3.5111
    bad = subprocess.run(  # noqa: S603
        [*manage, "survey_index", "-"],
        input=json.dumps({"instrument": "skm", "responses": [{"Q1": 5, "Q9": 0}]}),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert "responses[0].Q1: 5 is outside the scale 1-4" in bad.stderr
    assert "responses[0].Q9: 0 is outside the scale 1-4" in bad.stderr
    assert bad.stdout == ""
    size = subprocess.run(  # noqa: S603
        [*manage, "sample_size", "500"], capture_output=True, text=True, env=env, check=False
    )
    assert (size.returncode, size.stdout) == (0, "217\n")
