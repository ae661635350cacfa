"""Reads of the predicates part: the register (agency, national, public), who monitors a
predicate, the monitor's queue, the sheet a round re-scores the unit on, and the rules as
data (data/monitoring.yaml, the revocation grounds of data/program.yaml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q, QuerySet
from django.utils import translation

from zona.accounts.access import has_any_role, is_system_admin
from zona.accounts.models import Role, RoleAssignment, Unit
from zona.assessments.models import Assessment
from zona.assessments.selectors.scores import EFFECTIVE_KEY, stored_scores
from zona.national.models import (
    MonitorAssignment,
    MonitoringRound,
    MonitoringStatus,
    Predicate,
    PredicateStatus,
)
from zona.national.selectors.core import program_data

DATA = Path(__file__).resolve().parent.parent / "data" / "monitoring.yaml"

# Roles on the monitoring unit itself that make a person one of its monitors (besides the
# people named on the assignment and its review team).
MONITOR_ROLES = (Role.REVIEWER, Role.UNIT_HEAD)


@cache
def monitoring_data() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    return doc


def create_days_before_due() -> int:
    return int(monitoring_data()["create_days_before_due"])


def due_soon_days() -> int:
    return int(monitoring_data()["due_soon_days"])


def revocation_grounds() -> list[tuple[str, str]]:
    """(code, name in the active language) of data/program.yaml `revocation_grounds`."""
    lang = "en" if (translation.get_language() or "id").startswith("en") else "id"
    return [
        (str(g["code"]), str(g["name"].get(lang) or g["name"]["id"]))
        for g in program_data()["revocation_grounds"]
    ]


def grounds_name(code: str) -> str:
    return dict(revocation_grounds()).get(code, code)


def default_monitor(kind: str) -> str:
    """ "inspectorate" or "compliance": data/program.yaml `monitors`."""
    return str(program_data()["monitors"].get(kind, ""))


def is_national(user: Any) -> bool:
    """The system administrator or a TPN member (national evaluator)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_system_admin(user) or has_any_role(user, Role.NATIONAL_EVALUATOR)


# --- the register ---------------------------------------------------------------------------


def register_rows() -> QuerySet[Predicate]:
    return Predicate.objects.select_related("unit", "revocation").order_by(
        "-year", "unit__path", "kind"
    )


def agency_register(agency: Unit) -> QuerySet[Predicate]:
    return register_rows().filter(unit__path__startswith=agency.path)


def national_register(
    *,
    year: int | None = None,
    kind: str = "",
    status: str = "",
    agency: int | None = None,
) -> QuerySet[Predicate]:
    rows = register_rows()
    if year is not None:
        rows = rows.filter(year=year)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if agency is not None:
        root = Unit.objects.filter(pk=agency, depth=1).only("path").first()
        rows = rows.filter(unit__path__startswith=root.path) if root else rows.none()
    return rows


def register_years() -> list[int]:
    return sorted(set(Predicate.objects.values_list("year", flat=True)), reverse=True)


def agencies() -> QuerySet[Unit]:
    return Unit.objects.filter(depth=1).order_by("name")


@dataclass(frozen=True)
class PublicEntry:
    """What the public page shows of a predicate: nothing private."""

    unit: str
    agency: str
    kind: str
    year: int
    decree_number: str
    decree_date: dt.date
    status: str
    status_display: str


def public_register() -> list[PublicEntry]:
    rows = list(register_rows())
    roots = {u.path: u.name for u in Unit.objects.filter(depth=1).only("path", "name")}
    return [
        PublicEntry(
            unit=p.unit.name,
            agency=roots.get(p.unit.agency_path, ""),
            kind=p.kind,
            year=p.year,
            decree_number=p.decree_number,
            decree_date=p.decree_date,
            status=p.status,
            status_display=str(p.get_status_display()),
        )
        for p in rows
    ]


# --- monitors -------------------------------------------------------------------------------


def assignment_for(agency: Unit, kind: str) -> MonitorAssignment | None:
    return (
        MonitorAssignment.objects.filter(agency=agency, kind=kind)
        .select_related("monitor_unit", "team")
        .first()
    )


def assignments_of(agency: Unit) -> dict[str, MonitorAssignment]:
    rows = (
        MonitorAssignment.objects.filter(agency=agency)
        .select_related("monitor_unit", "team")
        .prefetch_related("users")
    )
    return {a.kind: a for a in rows}


def monitor_people(assignments: Iterable[MonitorAssignment]) -> dict[int, dict[int, Any]]:
    """Assignment id -> the people who monitor for it (user id -> user): the named people,
    the review team's lead, controller and members, and reviewers and heads on the
    monitoring unit. A bounded number of queries for any number of assignments."""
    rows = list(assignments)
    people: dict[int, dict[int, Any]] = {a.pk: {} for a in rows}
    through = MonitorAssignment.users.through
    for link in through.objects.filter(monitorassignment_id__in=people).select_related("user"):
        people[link.monitorassignment_id][link.user_id] = link.user
    by_unit: dict[int, list[int]] = {}
    for a in rows:
        by_unit.setdefault(a.monitor_unit_id, []).append(a.pk)
        team = a.team
        if team is not None:
            for user in [team.lead, team.controller, *team.members.all()]:
                if user is not None:
                    people[a.pk][user.pk] = user
    for ra in RoleAssignment.objects.filter(
        unit_id__in=list(by_unit), role__in=MONITOR_ROLES
    ).select_related("user"):
        for pk in by_unit.get(ra.unit_id or 0, []):
            people[pk][ra.user_id] = ra.user
    return people


