"""The review chain of a period and its teams: the agency administrator's writes.

Rules an administrator meets here (each refusal says why):

- A chain step is one of the agency's own review tiers, once per period. The order of the
  steps is the order of the tiers' ranks (a later step is a higher tier): positions are
  renumbered from the ranks on every change, a position given by hand must agree.
- A step's window lies inside the period (the period's closing locks every layer, so a
  window past it could never be used) and the windows run in chain order: a step opens and
  closes no earlier than the step before it.
- Once a step's reviews have started (a TierReview past "waiting"), its tier, sub-trees,
  opening date and sign-off rule stay as they are and it cannot be removed: the sheets in it
  were routed and opened under them. Its closing date may still move (an extension). No step
  can be added before a started step either: the sheets past that point would skip it.
- A team reviews whole sub-trees (`units` are their roots) inside the step's sub-trees;
  nobody joins a team that would review their own unit (see `team_member_refusal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.accounts.services import role_assign, role_update
from zona.assessments.models import Period
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed, ZonaError
from zona.workflow.models import ChainStep, ReviewTeam, TierReview, TierReviewStatus
from zona.workflow.selectors.chain import team_member_refusal

# --- helpers ----------------------------------------------------------------------------------


def _require_manager(actor: User, period: Period) -> None:
    if not user_can(actor, Perm.PERIOD_MANAGE, period.agency):
        raise PermissionDenied(_("You cannot change the review chain of this period."))


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems[0].message, problems=problems)


def _lock_period(period: Period) -> Period:
    # Serialise chain edits of one period: positions and windows compare the steps.
    return Period.objects.select_related("agency").select_for_update().get(pk=period.pk)


def _started(step: ChainStep) -> bool:
    return TierReview.objects.filter(step=step).exclude(status=TierReviewStatus.WAITING).exists()


def _roots(units: Iterable[Unit]) -> list[Unit]:
    """The units without those inside another one's sub-tree (a sub-tree once)."""
    ordered = sorted({u.pk: u for u in units}.values(), key=lambda u: u.path)
    roots: list[Unit] = []
    for unit in ordered:
        if not any(unit.path.startswith(r.path) for r in roots):
            roots.append(unit)
    return roots


def _day(value: dt.date) -> str:
    return date_format(value)


def _codes(units: Iterable[Unit]) -> list[str]:
    return sorted(u.code for u in units)


def _within_agency(period: Period, units: Sequence[Unit], field_name: str) -> list[Problem]:
    outside = [u for u in units if not u.path.startswith(period.agency.path)]
    if outside:
        return [
            Problem(
                "unit_outside_agency",
                _("These units are not in the period's agency: %(units)s.")
                % {"units": ", ".join(u.code for u in outside)},
                field_name,
            )
        ]
    return []


# --- steps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    tier: ReviewTier
    opens_on: dt.date
    closes_on: dt.date
    scopes: Sequence[Unit] = ()
    uses_controller: bool = False
    # Optional: when given, it must be where the tier's rank puts it (1 = first).
    position: int | None = None


