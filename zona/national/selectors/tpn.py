"""Reads about nominations and the TPN's stages: the TPN's queue, a nomination's timeline
and records, who hears of a stage, and the national scope (the units a TPN member covers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.national.models import (
    Clearance,
    FieldEvaluation,
    FollowUpItem,
    Nomination,
    NominationAppeal,
    NominationStage,
    NominationStatus,
    Predicate,
    SamplingPlan,
)
from zona.workflow.models import WorkflowEvent

S = NominationStatus
# The stages in the order a nomination goes through them (the queue's tabs).
STAGE_ORDER = [
    S.ADMIN,
    S.FOLLOW_UP,
    S.FAILED,
    S.APPEAL,
    S.DESK,
    S.FIELD,
    S.CLEARANCE,
    S.DETERMINATION,
    S.AWARDED,
    S.NOT_AWARDED,
    S.ENDED,
]
# Stages that wait for the TPN (the rest wait for the agency or are over).
TPN_STAGES = frozenset({S.ADMIN, S.APPEAL, S.DESK, S.FIELD, S.CLEARANCE, S.DETERMINATION})


# --- the national scope (zona.accounts.access's port) -------------------------------------------


class NominatedUnits:
    """A TPN member covers the units with a nomination; the national tier's layer waits on
    the sheets whose nomination is at desk evaluation (and in the sample, if any)."""

    def unit_ids(self) -> QuerySet[Any]:
        return Nomination.objects.values("unit_id")

    def desk_sheet_ids(self) -> QuerySet[Any]:
        return (
            Nomination.objects.filter(status=S.DESK).exclude(sampled=False).values("assessment_id")
        )


# --- people ---------------------------------------------------------------------------------------


def tpn_members() -> list[User]:
    ids = RoleAssignment.objects.filter(role=Role.NATIONAL_EVALUATOR, unit__isnull=True).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "pk"))


def tpn_members_by_ids(member_ids: Sequence[int]) -> list[User]:
    return [u for u in tpn_members() if u.pk in set(member_ids)]


def nomination_audience(nomination: Nomination) -> list[User]:
    """Who hears of a nomination's stage: the unit's operators and head, the agency's
    administrators and head."""
    unit = nomination.unit
    agency_id = nomination.proposal.agency_id
    ids = RoleAssignment.objects.filter(
        Q(unit=unit, role__in=[Role.UNIT_OPERATOR, Role.UNIT_HEAD])
        | Q(unit_id=agency_id, role__in=[Role.AGENCY_ADMIN, Role.UNIT_HEAD])
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# --- the queue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    year: int | None = None
    agency: int | None = None
    stage: str = ""


def queue(nominations: QuerySet[Nomination], filters: QueueFilters) -> QuerySet[Nomination]:
    qs = nominations.select_related("unit", "proposal__agency")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.agency:
        qs = qs.filter(proposal__agency_id=filters.agency)
    if filters.stage:
        qs = qs.filter(status=filters.stage)
    return qs.order_by("-year", "proposal__agency__path", "unit__path", "pk")


def stage_counts(nominations: QuerySet[Nomination]) -> dict[str, int]:
    rows = nominations.order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def queue_choices(nominations: QuerySet[Nomination]) -> tuple[list[int], list[Unit]]:
    """The years and agencies the filters offer."""
    years = sorted(set(nominations.order_by().values_list("year", flat=True)), reverse=True)
    agency_ids = nominations.order_by().values("proposal__agency_id")
    agencies = list(Unit.objects.filter(pk__in=agency_ids).order_by("path"))
    return years, agencies


# --- one nomination -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    stages: list[NominationStage]
    follow_ups: list[FollowUpItem]
    appeal: NominationAppeal | None
    field: FieldEvaluation | None
    clearances: list[Clearance]
    predicate: Predicate | None
    plan: SamplingPlan | None
    events: list[WorkflowEvent]


def records_of(nomination: Nomination) -> Records:
    return Records(
        stages=list(
            NominationStage.objects.filter(nomination=nomination)
            .select_related("recorded_by")
            .prefetch_related("members")
            .order_by("held_on", "pk")
        ),
        follow_ups=list(FollowUpItem.objects.filter(nomination=nomination).order_by("pk")),
        appeal=NominationAppeal.objects.filter(nomination=nomination).first(),
        field=FieldEvaluation.objects.filter(nomination=nomination).first(),
        clearances=list(Clearance.objects.filter(nomination=nomination).order_by("body")),
        predicate=Predicate.objects.filter(nomination=nomination).first(),
        plan=SamplingPlan.objects.filter(
            agency_id=nomination.proposal.agency_id, year=nomination.year
        ).first(),
        events=list(
            WorkflowEvent.objects.filter(subject_kind="nomination", subject_id=nomination.pk)
            .select_related("actor")
            .order_by("at", "pk")
        ),
    )


def follow_up_item(nomination: Nomination, item_id: object) -> FollowUpItem | None:
    try:
        pk = int(item_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return (
        FollowUpItem.objects.select_related("nomination__unit", "nomination__proposal")
        .filter(nomination=nomination, pk=pk)
        .first()
    )


def agency_nominations(agency: Unit, year: int) -> list[Nomination]:
    return list(
        Nomination.objects.filter(proposal__agency=agency, year=year)
        .select_related("unit")
        .order_by("unit__path")
    )


def stage_day(nomination: Nomination, action: str) -> dt.date | None:
    return (
        NominationStage.objects.filter(nomination=nomination, action=action)
        .order_by("-held_on", "-pk")
        .values_list("held_on", flat=True)
        .first()
    )
