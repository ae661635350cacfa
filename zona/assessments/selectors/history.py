"""A sheet's history: changes per item and who worked on which area (submissions and returns
are the workflow's: `WorkflowEvent`, read by zona/workflow/selectors/sheet.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max

from zona.assessments.models import AnswerChange, Assessment
from zona.assessments.sheet import sheet_spec


def item_history(assessment: Assessment, item_code: str) -> list[AnswerChange]:
    return list(
        AnswerChange.objects.filter(assessment=assessment, item_code=item_code)
        .select_related("changed_by", "layer__tier")
        .order_by("-changed_at", "-id")
    )


@dataclass(frozen=True)
class PersonActivity:
    """What one person changed in the unit's layer of a sheet."""

    name: str
    # Working-group area ("—": an item in no area) -> number of changes, by area.
    areas: dict[str, int]
    items: int
    changes: int
    last: dt.datetime


def activity_by_user(assessment: Assessment) -> list[PersonActivity]:
    """Who changed what: per user and LKE area, the number of changes and the last one."""
    rows = (
        AnswerChange.objects.filter(assessment=assessment, layer__tier__isnull=True)
        .values("changed_by_id", "changed_by__full_name", "changed_by__username", "item_code")
        .annotate(n=Count("id"), last=Max("changed_at"))
    )
    spec = sheet_spec(assessment.period.framework)
    names: dict[int | None, str] = {}
    areas: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    items: dict[int | None, set[str]] = defaultdict(set)
    last: dict[int | None, dt.datetime] = {}
    for row in rows:
        who = row["changed_by_id"]
        names[who] = row["changed_by__full_name"] or row["changed_by__username"] or "—"
        areas[who][spec.area_of(row["item_code"]) or "—"] += row["n"]
        items[who].add(row["item_code"])
        if who not in last or row["last"] > last[who]:
            last[who] = row["last"]
    people = [
        PersonActivity(
            name=name,
            areas=dict(sorted(areas[who].items())),
            items=len(items[who]),
            changes=sum(areas[who].values()),
            last=last[who],
        )
        for who, name in names.items()
    ]
    return sorted(people, key=lambda p: p.last, reverse=True)


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The unit's most recent assessment in an earlier period (for carry-forward)."""
    return (
        Assessment.objects.filter(
            unit_id=assessment.unit_id, period__year__lte=assessment.period.year
        )
        .exclude(pk=assessment.pk)
        .filter(created_at__lt=assessment.created_at)
        .select_related("period")
        .order_by("-period__year", "-created_at")
        .first()
    )