def _step_problems(
    period: Period, data: StepInput, *, others: Sequence[ChainStep], editing: ChainStep | None
) -> list[Problem]:
    problems: list[Problem] = []
    tier = data.tier
    if tier.agency_id != period.agency_id:
        problems.append(
            Problem(
                "tier_not_of_agency",
                _(
                    "Choose one of this agency's review tiers (national tiers are not in its "
                    "chain)."
                ),
                "tier",
            )
        )
    if any(s.tier_id == tier.pk for s in others):
        problems.append(
            Problem(
                "tier_twice",
                _("%(tier)s is already in this period's chain; a tier appears once.")
                % {"tier": tier.name},
                "tier",
            )
        )
    if data.closes_on < data.opens_on:
        problems.append(
            Problem(
                "dates_order",
                _("The review window cannot close before it opens."),
                "closes_on",
            )
        )
    if data.opens_on < period.opens_on or data.closes_on > period.closes_on:
        problems.append(
            Problem(
                "outside_period",
                _(
                    "The review window must lie within the period (%(start)s to %(end)s): the "
                    "period's closing locks every layer."
                )
                % {"start": _day(period.opens_on), "end": _day(period.closes_on)},
                "opens_on" if data.opens_on < period.opens_on else "closes_on",
            )
        )
    # Where the tier's rank puts it among the other steps.
    before = [s for s in others if s.tier.rank < tier.rank]
    after = [s for s in others if s.tier.rank > tier.rank]
    if any(s.tier.rank == tier.rank for s in others):
        problems.append(
            Problem(
                "rank_tie",
                _("Another tier in the chain has the same rank; give the tiers distinct ranks."),
                "tier",
            )
        )
    expected = len(before) + 1
    if data.position is not None and data.position != expected:
        problems.append(
            Problem(
                "position_not_by_rank",
                _(
                    "The order follows the tiers' ranks: %(tier)s (rank %(rank)s) comes at "
                    "position %(expected)s."
                )
                % {"tier": tier.name, "rank": tier.rank, "expected": expected},
                "position",
            )
        )
    prev = max(before, key=lambda s: s.tier.rank, default=None)
    nxt = min(after, key=lambda s: s.tier.rank, default=None)
    if prev is not None and (data.opens_on < prev.opens_on or data.closes_on < prev.closes_on):
        problems.append(
            Problem(
                "window_before_previous",
                _(
                    "%(tier)s comes after %(prev)s in the chain: it cannot open or close before "
                    "%(prev)s (%(start)s to %(end)s)."
                )
                % {
                    "tier": tier.name,
                    "prev": prev.tier.name,
                    "start": _day(prev.opens_on),
                    "end": _day(prev.closes_on),
                },
                "opens_on",
            )
        )
    if nxt is not None and (data.opens_on > nxt.opens_on or data.closes_on > nxt.closes_on):
        problems.append(
            Problem(
                "window_after_next",
                _(
                    "%(tier)s comes before %(next)s in the chain: it cannot open or close after "
                    "%(next)s (%(start)s to %(end)s)."
                )
                % {
                    "tier": tier.name,
                    "next": nxt.tier.name,
                    "start": _day(nxt.opens_on),
                    "end": _day(nxt.closes_on),
                },
                "closes_on",
            )
        )
    if editing is None and after:
        started_after = [s for s in after if _started(s)]
        if started_after:
            problems.append(
                Problem(
                    "before_started_step",
                    _(
                        "Reviews in %(tier)s have started: a tier cannot be added before it now, "
                        "the sheets already past that point would skip it."
                    )
                    % {"tier": started_after[0].tier.name},
                    "tier",
                )
            )
    problems.extend(_within_agency(period, data.scopes, "scopes"))
    return problems


def _renumber(period: Period) -> None:
    """Positions 1..n in the order of the tiers' ranks (two passes: positions are unique)."""
    steps = list(ChainStep.objects.filter(period=period).select_related("tier"))
    steps.sort(key=lambda s: (s.tier.rank, s.pk))
    wanted = {s.pk: i for i, s in enumerate(steps, start=1)}
    moving = [s for s in steps if s.position != wanted[s.pk]]
    if not moving:
        return
    top = max(s.position for s in steps) + len(steps) + 1
    for offset, step in enumerate(moving):
        ChainStep.objects.filter(pk=step.pk).update(position=top + offset)
    for step in moving:
        ChainStep.objects.filter(pk=step.pk).update(position=wanted[step.pk])
        step.position = wanted[step.pk]


def _step_details(step: ChainStep, scopes: Sequence[Unit]) -> dict[str, object]:
    return {
        "period": step.period_id,
        "tier": step.tier.code,
        "position": step.position,
        "opens_on": step.opens_on.isoformat(),
        "closes_on": step.closes_on.isoformat(),
        "scopes": _codes(scopes),
        "uses_controller": step.uses_controller,
    }


@transaction.atomic
def chain_step_create(*, actor: User, period: Period, data: StepInput) -> ChainStep:
    _require_manager(actor, period)
    period = _lock_period(period)
    others = list(ChainStep.objects.filter(period=period).select_related("tier"))
    scopes = _roots(data.scopes)
    _raise_if(_step_problems(period, data, others=others, editing=None))
    top = max((s.position for s in others), default=0) + 1
    step = ChainStep.objects.create(
        period=period,
        tier=data.tier,
        position=top,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        uses_controller=data.uses_controller,
    )
    step.scopes.set(scopes)
    _renumber(period)
    step.refresh_from_db()
    audit_record(
        actor=actor,
        action="chain_step.created",
        target=step,
        unit=period.agency,
        details=_step_details(step, scopes),
    )
    return step