def _assignment_ids_of(user: Any) -> list[int]:
    """Assignments `user` monitors for (named, in the team, or a role on the unit)."""
    if not getattr(user, "is_authenticated", False):
        return []
    units = RoleAssignment.objects.filter(user=user, role__in=MONITOR_ROLES).values("unit_id")
    q = Q(users=user) | Q(monitor_unit_id__in=units)
    q |= Q(team__lead=user) | Q(team__controller=user) | Q(team__members=user)
    return list(MonitorAssignment.objects.filter(q).values_list("pk", flat=True).distinct())


def is_monitor(user: Any, rnd: MonitoringRound) -> bool:
    """Whether `user` monitors the round's predicate (its agency's assignment for the kind)."""
    ids = _assignment_ids_of(user)
    if not ids:
        return False
    return MonitorAssignment.objects.filter(
        pk__in=ids, agency_id=rnd.agency_id, kind=rnd.predicate.kind
    ).exists()


def rounds_monitored_by(user: Any) -> QuerySet[MonitoringRound]:
    ids = _assignment_ids_of(user)
    if not ids:
        return MonitoringRound.objects.none()
    q = Q()
    pairs = MonitorAssignment.objects.filter(pk__in=ids).values_list("agency_id", "kind")
    first = True
    for agency_id, kind in pairs:
        part = Q(agency_id=agency_id, predicate__kind=kind)
        q = part if first else q | part
        first = False
    return MonitoringRound.objects.filter(q)


@dataclass(frozen=True)
class QueueRow:
    round: MonitoringRound
    state: str  # "overdue", "due" (within due_soon_days) or "upcoming"
    days: int  # days left (negative: late)

    @property
    def late(self) -> int:
        return -self.days


def round_state(rnd: MonitoringRound, today: dt.date) -> str:
    if rnd.status == MonitoringStatus.CONCLUDED:
        return "concluded"
    left = (rnd.due_on - today).days
    if left < 0:
        return "overdue"
    return "due" if left <= due_soon_days() else "upcoming"


def monitor_queue(user: Any, today: dt.date) -> list[QueueRow]:
    """The open rounds (scheduled or in progress) the user monitors and those of the
    agencies they administer (national users: every open round); the most urgent first."""
    if is_national(user):
        rows = MonitoringRound.objects.all()
    else:
        # The agency administrator follows every round of the agency too.
        from zona.accounts.access import manageable_agencies

        rows = rounds_monitored_by(user) | MonitoringRound.objects.filter(
            agency__in=manageable_agencies(user)
        )
    rows = (
        rows.exclude(status=MonitoringStatus.CONCLUDED)
        .select_related("predicate__unit", "monitor", "agency")
        .order_by("due_on", "pk")
    )
    return [QueueRow(r, round_state(r, today), (r.due_on - today).days) for r in rows]


def rounds_of(predicate: Predicate) -> list[MonitoringRound]:
    return list(
        MonitoringRound.objects.filter(predicate=predicate)
        .select_related("monitor", "assessment__period")
        .order_by("-due_on")
    )


def held_predicates_for_rounds() -> QuerySet[Predicate]:
    return Predicate.objects.filter(status=PredicateStatus.HELD).select_related("unit")


# --- the sheet a round re-scores the unit on ------------------------------------------------


def sheets_for_round(rnd: MonitoringRound) -> list[Assessment]:
    """The unit's sheets of its agency's latest period (the current LKE), newest first."""
    unit = rnd.predicate.unit
    sheets = list(
        Assessment.objects.filter(unit=unit)
        .select_related("period")
        .order_by("-period__year", "-period__opens_on", "-pk")
    )
    if not sheets:
        return []
    latest = sheets[0].period.year
    return [s for s in sheets if s.period.year == latest]


def sheet_snapshot(assessment: Assessment) -> dict[str, Any]:
    """The stored effective score and verdict of the sheet and the unit's survey indices of
    the period's year (zona.surveys through the assessments' SurveyFeed port)."""
    from zona.assessments.ports import survey_feed

    view = stored_scores([assessment.pk], keys=[EFFECTIVE_KEY]).get(assessment.pk, {})
    eff = view.get(EFFECTIVE_KEY)
    indices = survey_feed().indices_for(assessment.unit, assessment.period.year)

    def s(value: Any) -> str | None:
        return None if value is None else str(value)

    total = None
    if eff is not None:
        total = eff.total_after_deductions if eff.total_after_deductions is not None else eff.total
    return {
        "assessment": assessment.pk,
        "period": assessment.period.title,
        "year": assessment.period.year,
        "target": assessment.target,
        "total": s(total),
        "pengungkit": s(eff.pengungkit) if eff else None,
        "hasil": s(eff.hasil) if eff else None,
        "passed": eff.passed if eff else None,
        "indices": {k: s(v) for k, v in dict(indices or {}).items()},
    }


# --- form choices ---------------------------------------------------------------------------


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code.strip()).first() if code.strip() else None


def monitor_unit_choices(agency: Unit) -> list[Unit]:
    """Units that may monitor in the agency: the root and the units down to echelon II."""
    return list(Unit.objects.filter(path__startswith=agency.path, depth__lte=3).order_by("path"))


def monitor_user_choices(agency: Unit) -> list[Any]:
    """People with a role in the agency (the named monitors come from them)."""
    from zona.accounts.models import User

    return list(
        User.objects.filter(is_active=True, role_assignments__unit__path__startswith=agency.path)
        .distinct()
        .order_by("full_name", "username")
    )


def recommending_rounds(predicate: Predicate) -> list[MonitoringRound]:
    return list(
        MonitoringRound.objects.filter(
            predicate=predicate, outcome="recommend_revocation"
        ).order_by("-due_on")
    )
