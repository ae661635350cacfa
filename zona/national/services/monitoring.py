"""Monitoring of predicates (issue 11 §4): who monitors each kind in an agency, the rounds
due every NationalSettings.monitoring_cycle_months after the decree, and the monitor's
actions on a round (start, link the sheet, conclude: tables/monitoring.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import Unit, User
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.national.models import (
    MonitorAssignment,
    MonitoringRound,
    MonitoringStatus,
    Predicate,
    PredicateKind,
    PredicateStatus,
)
from zona.national.selectors.core import add_months, national_settings
from zona.national.selectors.predicates import (
    create_days_before_due,
    monitor_people,
    sheet_snapshot,
    sheets_for_round,
)
from zona.national.tables.monitoring import MONITORING_ROUND
from zona.notifications.services import notify
from zona.workflow.engine import apply
from zona.workflow.models import ReviewTeam


def monitor_assign(
    *,
    actor: Any,
    agency: Unit,
    kind: str,
    monitor_unit: Unit | None,
    team: ReviewTeam | None = None,
    users: Iterable[User] = (),
) -> MonitorAssignment:
    """Set who monitors `kind` in `agency` (the agency administrator): a unit of the agency,
    optionally a review team of the agency and named people."""
    if not user_can(actor, Perm.UNIT_MANAGE, agency):
        raise PermissionDenied(_("Only the agency administrator sets the monitors."))
    problems: list[Problem] = []
    if kind not in PredicateKind.values:
        problems.append(Problem("kind", _("Choose WBK or WBBM."), field="kind"))
    if monitor_unit is None or not monitor_unit.path.startswith(agency.path):
        problems.append(
            Problem(
                "monitor_unit",
                _("Choose a unit of the agency as the monitor."),
                field="monitor_unit",
            )
        )
    if team is not None and not team.step.period.agency.path.startswith(agency.path):
        problems.append(Problem("team", _("Choose a team of this agency."), field="team"))
    people = list(users)
    if problems or monitor_unit is None:
        raise ValidationFailed(_("The monitor was not set."), problems=problems)
    with transaction.atomic():
        assignment, created = MonitorAssignment.objects.update_or_create(
            agency=agency,
            kind=kind,
            defaults={"monitor_unit": monitor_unit, "team": team, "updated_by": actor},
        )
        assignment.users.set(people)
        audit_record(
            actor=actor,
            action="monitor.assigned",
            target=assignment,
            unit=agency,
            details={
                "kind": kind,
                "monitor_unit": monitor_unit.code,
                "team": team.name if team else None,
                "users": sorted(u.username for u in people),
                "created": created,
            },
        )
    return assignment


def next_due(predicate: Predicate, rounds_due: Iterable[dt.date], cycle_months: int) -> dt.date:
    """The first due date (decree + k cycles, k >= 1) after every round the predicate had."""
    last = max(rounds_due, default=None)
    k = 1
    while True:
        due = add_months(predicate.decree_date, cycle_months * k)
        if last is None or due > last:
            return due
        k += 1


def monitoring_rounds_create(*, today: dt.date | None = None, actor: Any = None) -> int:
    """Create the rounds coming due: for each held predicate without an open round, the next
    due date when it is at most `create_days_before_due` days away (or already past).
    Idempotent: running it twice creates nothing new. Returns the number created."""
    today = today or timezone.localdate()
    cycle = national_settings().monitoring_cycle_months
    horizon = today + dt.timedelta(days=create_days_before_due())
    predicates = list(Predicate.objects.filter(status=PredicateStatus.HELD).select_related("unit"))
    if not predicates:
        return 0
    dues: dict[int, list[dt.date]] = {}
    open_ids: set[int] = set()
    for pk, due_on, status in MonitoringRound.objects.filter(
        predicate_id__in=[p.pk for p in predicates]
    ).values_list("predicate_id", "due_on", "status"):
        dues.setdefault(pk, []).append(due_on)
        if status != MonitoringStatus.CONCLUDED:
            open_ids.add(pk)
    roots = {u.path: u for u in Unit.objects.filter(depth=1)}
    assignments = {
        (a.agency_id, a.kind): a
        for a in MonitorAssignment.objects.select_related("monitor_unit", "team").prefetch_related(
            "team__members"
        )
    }
    people = monitor_people(assignments.values())
    created = 0
    for predicate in predicates:
        if predicate.pk in open_ids:
            continue
        due = next_due(predicate, dues.get(predicate.pk, []), cycle)
        if due > horizon:
            continue
        agency = roots.get(predicate.unit.agency_path)
        if agency is None:
            continue
        assignment = assignments.get((agency.pk, predicate.kind))
        try:
            with transaction.atomic():
                rnd = MonitoringRound.objects.create(
                    predicate=predicate,
                    agency=agency,
                    due_on=due,
                    monitor=assignment.monitor_unit if assignment else None,
                )
                audit_record(
                    actor=actor,
                    action="monitoring_round.created",
                    target=rnd,
                    unit=predicate.unit,
                    details={"kind": predicate.kind, "due_on": due.isoformat()},
                )
                if assignment is not None:
                    notify(
                        recipients=list(people.get(assignment.pk, {}).values()),
                        kind="monitoring.round_created",
                        params={
                            "unit": predicate.unit.name,
                            "kind": predicate.kind,
                            "year": predicate.year,
                            "due_on": due.isoformat(),
                        },
                        url=reverse("national:monitoring_round", args=[rnd.pk]),
                        key=f"monitoring.round_created:{rnd.pk}",
                    )
        except IntegrityError:
            continue  # made by a run at the same moment
        created += 1
    return created


def monitoring_start(
    *, actor: Any, rnd: MonitoringRound, now: dt.datetime | None = None
) -> MonitoringRound:
    return apply(MONITORING_ROUND, rnd, "start", actor, now=now)


def monitoring_link_sheet(
    *, actor: Any, rnd: MonitoringRound, assessment_id: int | None
) -> MonitoringRound:
    """Link the unit's sheet of the current period (the monitor picks it) and keep its stored
    score, verdict and survey indices with the round. Only while the round is in progress."""
    from zona.accounts.access import is_system_admin
    from zona.national.selectors.predicates import is_monitor

    if not (is_system_admin(actor) or is_monitor(actor, rnd)):
        raise PermissionDenied(_("Only the monitor of this predicate acts on the round."))
    if rnd.status != MonitoringStatus.IN_PROGRESS:
        raise StateError(
            _("Start the round first; a concluded round keeps its sheet."),
            problems=[Problem("wrong_state", _("The round is not in progress."))],
        )
    sheet = next((s for s in sheets_for_round(rnd) if s.pk == assessment_id), None)
    if sheet is None:
        raise ValidationFailed(
            _("The sheet was not linked."),
            problems=[
                Problem(
                    "sheet",
                    _("Choose a sheet of the unit in the current period."),
                    field="assessment",
                )
            ],
        )
    with transaction.atomic():
        row = MonitoringRound.objects.select_for_update().get(pk=rnd.pk)
        row.assessment = sheet
        row.snapshot = {**sheet_snapshot(sheet), "taken_at": timezone.now().isoformat()}
        row.save(update_fields=["assessment", "snapshot"])
        audit_record(
            actor=actor,
            action="monitoring_round.sheet_linked",
            target=row,
            unit=rnd.predicate.unit,
            details={"assessment": sheet.pk, "total": row.snapshot.get("total")},
        )
    return row


def monitoring_conclude(
    *,
    actor: Any,
    rnd: MonitoringRound,
    outcome: str,
    findings: str,
    follow_up: str = "",
    now: dt.datetime | None = None,
) -> MonitoringRound:
    return apply(
        MONITORING_ROUND,
        rnd,
        "conclude",
        actor,
        now=now,
        data={"outcome": outcome, "findings": findings, "follow_up": follow_up},
    )