@transaction.atomic
def chain_step_update(*, actor: User, step: ChainStep, data: StepInput) -> ChainStep:
    period = step.period
    _require_manager(actor, period)
    period = _lock_period(period)
    step = ChainStep.objects.select_related("tier", "period").get(pk=step.pk)
    others = list(
        ChainStep.objects.filter(period=period).exclude(pk=step.pk).select_related("tier")
    )
    scopes = _roots(data.scopes)
    old_scopes = list(step.scopes.all())
    before = _step_details(step, old_scopes)
    problems = _step_problems(period, data, others=others, editing=step)
    if scopes:
        stray = sorted(
            {
                team.name
                for team in step.teams.prefetch_related("units")
                for unit in team.units.all()
                if not any(unit.path.startswith(s.path) for s in scopes)
            }
        )
        if stray:
            problems.append(
                Problem(
                    "teams_outside_scopes",
                    _("These teams review units outside the new sub-trees: %(teams)s.")
                    % {"teams": ", ".join(stray)},
                    "scopes",
                )
            )
    if _started(step):
        locked = []
        if data.tier.pk != step.tier_id:
            locked.append(_("the tier"))
        if {u.pk for u in scopes} != {u.pk for u in old_scopes}:
            locked.append(_("the sub-trees"))
        if data.opens_on != step.opens_on:
            locked.append(_("the opening date"))
        if data.uses_controller != step.uses_controller:
            locked.append(_("the technical controller's sign-off"))
        if locked:
            problems.insert(
                0,
                Problem(
                    "step_started",
                    _(
                        "Reviews in this step have started, so %(what)s can no longer change; "
                        "only the closing date can still move."
                    )
                    % {"what": ", ".join(locked)},
                    "tier",
                ),
            )
    _raise_if(problems)
    step.tier = data.tier
    step.opens_on, step.closes_on = data.opens_on, data.closes_on
    step.uses_controller = data.uses_controller
    step.save(update_fields=["tier", "opens_on", "closes_on", "uses_controller"])
    step.scopes.set(scopes)
    _renumber(period)
    step.refresh_from_db()
    after = _step_details(step, scopes)
    changes = {k: {"old": before[k], "new": v} for k, v in after.items() if before[k] != v}
    if changes:
        audit_record(
            actor=actor,
            action="chain_step.updated",
            target=step,
            unit=period.agency,
            details=changes,
        )
    return step


@transaction.atomic
def chain_step_delete(*, actor: User, step: ChainStep) -> None:
    period = step.period
    _require_manager(actor, period)
    period = _lock_period(period)
    step = ChainStep.objects.select_related("tier").get(pk=step.pk)
    if _started(step):
        raise StateError(
            _(
                "Reviews in %(tier)s have started in this period; the step stays in the chain "
                "with their history."
            )
            % {"tier": step.tier.name},
            problems=[
                Problem(
                    "step_started",
                    _("Reviews in this step have started; it cannot be removed."),
                )
            ],
        )
    details = _step_details(step, list(step.scopes.all()))
    # Reviews still waiting have no history: they go with the step.
    waiting, _n = TierReview.objects.filter(step=step, status=TierReviewStatus.WAITING).delete()
    details["waiting_reviews_removed"] = waiting
    details["teams_removed"] = sorted(step.teams.values_list("name", flat=True))
    audit_record(
        actor=actor, action="chain_step.deleted", target=step, unit=period.agency, details=details
    )
    step.delete()
    _renumber(period)


@transaction.atomic
def chain_copy(*, actor: User, period: Period, source: Period) -> list[ChainStep]:
    """Start an empty chain from another period's of the same agency: the steps with their
    windows moved by the distance between the two periods' openings (kept inside the period),
    and their teams (names, people, units). Role assignments are not per period: they stay."""
    _require_manager(actor, period)
    period = _lock_period(period)
    if source.agency_id != period.agency_id or source.pk == period.pk:
        raise ValidationFailed(_("Choose another period of the same agency."))
    if ChainStep.objects.filter(period=period).exists():
        raise StateError(
            _("This period already has a chain; remove its steps first."),
            problems=[Problem("chain_not_empty", _("This period already has a chain."))],
        )
    shift = period.opens_on - source.opens_on
    created: list[ChainStep] = []
    steps = (
        ChainStep.objects.filter(period=source)
        .select_related("tier")
        .prefetch_related("scopes", "teams__members", "teams__units")
    )
    for old in steps:
        opens = min(max(old.opens_on + shift, period.opens_on), period.closes_on)
        closes = min(max(old.closes_on + shift, opens), period.closes_on)
        step = ChainStep.objects.create(
            period=period,
            tier=old.tier,
            position=old.position,
            opens_on=opens,
            closes_on=closes,
            uses_controller=old.uses_controller,
        )
        step.scopes.set(old.scopes.all())
        for team in old.teams.all():
            new = ReviewTeam.objects.create(
                step=step, name=team.name, lead_id=team.lead_id, controller_id=team.controller_id
            )
            new.members.set(team.members.all())
            new.units.set(team.units.all())
        created.append(step)
    _renumber(period)
    audit_record(
        actor=actor,
        action="chain.copied",
        target=period,
        unit=period.agency,
        details={"from_period": source.pk, "steps": [s.tier.code for s in created]},
    )
    return created


