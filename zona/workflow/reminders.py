"""The workflow's windows for reminders (zona.notifications.reminders): a unit's sheet due
(filling, or revising a returned sheet) and a tier's review due (its step's closing day).

Registered in `WorkflowConfig.ready()`. Each source reads a bounded number of queries for
the whole day's run, whatever the number of sheets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from zona.accounts.models import Role, RoleAssignment
from zona.assessments.models import Assessment, AssessmentStatus, PeriodStatus
from zona.assessments.selectors import submission_window
from zona.notifications.reminders import Window
from zona.workflow.models import ReviewTeam, TierReview, TierReviewStatus

UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_OPERATOR)


def _unit_people(unit_ids: set[int]) -> dict[int, list[Any]]:
    people: dict[int, dict[int, Any]] = defaultdict(dict)
    rows = RoleAssignment.objects.filter(unit_id__in=unit_ids, role__in=UNIT_ROLES).select_related(
        "user"
    )
    for row in rows:
        if row.unit_id is not None:
            people[row.unit_id][row.user_id] = row.user
    return {unit: list(users.values()) for unit, users in people.items()}


def sheet_windows(today: dt.date) -> Iterator[Window]:
    """Sheets the unit still has to submit: drafts (filling) and returned sheets (revision)."""
    sheets = list(
        Assessment.objects.filter(
            period__status=PeriodStatus.OPEN,
            status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED],
        )
        .select_related("unit", "period")
        .prefetch_related("period__deadlines")
    )
    people = _unit_people({s.unit_id for s in sheets})
    for sheet in sheets:
        recipients = people.get(sheet.unit_id, [])
        if not recipients:
            continue
        window = submission_window(sheet)
        # The key names the round: a sheet returned again is a new window.
        returns = sheet.returned_at.isoformat() if sheet.returned_at else "fill"
        yield Window(
            key=f"sheet:{sheet.pk}:{window.kind}:{returns}",
            recipients=recipients,
            closes_on=window.closes_on,
            title=f"{sheet.period.title}, {sheet.unit.name}",
            url=reverse("assessments:worksheet", args=[sheet.pk]),
        )


def review_windows(today: dt.date) -> Iterator[Window]:
    """Open tier reviews: the reviewers of the team covering the unit, by the step's closing
    day."""
    reviews = list(
        TierReview.objects.filter(
            status=TierReviewStatus.OPEN, assessment__period__status=PeriodStatus.OPEN
        ).select_related("assessment__unit", "assessment__period", "step", "tier")
    )
    if not reviews:
        return
    teams = list(
        ReviewTeam.objects.filter(step_id__in={r.step_id for r in reviews})
        .select_related("lead", "controller")
        .prefetch_related("members", "units")
    )
    for review in reviews:
        unit = review.assessment.unit
        recipients: dict[int, Any] = {}
        for team in teams:
            if team.step_id != review.step_id:
                continue
            if not any(unit.path.startswith(root.path) for root in team.units.all()):
                continue
            for user in [*team.members.all(), team.lead, team.controller]:
                if user is not None:
                    recipients[user.pk] = user
        if not recipients:
            continue
        yield Window(
            key=f"review:{review.pk}:{review.opened_at.isoformat() if review.opened_at else ''}",
            recipients=list(recipients.values()),
            closes_on=review.step.closes_on,
            title=f"{review.tier.name}: {review.assessment.period.title}, {unit.name}",
            url=reverse("workflow:review_tier", args=[review.assessment_id, review.tier.code]),
        )
