"""Small groups never shown: k-anonymity for survey exports and results (issue 8 §3).

A counter officer knows who was just served, at which service and roughly their age. Had an
export listed that response alone in its (service, hour) slot, the officer could read that
person's answers. So every row of a response export is shown with a combination of time,
service, channel, when-served and profile that at least k rows share (k is
`ZONA_SURVEY_MIN_GROUP`, 5 by default):

1. Time is coarsened per group, from the hour to the day, the ISO week, the month and
   finally the whole period (shown empty). Rows whose (attributes, hour) group has k or more
   keep the hour; the rest of that day is grouped by day, and so on upwards.
2. Rows still in a group smaller than k even over the whole period get their profile
   hidden (`*`), then also channel and when-served, then the service; each time the time
   coarsening starts again at the hour.
3. Rows that are fewer than k even with everything hidden are joined by the smallest shown
   groups, which then show everything hidden too. Only when the whole export has fewer than
   k rows are they left out (their answers still count in every index and the summary).

Each shown combination is exactly one group built above: labels of different levels never
coincide, so no shown combination is held by fewer than k rows. Pure functions, no ORM.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

HIDDEN = "*"
TIME_LEVELS: tuple[str, ...] = ("hour", "day", "week", "month", "period")


def time_label(moment: datetime, level: str) -> str:
    """The time as shown at a level; `moment` is already in local time."""
    if level == "hour":
        return moment.strftime("%Y-%m-%d %H:00")
    if level == "day":
        return moment.strftime("%Y-%m-%d")
    if level == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    if level == "month":
        return moment.strftime("%Y-%m")
    return ""


@dataclass(frozen=True, slots=True)
class Shown:
    """How one row is shown: its time label and its attributes, hidden ones as `*`."""

    time: str
    attributes: tuple[str, ...]


def generalise(
    rows: Sequence[tuple[datetime, tuple[str, ...]]],
    *,
    k: int,
    tiers: Sequence[frozenset[int]],
) -> list[Shown | None]:
    """For each (local time, attributes) row: how to show it, or None to leave it out.

    `tiers` are the sets of attribute positions hidden at each step, from none to all.
    """
    result: list[Shown | None] = [None] * len(rows)
    pending = list(range(len(rows)))
    for hidden in tiers:
        for level in TIME_LEVELS:
            if not pending:
                return result
            groups: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
            for i in pending:
                moment, attributes = rows[i]
                shown = tuple(
                    HIDDEN if j in hidden else value for j, value in enumerate(attributes)
                )
                groups[(time_label(moment, level), shown)].append(i)
            pending = []
            for (label, shown), members in groups.items():
                if len(members) >= k:
                    for i in members:
                        result[i] = Shown(label, shown)
                else:
                    pending.extend(members)
    if pending:
        # Fewer than k left with everything hidden: hide whole shown groups with them,
        # smallest first, until they are k together; every other group stays as it was.
        everything = Shown("", tuple(HIDDEN for _ in rows[pending[0]][1]))
        finished: dict[Shown, list[int]] = defaultdict(list)
        for i, shown_as in enumerate(result):
            if shown_as is not None:
                finished[shown_as].append(i)
        for members in sorted(finished.values(), key=len):
            if len(pending) >= k:
                break
            pending.extend(members)
        if len(pending) < k:
            return [None] * len(rows)
        for i in pending:
            result[i] = everything
    return result


def small_groups_hidden(counts: dict[str, int], *, k: int, total: int) -> set[str]:
    """Which of a breakdown's groups to hide so that no group under k can be worked out.

    Groups under k are hidden; if what is hidden adds up to fewer than k but more than 0
    (so `total` minus the shown groups would reveal it), the smallest shown group is hidden
    too, until the hidden ones together hold at least k or everything is hidden.
    """
    hidden = {key for key, n in counts.items() if 0 < n < k}
    shown = sorted((n, key) for key, n in counts.items() if n >= k)
    rest = total - sum(n for n, _ in shown)
    while 0 < rest < k and shown:
        n, key = shown.pop(0)
        hidden.add(key)
        rest += n
    return hidden