# --- teams ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamInput:
    name: str
    lead: User | None = None
    controller: User | None = None
    members: Sequence[User] = ()
    units: Sequence[Unit] = field(default_factory=tuple)


def _people(data: TeamInput) -> list[User]:
    people = [p for p in (data.lead, data.controller, *data.members) if p is not None]
    return list({p.pk: p for p in people}.values())


def _team_problems(
    step: ChainStep, data: TeamInput, units: Sequence[Unit], *, exclude_pk: int | None
) -> list[Problem]:
    period = step.period
    problems: list[Problem] = []
    name = data.name.strip()
    if not name or len(name) > 128:
        problems.append(
            Problem("required", _("Give the team a name (at most 128 characters)."), "name")
        )
    elif ReviewTeam.objects.filter(step=step, name=name).exclude(pk=exclude_pk or 0).exists():
        problems.append(
            Problem("duplicate_name", _("This step already has a team with this name."), "name")
        )
    if data.controller is not None and not step.uses_controller:
        problems.append(
            Problem(
                "no_controller",
                _("This step has no technical controller's sign-off; leave the controller empty."),
                "controller",
            )
        )
    if data.lead is not None and data.controller is not None and data.lead.pk == data.controller.pk:
        problems.append(
            Problem(
                "lead_is_controller",
                _("The technical controller signs after the team lead: choose another person."),
                "controller",
            )
        )
    problems.extend(_within_agency(period, units, "units"))
    scopes = list(step.scopes.all())
    if scopes:
        outside = [u for u in units if not any(u.path.startswith(s.path) for s in scopes)]
        if outside:
            problems.append(
                Problem(
                    "unit_outside_step",
                    _("%(tier)s reviews only %(scopes)s here; these units are outside: %(units)s.")
                    % {
                        "tier": step.tier.name,
                        "scopes": ", ".join(s.name for s in scopes),
                        "units": ", ".join(u.code for u in outside),
                    },
                    "units",
                )
            )
    for person in _people(data):
        home = person.home_unit
        if home is None or not home.path.startswith(period.agency.path):
            problems.append(
                Problem(
                    "person_outside_agency",
                    _("%(name)s is not an account of this agency.") % {"name": person},
                    "members",
                )
            )
            continue
        refusal = team_member_refusal(person, period, units)
        if refusal is not None:
            problems.append(Problem(refusal.code, refusal.message, "members"))
    return problems


def _team_details(team: ReviewTeam) -> dict[str, object]:
    return {
        "step": team.step_id,
        "name": team.name,
        "lead": team.lead.username if team.lead else None,
        "controller": team.controller.username if team.controller else None,
        "members": sorted(team.members.values_list("username", flat=True)),
        "units": sorted(team.units.values_list("code", flat=True)),
    }


def _grant_reviewer_roles(
    actor: User, step: ChainStep, people: Sequence[User], units: Sequence[Unit]
) -> int:
    """Each person reviews each sub-tree in the step's tier: a reviewer role covering it,
    given (or widened to the sub-tree) through the accounts services, which audit it."""
    if not people or not units:
        return 0
    existing = {
        (a.user_id, a.unit_id): a
        for a in RoleAssignment.objects.filter(
            role=Role.REVIEWER,
            review_tier=step.tier,
            user__in=[p.pk for p in people],
            unit__in=[u.pk for u in units],
        ).select_related("unit", "review_tier", "user")
    }
    granted = 0
    for person in people:
        for unit in units:
            found = existing.get((person.pk, unit.pk))
            try:
                if found is None:
                    role_assign(
                        actor=actor,
                        user=person,
                        role=Role.REVIEWER,
                        unit=unit,
                        covers_subtree=True,
                        review_tier=step.tier,
                    )
                    granted += 1
                elif not found.covers_subtree:
                    role_update(actor=actor, assignment=found, covers_subtree=True, lke_areas=[])
                    granted += 1
            except ZonaError as exc:
                # Say whose role could not be given (the accounts service speaks of "this
                # account"); the whole save rolls back.
                message = _("%(name)s cannot be made a reviewer of %(unit)s: %(why)s") % {
                    "name": person,
                    "unit": unit.name,
                    "why": exc.message,
                }
                raise ValidationFailed(
                    message, problems=[Problem("role_not_given", message, "members")]
                ) from exc
    return granted


