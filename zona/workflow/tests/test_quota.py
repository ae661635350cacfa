"""The selection rule (`zona.workflow.quota`) and `manage.py select_units`."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from zona.workflow.quota import Candidate, Rounding, SelectionInput, group_quota, rank_key, select

WIB = dt.timezone(dt.timedelta(hours=7))


def cand(unit, group="G", *, eligible=True, total=80.0, p=45.0, h=35.0, day=1):
    return Candidate(
        unit=unit,
        group=group,
        eligible=eligible,
        total=total,
        pengungkit=p,
        hasil=h,
        submitted_at=dt.datetime(2027, 5, day, 10, tzinfo=WIB),
    )


@pytest.mark.parametrize(
    ("applicants", "percent", "rounding", "minimum", "expected"),
    [
        (5, 50, "up", 1, 3),
        (5, 50, "down", 1, 2),
        (5, 50, "nearest", 1, 3),  # 2.5: halves go up
        (7, 50, "nearest", 1, 4),  # 3.5
        (3, "33.3", "up", 1, 1),  # 0.999: decimal arithmetic, not 1.0000001
        (3, "33.4", "up", 1, 2),  # 1.002
        (3, "33.3", "nearest", 1, 1),
        (1, 30, "down", 1, 1),  # every region is represented
        (1, 30, "down", 0, 0),
        (2, 10, "up", 5, 2),  # never more than the applicants
        (0, 50, "up", 1, 0),  # no applicants, no quota
        (10, 100, "down", 1, 10),
    ],
)
def test_group_quota(applicants, percent, rounding, minimum, expected):
    assert group_quota(applicants, percent, rounding, minimum) == expected


def test_ranking_total_then_pengungkit_hasil_submission_code():
    data = SelectionInput(
        quota_percent=Decimal(100),
        candidates=[
            cand("E", total=80, p=45, h=35, day=2),
            cand("D", total=80, p=45, h=35, day=2),
            cand("C", total=80, p=45, h=35, day=1),
            cand("B", total=80, p=45, h=36),
            cand("A", total=80, p=46, h=30),
            cand("Z", total=81, p=1, h=1),
        ],
    )
    assert select(data).selected == ("Z", "A", "B", "C", "D", "E")


def test_reasons_and_groups():
    data = SelectionInput(
        quota_percent=Decimal(50),
        rounding=Rounding.DOWN,
        candidates=[
            cand("A", "G1", total=90),
            cand("B", "G1", total=85),
            cand("C", "G1", total=99, eligible=False),
            cand("D", "G1", total=70),
            cand("E", "G2", total=60),
        ],
    )
    result = select(data).as_json()
    assert result["groups"] == {
        "G1": {"applicants": 4, "quota": 2, "selected": ["A", "B"]},
        "G2": {"applicants": 1, "quota": 1, "selected": ["E"]},
    }
    assert result["selected"] == ["A", "B", "E"]
    assert result["not_selected"] == [
        {"unit": "C", "reason": "not_eligible"},
        {"unit": "D", "reason": "over_quota"},
    ]


candidates_st = st.lists(
    st.builds(
        cand,
        st.text("ABCDEFGHIJKLMNOP", min_size=1, max_size=3),
        st.sampled_from(["G1", "G2", "G3"]),
        eligible=st.booleans(),
        total=st.floats(0, 100),
        p=st.floats(0, 60),
        h=st.floats(0, 40),
        day=st.integers(1, 28),
    ),
    max_size=30,
    unique_by=lambda c: c.unit,
)


@settings(max_examples=150, deadline=None)
@given(
    candidates_st,
    st.decimals(0, 100, places=1),
    st.sampled_from(["up", "down", "nearest"]),
    st.integers(0, 3),
)
def test_rule_properties(candidates, percent, rounding, minimum):
    data = SelectionInput(
        quota_percent=percent, rounding=rounding, min_per_group=minimum, candidates=candidates
    )
    result = select(data)
    by_unit = {c.unit: c for c in candidates}
    # Every candidate is decided exactly once.
    decided = list(result.selected) + [u for u, _r in result.not_selected]
    assert sorted(decided) == sorted(by_unit)
    for name, group in result.groups.items():
        members = [c for c in candidates if c.group == name]
        eligible = sorted((c for c in members if c.eligible), key=rank_key)
        assert group.applicants == len(members)
        assert group.quota <= len(members)
        if members:
            assert group.quota >= min(minimum, len(members))
        # The best eligible, as many as the quota allows.
        assert list(group.selected) == [c.unit for c in eligible[: group.quota]]
    for unit, reason in result.not_selected:
        assert reason == ("over_quota" if by_unit[unit].eligible else "not_eligible")
    ranked = [rank_key(by_unit[u]) for u in result.selected]
    assert ranked == sorted(ranked)


def run_command(stdin_text, monkeypatch, *args):
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin_text.encode())))
    code = 0
    try:
        call_command("select_units", *args or ("-",), stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_command_prints_one_json_line(monkeypatch, tmp_path):
    payload = {
        "quota_percent": 50,
        "rounding": "up",
        "min_per_group": 1,
        "candidates": [
            {
                "unit": u,
                "group": "G1",
                "eligible": u != "B",
                "total": t,
                "pengungkit": 45.2,
                "hasil": 35.3,
                "submitted_at": "2027-05-02T10:00:00+07:00",
            }
            for u, t in [("A", 80.5), ("B", 90), ("C", 70), ("D", 60), ("E", 50)]
        ],
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(payload))
    code, out, err = run_command("", monkeypatch, str(path))
    assert code == 0
    assert err == ""
    assert out.count("\n") <= 1
    result = json.loads(out)
    assert result["groups"]["G1"] == {"applicants": 5, "quota": 3, "selected": ["A", "C", "D"]}
    assert result["selected"] == ["A", "C", "D"]
    assert result["not_selected"] == [
        {"unit": "B", "reason": "not_eligible"},
        {"unit": "E", "reason": "over_quota"},
    ]
    code_stdin, out_stdin, _ = run_command(json.dumps(payload), monkeypatch)
    assert (code_stdin, out_stdin) == (0, out)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ('{"quota_percent": 150, "candidates": []}', "quota_percent"),
        ('{"quota_percent": 50, "rounding": "sideways", "candidates": []}', "rounding"),
        ('{"quota_percent": 50, "min_per_group": -1, "candidates": []}', "min_per_group"),
        ('{"quota_percent": 50, "candidates": [{"unit": "A"}]}', "candidates.0.group"),
        (
            '{"quota_percent": 50, "candidates": [{"unit": "A", "group": "G", "eligible": true,'
            ' "total": 1, "pengungkit": 1, "hasil": 1, "submitted_at": "2027-05-02T10:00:00"}]}',
            "time zone",
        ),
        ("not json", "(input)"),
        ('{"quota_percent": 50, "candidates": [], "extra": 1}', "extra"),
    ],
)
def test_command_refuses_bad_input(monkeypatch, payload, problem):
    code, out, err = run_command(payload, monkeypatch)
    assert code == 2
    assert out == ""
    assert problem in err


def test_command_refuses_repeated_units(monkeypatch):
    one = {
        "unit": "A",
        "group": "G",
        "eligible": True,
        "total": 1,
        "pengungkit": 1,
        "hasil": 1,
        "submitted_at": "2027-05-02T10:00:00+07:00",
    }
    code, out, err = run_command(
        json.dumps({"quota_percent": 50, "candidates": [one, one]}), monkeypatch
    )
    assert (code, out) == (2, "")
    assert "repeated: A" in err


def test_command_missing_file(tmp_path, monkeypatch):
    code, out, err = run_command("", monkeypatch, str(tmp_path / "nope.json"))
    assert (code, out) == (2, "")
    assert "nope.json" in err
