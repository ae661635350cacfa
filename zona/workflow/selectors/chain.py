"""Reading the review chain: the steps of a period with their teams and load, the objects an
administrator may change, the windows (for periods and task lists), and separation of duties.

Separation of duties, precisely:

- On a sheet (`separation_refusal`): nobody reviews a unit they belong to. A person belongs
  to their home unit and to every unit above it (a satker's staff do not review their
  Kanwil's own sheet), and to every unit where they hold a unit role (operator, unit head,
  working-group member), with its sub-units when that role covers them. And one person acts
  for one tier per sheet: whoever changed an answer, a note or evidence in another layer of
  this sheet (the unit's or another tier's), or took a workflow action on it in another
  tier, is refused in this tier.
- In a team (`team_member_refusal`): a team reviews whole sub-trees; its roots are usually
  the reviewing office itself (a Kanwil's staff review the satker below it, the Inspectorate
  reviews the whole ministry). So a person is refused when they hold a unit role on a unit
  in those sub-trees, or when their home unit lies in them and has a sheet in the period:
  they would review their own sheet. The sheet guard above still applies on each sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zona.accounts.access import manageable_users
from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.assessments.models import AnswerChange, Assessment, AssessmentStatus, Period
from zona.core.api.params import int_or_none
from zona.core.errors import Refusal
from zona.workflow.models import ChainStep, ReviewTeam, TierReview, TierReviewStatus, WorkflowEvent

# Roles that make a person part of a unit (as opposed to reviewing or reading it).
UNIT_ROLES = (Role.UNIT_OPERATOR, Role.UNIT_HEAD, Role.WORKING_GROUP)


# --- separation of duties ---------------------------------------------------------------------


def _ancestor_paths(path: str, steplen: int) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def separation_refusal(user: User, assessment: Assessment, tier: ReviewTier) -> Refusal | None:
    """Why `user` may not review `assessment` in `tier` (separation of duties), or None.

    At most three queries; the reviews part calls it as a guard on every action in a tier.
    """
    unit = assessment.unit
    home = user.home_unit
    if home is not None and home.path.startswith(unit.path):
        return Refusal(
            "own_unit",
            _("You work at %(unit)s or one of its units: you cannot review its sheet.")
            % {"unit": unit.name},
        )
    ancestors = _ancestor_paths(unit.path, Unit.steplen)
    member = RoleAssignment.objects.filter(user=user, role__in=UNIT_ROLES).filter(
        Q(unit=unit) | Q(covers_subtree=True, unit__path__in=ancestors)
    )
    if member.exists():
        return Refusal(
            "own_unit",
            _("You hold a role in %(unit)s: you cannot review its sheet.") % {"unit": unit.name},
        )
    answered = (
        AnswerChange.objects.filter(assessment=assessment, changed_by=user)
        .exclude(layer__tier=tier)
        .exists()
    )
    acted = (
        WorkflowEvent.objects.filter(assessment=assessment, actor=user, tier__isnull=False)
        .exclude(tier=tier)
        .exists()
    )
    if answered or acted:
        return Refusal(
            "other_tier",
            _(
                "You already acted on this sheet in another layer: one person acts for one tier "
                "per sheet."
            ),
        )
    return None


def team_member_refusal(person: User, period: Period, roots: Sequence[Unit]) -> Refusal | None:
    """Why `person` may not be in a team reviewing the sub-trees under `roots`, or None."""
    if not roots:
        return None
    within = Q()
    for root in roots:
        within |= Q(unit__path__startswith=root.path)
    role = (
        RoleAssignment.objects.filter(user=person, role__in=UNIT_ROLES)
        .filter(within)
        .select_related("unit")
        .first()
    )
    if role is not None and role.unit is not None:
        return Refusal(
            "own_unit",
            _("%(name)s holds a role in %(unit)s, which this team would review.")
            % {"name": person, "unit": role.unit.name},
        )
    home = person.home_unit
    if (
        home is not None
        and any(home.path.startswith(r.path) for r in roots)
        and Assessment.objects.filter(period=period, unit=home).exists()
    ):
        return Refusal(
            "own_unit",
            _("%(name)s works at %(unit)s, whose sheet this team would review.")
            % {"name": person, "unit": home.name},
        )
    return None


# --- access -----------------------------------------------------------------------------------


def steps_of(period: Period) -> QuerySet[ChainStep]:
    return ChainStep.objects.filter(period=period).select_related("tier").order_by("position")


def access_step_by_id(period: Period, step_id: object) -> ChainStep:
    """A step of `period` (which the caller fetched through `access_period_by_id`); else 404."""
    pk = int_or_none(step_id)
    step = steps_of(period).select_related("period__agency").filter(pk=pk).first() if pk else None
    if step is None:
        raise Http404
    return step


def access_team_by_id(step: ChainStep, team_id: object) -> ReviewTeam:
    pk = int_or_none(team_id)
    team = (
        ReviewTeam.objects.filter(step=step, pk=pk).select_related("lead", "controller").first()
        if pk
        else None
    )
    if team is None:
        raise Http404
    return team


def step_started(step: ChainStep) -> bool:
    return TierReview.objects.filter(step=step).exclude(status=TierReviewStatus.WAITING).exists()


# --- the windows (zona.assessments.ports.ChainWindows) -----------------------------------------


def steps_outside(period: Period, opens_on: dt.date, closes_on: dt.date) -> list[ChainStep]:
    """The steps of `period` whose windows would not lie within `opens_on`..`closes_on` (the
    period's dates being changed), in chain order."""
    return list(steps_of(period).filter(Q(opens_on__lt=opens_on) | Q(closes_on__gt=closes_on)))


def open_step_closes(assessments: QuerySet[Assessment]) -> dict[int, dict[int, dt.date]]:
    """Per sheet among `assessments` with an open tier review: {tier id: its step's closing
    date}. One query: the sheets are a subquery."""
    found: dict[int, dict[int, dt.date]] = {}
    rows = TierReview.objects.filter(
        assessment_id__in=assessments.order_by().values("pk"), status=TierReviewStatus.OPEN
    ).values_list("assessment_id", "tier_id", "step__closes_on")
    for assessment_id, tier_id, closes_on in rows:
        found.setdefault(assessment_id, {})[tier_id] = closes_on
    return found


class WorkflowChainWindows:
    """The workflow's side of `zona.assessments.ports.ChainWindows` (registered in
    apps.ready())."""

    def outside(self, period: Any, opens_on: Any, closes_on: Any) -> list[tuple[str, Any, Any]]:
        return [
            (s.tier.name, s.opens_on, s.closes_on)
            for s in steps_outside(period, opens_on, closes_on)
        ]

    def open_steps(self, assessments: Any) -> dict[int, dict[int, Any]]:
        return open_step_closes(assessments)


# --- the chain page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamLoad:
    team: ReviewTeam
    units: tuple[Unit, ...]
    members: tuple[User, ...]
    sheets: int
    submitted: int


@dataclass(frozen=True)
class StepView:
    step: ChainStep
    scopes: tuple[Unit, ...]
    teams: tuple[TeamLoad, ...]
    started: bool
    # Sheets of the period in the step's sub-trees, and those no team covers.
    sheets: int
    uncovered: int


def _covered(path: str, roots: Iterable[Unit]) -> bool:
    return any(path.startswith(r.path) for r in roots)


def chain_overview(period: Period) -> list[StepView]:
    """The steps of the period in order, each with its teams and their load (sheets and
    submitted sheets in the team's sub-trees). A fixed number of queries however many steps,
    teams or units: the sheets are read once and matched by path."""
    steps = list(steps_of(period).prefetch_related("scopes"))
    teams = list(
        ReviewTeam.objects.filter(step__period=period)
        .select_related("lead", "controller")
        .prefetch_related("units", "members")
        .order_by("name")
    )
    started = set(
        TierReview.objects.filter(step__period=period)
        .exclude(status=TierReviewStatus.WAITING)
        .values_list("step_id", flat=True)
        .distinct()
    )
    sheets = list(Assessment.objects.filter(period=period).values_list("unit__path", "status"))
    submitted_states = {AssessmentStatus.SUBMITTED}
    views = []
    for step in steps:
        scopes = tuple(step.scopes.all())
        in_step = [(p, s) for p, s in sheets if not scopes or _covered(p, scopes)]
        loads = []
        covered_paths: set[str] = set()
        for team in (t for t in teams if t.step_id == step.pk):
            units = tuple(sorted(team.units.all(), key=lambda u: u.path))
            mine = [(p, s) for p, s in in_step if _covered(p, units)]
            covered_paths.update(p for p, _s in mine)
            loads.append(
                TeamLoad(
                    team=team,
                    units=units,
                    members=tuple(sorted(team.members.all(), key=lambda u: str(u))),
                    sheets=len(mine),
                    submitted=sum(1 for _p, s in mine if s in submitted_states),
                )
            )
        views.append(
            StepView(
                step=step,
                scopes=scopes,
                teams=tuple(loads),
                started=step.pk in started,
                sheets=len(in_step),
                uncovered=sum(1 for p, _s in in_step if p not in covered_paths),
            )
        )
    return views


def chain_sources(period: Period) -> QuerySet[Period]:
    """Other periods of the agency with a chain to copy, the latest first."""
    return (
        Period.objects.filter(agency=period.agency)
        .exclude(pk=period.pk)
        .annotate(n_steps=Count("chain_steps"))
        .filter(n_steps__gt=0)
        .order_by("-year", "-opens_on")
    )


def agency_tiers(period: Period) -> QuerySet[ReviewTier]:
    return ReviewTier.objects.filter(agency=period.agency).order_by("rank")


def agency_units(period: Period) -> QuerySet[Unit]:
    """Units of the agency that can root a sub-tree in the chain (below the agency root)."""
    return Unit.objects.filter(path__startswith=period.agency.path, depth__gt=1).order_by("path")


def agency_units_by_ids(period: Period, ids: Iterable[object]) -> list[Unit]:
    """The units of the period's agency among `ids` (others, and bad ids, are left out)."""
    pks = {pk for pk in (int_or_none(i) for i in ids) if pk}
    return list(agency_units(period).filter(pk__in=pks))


def agency_regions(period: Period) -> list[str]:
    return sorted(
        set(agency_units(period).exclude(region="").values_list("region", flat=True).distinct())
    )


def agency_people(actor: User, period: Period) -> QuerySet[User]:
    """Accounts of the agency the administrator may put in teams (and give roles to)."""
    return (
        manageable_users(actor)
        .filter(home_unit__path__startswith=period.agency.path, is_active=True)
        .select_related("home_unit")
        .order_by("full_name", "username")
    )


def agency_people_by_ids(actor: User, period: Period, ids: Iterable[object]) -> list[User]:
    pks = {pk for pk in (int_or_none(i) for i in ids) if pk}
    return list(agency_people(actor, period).filter(pk__in=pks))