@transaction.atomic
def review_team_save(
    *,
    actor: User,
    step: ChainStep,
    data: TeamInput,
    team: ReviewTeam | None = None,
    grant_roles: bool = True,
) -> ReviewTeam:
    """Create (`team` None) or replace a team of a step; with `grant_roles`, every person of
    the team gets the reviewer role in the step's tier over each of the team's sub-trees."""
    _require_manager(actor, step.period)
    _lock_period(step.period)
    step = ChainStep.objects.select_related("tier", "period__agency").get(pk=step.pk)
    units = _roots(data.units)
    _raise_if(_team_problems(step, data, units, exclude_pk=team.pk if team else None))
    name = data.name.strip()
    before = _team_details(team) if team is not None else None
    if team is None:
        team = ReviewTeam.objects.create(
            step=step, name=name, lead=data.lead, controller=data.controller
        )
    else:
        team = ReviewTeam.objects.select_for_update().get(pk=team.pk, step=step)
        team.name, team.lead, team.controller = name, data.lead, data.controller
        team.save(update_fields=["name", "lead", "controller"])
    team.members.set(list(_people(data)))
    team.units.set(units)
    granted = _grant_reviewer_roles(actor, step, _people(data), units) if grant_roles else 0
    after = _team_details(team)
    if before is None:
        audit_record(
            actor=actor,
            action="review_team.created",
            target=team,
            unit=step.period.agency,
            details={**after, "roles_granted": granted},
        )
    else:
        changes = {k: {"old": before[k], "new": v} for k, v in after.items() if before[k] != v}
        if changes or granted:
            audit_record(
                actor=actor,
                action="review_team.updated",
                target=team,
                unit=step.period.agency,
                details={**changes, "roles_granted": granted},
            )
    return team


@transaction.atomic
def review_team_delete(*, actor: User, team: ReviewTeam) -> None:
    """Remove a team. Its people keep their reviewer roles (an administrator revokes roles
    on the account's page): the roles are not per period."""
    step = team.step
    _require_manager(actor, step.period)
    _lock_period(step.period)
    audit_record(
        actor=actor,
        action="review_team.deleted",
        target=team,
        unit=step.period.agency,
        details=_team_details(team),
    )
    team.delete()


@dataclass(frozen=True)
class BulkAssignInput:
    team_name: str
    roots: Sequence[Unit]
    lead: User | None = None
    controller: User | None = None
    members: Sequence[User] = ()


@transaction.atomic
def review_teams_assign(*, actor: User, step: ChainStep, data: BulkAssignInput) -> ReviewTeam:
    """Bulk assignment: the named team of the step (created when new) gains the sub-trees and
    the people, and each person gets the reviewer role in the step's tier over each sub-tree.
    A lead or controller given replaces the team's; members are added to those it has."""
    if not data.roots:
        raise ValidationFailed(
            _("Choose the sub-trees or a region to assign."),
            problems=[
                Problem("required", _("Choose the sub-trees or a region to assign."), "units")
            ],
        )
    team = ReviewTeam.objects.filter(step=step, name=data.team_name.strip()).first()
    if team is None:
        merged = TeamInput(
            name=data.team_name,
            lead=data.lead,
            controller=data.controller,
            members=list(data.members),
            units=list(data.roots),
        )
    else:
        merged = TeamInput(
            name=team.name,
            lead=data.lead or team.lead,
            controller=data.controller or team.controller,
            members=[*team.members.all(), *data.members],
            units=[*team.units.all(), *data.roots],
        )
    return review_team_save(actor=actor, step=step, data=merged, team=team)


def units_of_region(period: Period, region: str) -> list[Unit]:
    """The period's agency's units in `region` (the unit's region field), as sub-tree roots."""
    region = region.strip()
    if not region:
        return []
    return _roots(
        Unit.objects.filter(Q(path__startswith=period.agency.path), region__iexact=region)
    )
