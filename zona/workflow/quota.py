"""The selection rule of a round: quotas per group and the ranking (issue 10 §7).

Pure: no database. A selection round (`services/selection.py`) feeds it the sheets that
reached its tier; `manage.py select_units` feeds it a JSON file. Both get the same answer.

- A group's **applicants** are all its candidates, eligible or not.
- Its **quota** is `quota_percent` of its applicants, rounded up, down or to the nearest
  (halves up), then at least `min_per_group` when the group has applicants, and never more
  than its applicants. The percent may have decimals (33.3); the arithmetic is decimal, so
  33.3% of 3 applicants is 0.999, not 1.0000000001.
- **Ranking**: effective total, then Pengungkit, then Hasil (all descending), then the
  earlier submission, then the unit code.
- The first `quota` eligible candidates of a group in that order are selected; every other
  candidate is not selected, with the reason `not_eligible` or `over_quota`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Rounding(StrEnum):
    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


_DECIMAL_ROUNDING = {
    Rounding.UP: ROUND_CEILING,
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.NEAREST: ROUND_HALF_UP,
}


class Candidate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Annotated[str, Field(min_length=1, max_length=64)]
    group: Annotated[str, Field(min_length=1, max_length=128)]
    eligible: bool
    total: float
    pengungkit: float
    hasil: float
    submitted_at: dt.datetime

    @field_validator("total", "pengungkit", "hasil")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("submitted_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone offset, e.g. 2027-05-02T10:00:00+07:00")
        return value


class SelectionInput(BaseModel):
    """The rule's input, as `manage.py select_units` reads it."""

    model_config = ConfigDict(extra="forbid")

    quota_percent: Annotated[Decimal, Field(ge=0, le=100)]
    rounding: Rounding = Rounding.UP
    min_per_group: Annotated[int, Field(ge=0)] = 1
    candidates: list[Candidate]

    @field_validator("candidates")
    @classmethod
    def _unique_units(cls, value: list[Candidate]) -> list[Candidate]:
        counts = Counter(c.unit for c in value)
        twice = sorted(unit for unit, n in counts.items() if n > 1)
        if twice:
            raise ValueError(f"each unit may appear once; repeated: {', '.join(twice)}")
        return value


@dataclass(frozen=True)
class GroupResult:
    applicants: int
    quota: int
    selected: tuple[str, ...]


@dataclass(frozen=True)
class SelectionResult:
    groups: dict[str, GroupResult]
    selected: tuple[str, ...]
    # (unit, reason) with reason "not_eligible" or "over_quota", in ranking order.
    not_selected: tuple[tuple[str, str], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "groups": {
                name: {"applicants": g.applicants, "quota": g.quota, "selected": list(g.selected)}
                for name, g in self.groups.items()
            },
            "selected": list(self.selected),
            "not_selected": [{"unit": u, "reason": r} for u, r in self.not_selected],
        }


def group_quota(
    applicants: int, quota_percent: Decimal | float | str, rounding: Rounding | str, minimum: int
) -> int:
    """The number of units a group with `applicants` may send on."""
    if applicants <= 0:
        return 0
    share = Decimal(str(quota_percent)) * applicants / 100
    quota = int(share.quantize(Decimal(1), rounding=_DECIMAL_ROUNDING[Rounding(rounding)]))
    return min(max(quota, minimum), applicants)


def rank_key(c: Candidate) -> tuple[float, float, float, dt.datetime, str]:
    """Best first: total, Pengungkit, Hasil (descending), earlier submission, unit code."""
    return (-c.total, -c.pengungkit, -c.hasil, c.submitted_at, c.unit)


def select(data: SelectionInput) -> SelectionResult:
    ranked = sorted(data.candidates, key=rank_key)
    by_group: dict[str, list[Candidate]] = {}
    for c in ranked:
        by_group.setdefault(c.group, []).append(c)
    groups: dict[str, GroupResult] = {}
    chosen: set[str] = set()
    for name in sorted(by_group):
        members = by_group[name]
        quota = group_quota(len(members), data.quota_percent, data.rounding, data.min_per_group)
        picked = tuple(c.unit for c in members if c.eligible)[:quota]
        chosen.update(picked)
        groups[name] = GroupResult(applicants=len(members), quota=quota, selected=picked)
    selected = tuple(c.unit for c in ranked if c.unit in chosen)
    not_selected = tuple(
        (c.unit, "over_quota" if c.eligible else "not_eligible")
        for c in ranked
        if c.unit not in chosen
    )
    return SelectionResult(groups=groups, selected=selected, not_selected=not_selected)


def parse(raw: str | bytes) -> SelectionInput:
    """Read the JSON input; raises `InputProblems` with one line per problem."""
    try:
        return SelectionInput.model_validate_json(raw)
    except ValidationError as exc:
        raise InputProblems(
            [
                f"{'.'.join(str(p) for p in err['loc']) or '(input)'}: {err['msg']}"
                for err in exc.errors()
            ]
        ) from None


class InputProblems(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
