"""The national evaluator's scope is read in one place (accounts.access.assignment_units):
a different rule registered on the port changes every read of it at once, the single-object
checks, the unit lists, the periods' agencies and the review queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Q, QuerySet

from zona.accounts.access import (
    Perm,
    assignment_units,
    assignments_of,
    covers_subtree_of,
    forget_assignments,
    register_national_scope,
    units_where,
    user_can,
)
from zona.accounts.models import Role, Unit
from zona.assessments.access import assessments_visible_to, periods_visible_to
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.workflow.selectors.comments import review_queue


class _Fixed:
    """A national scope of chosen units, with chosen sheets at desk evaluation."""

    def __init__(self, units: list[Unit], sheets: list[Assessment]) -> None:
        self.units = [u.pk for u in units]
        self.sheets = [a.pk for a in sheets]

    def unit_ids(self) -> QuerySet[Any]:
        return Unit.objects.filter(pk__in=self.units).values("pk")

    def desk_sheet_ids(self) -> QuerySet[Any]:
        return Assessment.objects.filter(pk__in=self.sheets).values("pk")


@pytest.fixture
def scope() -> Iterator[list[Any]]:
    """Registers `_Fixed` scopes in the test; the app's own comes back afterwards."""
    registered: list[Any] = []
    yield registered
    if registered:
        register_national_scope(registered[0])


def _use(scope: list[Any], fixed: _Fixed, *users: Any) -> None:
    previous = register_national_scope(fixed)
    if not scope:
        scope.append(previous)
    for user in users:
        forget_assignments(user)


def _submitted(period: Any, unit: Unit) -> Assessment:
    a = make_assessment(period, unit)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    return Assessment.objects.get(pk=a.pk)


def test_every_read_of_the_tpns_reach_follows_the_registered_rule(world, scope) -> None:
    fw = load_mini()
    period = make_period(world.agency, fw, creator=world["agency_admin"])
    other_period = make_period(world.other_agency, fw, creator=world["sysadmin"])
    bandung = _submitted(period, world.bandung)
    bogor = _submitted(period, world.bogor)
    other = _submitted(other_period, world.other_satker)
    tpn = world["tpn"]

    _use(scope, _Fixed([], []), tpn)
    assert not user_can(tpn, Perm.ASSESSMENT_VIEW, world.bandung)
    assert not units_where(tpn, Perm.UNIT_VIEW).exists()
    assert not assessments_visible_to(tpn).exists()
    assert list(periods_visible_to(tpn)) == []
    assert review_queue(tpn) == []

    _use(scope, _Fixed([world.bandung, world.other_satker], [bandung]), tpn)
    assert user_can(tpn, Perm.ASSESSMENT_REVIEW, world.bandung)
    assert user_can(tpn, Perm.ASSESSMENT_VIEW, world.other_satker)
    assert not user_can(tpn, Perm.ASSESSMENT_VIEW, world.bogor)
    assert not user_can(tpn, Perm.ASSESSMENT_EDIT, world.bandung)
    assert set(units_where(tpn, Perm.UNIT_VIEW)) == {world.bandung, world.other_satker}
    assert set(assessments_visible_to(tpn)) == {bandung, other}
    assert set(periods_visible_to(tpn)) == {period, other_period}
    # Of the sheets it covers, the queue holds those at desk evaluation.
    assert [row.assessment.pk for row in review_queue(tpn)] == [bandung.pk]
    # Nominated units never make a whole sub-tree.
    assert not covers_subtree_of(tpn, Perm.UNIT_VIEW, world.agency)

    _use(scope, _Fixed([world.bogor], [bandung, bogor]), tpn)
    assert not user_can(tpn, Perm.ASSESSMENT_VIEW, world.bandung)
    assert set(assessments_visible_to(tpn)) == {bogor}
    assert list(periods_visible_to(tpn)) == [period]
    # A sheet at desk evaluation outside the covered units is not the TPN's to review.
    assert [row.assessment.pk for row in review_queue(tpn)] == [bogor.pk]


def test_assignment_units_speaks_for_every_kind_of_assignment(world, scope) -> None:
    _use(scope, _Fixed([world.bandung], []))
    by_role = {
        (a.role, a.user.username): assignment_units(a)
        for user in ("sysadmin", "tpn", "agency_admin", "operator")
        for a in assignments_of(world[user])
    }
    assert by_role[(Role.SYSTEM_ADMIN, "sysadmin")] == Q()  # every unit
    tpn_units = by_role[(Role.NATIONAL_EVALUATOR, "tpn")]
    assert tpn_units is not None
    assert list(Unit.objects.filter(tpn_units)) == [world.bandung]
    admin_units = by_role[(Role.AGENCY_ADMIN, "agency_admin")]
    assert admin_units is not None
    assert set(Unit.objects.filter(admin_units)) == set(
        Unit.objects.filter(path__startswith=world.agency.path)
    )
    operator_units = by_role[(Role.UNIT_OPERATOR, "operator")]
    assert operator_units is not None
    assert list(Unit.objects.filter(operator_units)) == [world.bandung]
