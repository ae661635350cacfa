"""A sheet's history: changes per item, who worked on which area, submissions and returns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max

from zona.assessments.models import AnswerChange, Assessment, AssessmentStatus
from zona.assessments.sheet import sheet_spec
from zona.audit.models import AuditEvent


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


# --- submissions and returns -----------------------------------------------------------------

WORKFLOW_ACTIONS = ("assessment.submitted", "assessment.returned")


@dataclass(frozen=True)
class WorkflowEvent:
    """A submission or a return of the sheet."""

    returned: bool
    # A submission after a return (it names the items that had been reopened).
    resubmitted: bool
    at: dt.datetime
    who: str
    tier: str
    reason: str
    # The items returned or revised (empty: the whole sheet, or a first submission).
    items: tuple[str, ...]

    @property
    def action(self) -> str:
        if self.returned:
            return "returned"
        return "resubmitted" if self.resubmitted else "submitted"


def workflow_events(assessment: Assessment) -> list[WorkflowEvent]:
    """The sheet's submissions and returns, oldest first, from the audit log (one query)."""
    rows = (
        AuditEvent.objects.filter(
            target_type=Assessment._meta.label_lower,
            target_id=str(assessment.pk),
            action__in=WORKFLOW_ACTIONS,
        )
        .order_by("created_at", "id")
        .values("action", "created_at", "actor_repr", "details")
    )
    events = []
    for row in rows:
        details = row["details"] or {}
        returned = row["action"] == "assessment.returned"
        resubmitted = not returned and details.get("from") == AssessmentStatus.RETURNED
        items = details.get("items") if returned else details.get("returned_items")
        events.append(
            WorkflowEvent(
                returned=returned,
                resubmitted=resubmitted,
                at=row["created_at"],
                who=row["actor_repr"],
                tier=details.get("tier_name") or details.get("tier") or "",
                reason=details.get("reason", ""),
                items=tuple(items or ()) if returned or resubmitted else (),
            )
        )
    return events
