"""The chain's services: steps in rank order with windows inside the period, locked once
their reviews started; teams with reviewer roles granted through the accounts services;
separation of duties; the tier rules of issue 8."""

from __future__ import annotations

import pytest
from django.utils import translation

from zona.accounts.models import Role, RoleAssignment
from zona.accounts.services import review_tier_create, review_tier_update, role_assign
from zona.assessments.models import AnswerLayer
from zona.assessments.tests.factories import make_assessment
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow.models import ChainStep, ReviewTeam, TierReview, WorkflowEvent
from zona.workflow.selectors.chain import separation_refusal
from zona.workflow.services.chain import (
    BulkAssignInput,
    TeamInput,
    chain_copy,
    chain_step_create,
    chain_step_delete,
    chain_step_update,
    review_team_save,
    review_teams_assign,
    units_of_region,
)
from zona.workflow.tests.chain_fixtures import bare_chain, step_input, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare(world):
    return bare_chain(world)


def code_of(refusal):
    return refusal.code if refusal is not None else None


def codes(problems_of):
    return [p.code for p in problems_of.value.problems]


def test_steps_take_the_order_of_the_tiers_ranks_whatever_order_they_are_added(bare, world):
    admin = world["agency_admin"]
    tpi = chain_step_create(
        actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"], 0, 25)
    )
    kanwil = chain_step_create(
        actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"], -5, 10)
    )
    eselon1 = chain_step_create(
        actor=admin, period=bare.period, data=step_input(bare.tiers["eselon1"], -2, 20)
    )
    order = list(
        ChainStep.objects.filter(period=bare.period)
        .order_by("position")
        .values_list("tier__code", "position")
    )
    assert order == [("kanwil", 1), ("eselon1", 2), ("tpi", 3)]
    for step in (kanwil, eselon1, tpi):
        step.refresh_from_db()
    assert (kanwil.position, eselon1.position, tpi.position) == (1, 2, 3)
    events = world.new_events().filter(action="chain_step.created")
    assert events.count() == 3
    chain_step_delete(actor=admin, step=eselon1)
    assert list(
        ChainStep.objects.filter(period=bare.period)
        .order_by("position")
        .values_list("tier__code", "position")
    ) == [("kanwil", 1), ("tpi", 2)]
    assert world.new_events().filter(action="chain_step.deleted").count() == 1


def test_a_position_given_by_hand_must_agree_with_the_rank(bare, world):
    admin = world["agency_admin"]
    chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        chain_step_create(
            actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"], position=1)
        )
    assert codes(exc) == ["position_not_by_rank"]
    assert "position 2" in exc.value.message
    assert ChainStep.objects.filter(period=bare.period).count() == 1


def test_windows_lie_inside_the_period_and_in_chain_order(bare, world):
    admin = world["agency_admin"]
    period = bare.period
    with pytest.raises(ValidationFailed) as exc:
        chain_step_create(
            actor=admin,
            period=period,
            data=step_input(bare.tiers["kanwil"], 0, 70),  # the period closes in 60 days
        )
    assert codes(exc) == ["outside_period"]
    with pytest.raises(ValidationFailed) as exc:
        chain_step_create(actor=admin, period=period, data=step_input(bare.tiers["kanwil"], 5, 1))
    assert "dates_order" in codes(exc)
    chain_step_create(actor=admin, period=period, data=step_input(bare.tiers["kanwil"], 0, 10))
    # TPI after Kanwil: it may not open (nor close) before it.
    with pytest.raises(ValidationFailed) as exc:
        chain_step_create(actor=admin, period=period, data=step_input(bare.tiers["tpi"], -3, 20))
    assert codes(exc) == ["window_before_previous"]
    assert ChainStep.objects.filter(period=period).count() == 1


def test_a_tier_appears_once_and_only_the_agencys_own(bare, world):
    admin = world["agency_admin"]
    chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    with pytest.raises(ValidationFailed) as exc:
        chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    assert "tier_twice" in codes(exc)
    with pytest.raises(ValidationFailed) as exc:
        chain_step_create(actor=admin, period=bare.period, data=step_input(world.tier_tpn))
    assert "tier_not_of_agency" in codes(exc)


def test_only_the_periods_manager_changes_the_chain(bare, world):
    with pytest.raises(PermissionDenied):
        chain_step_create(
            actor=world["kanwil_reviewer"],
            period=bare.period,
            data=step_input(bare.tiers["kanwil"]),
        )
    assert not ChainStep.objects.exists()


def _started(step, assessment):
    return TierReview.objects.create(
        assessment=assessment, step=step, tier=step.tier, position=step.position, status="open"
    )


def test_a_started_step_keeps_its_tier_scopes_and_opening_and_cannot_go(bare, world):
    admin = world["agency_admin"]
    kanwil = chain_step_create(
        actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"], -5, 10)
    )
    tpi = chain_step_create(
        actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"], 0, 20)
    )
    _started(kanwil, make_assessment(bare.period, world.bandung))
    with pytest.raises(StateError) as gone:
        chain_step_delete(actor=admin, step=kanwil)
    assert codes(gone) == ["step_started"]
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        chain_step_update(
            actor=admin,
            step=kanwil,
            data=step_input(bare.tiers["kanwil"], -4, 10, scopes=[world.kanwil_jabar]),
        )
    assert codes(exc)[0] == "step_started"
    assert "sub-trees" in exc.value.message
    assert "opening date" in exc.value.message
    # An extension of the closing date still goes through.
    extended = chain_step_update(
        actor=admin, step=kanwil, data=step_input(bare.tiers["kanwil"], -5, 15)
    )
    assert extended.closes_on == window(-5, 15)[1]
    # TPI's window follows Kanwil's: it cannot close before Kanwil's extended closing.
    with pytest.raises(ValidationFailed):
        chain_step_update(actor=admin, step=tpi, data=step_input(bare.tiers["tpi"], 0, 12))
    tpi.refresh_from_db()
    assert tpi.closes_on == window(0, 20)[1]


def test_no_tier_is_added_before_a_step_whose_reviews_started(bare, world):
    admin = world["agency_admin"]
    tpi = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"]))
    _started(tpi, make_assessment(bare.period, world.bandung))
    with pytest.raises(ValidationFailed) as exc:
        chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    assert codes(exc) == ["before_started_step"]


def test_removing_a_step_takes_its_waiting_reviews_along(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"]))
    TierReview.objects.create(
        assessment=make_assessment(bare.period, world.bandung),
        step=step,
        tier=step.tier,
        position=1,
    )
    chain_step_delete(actor=admin, step=step)
    assert not TierReview.objects.exists()
    event = world.new_events().get(action="chain_step.deleted")
    assert event.details["waiting_reviews_removed"] == 1


def test_a_team_gets_its_reviewer_roles_through_the_accounts_services(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    team = review_team_save(
        actor=admin,
        step=step,
        data=TeamInput(
            name="Tim Jatim",
            lead=world["jatim_reviewer"],
            members=[world["kanwil_member"]],
            units=[world.kanwil_jatim],
        ),
    )
    assert set(team.members.values_list("username", flat=True)) == {
        "jatim_reviewer",
        "kanwil_member",
    }
    # kanwil_member reviewed Jawa Barat only: now Jawa Timur too, audited as a role change.
    role = RoleAssignment.objects.get(
        user=world["kanwil_member"], role=Role.REVIEWER, unit=world.kanwil_jatim
    )
    assert role.covers_subtree
    assert role.review_tier == bare.tiers["kanwil"]
    assert world.new_events().filter(action="role.assigned", actor=admin).count() == 1
    assert world.new_events().filter(action="review_team.created").count() == 1


def test_bulk_assignment_by_region_adds_to_the_named_team(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    roots = units_of_region(bare.period, "bogor")
    assert [u.code for u in roots] == ["KC-BGR"]
    team = review_teams_assign(
        actor=admin,
        step=step,
        data=BulkAssignInput(team_name="Tim Jabar", roots=roots, lead=world["kanwil_reviewer"]),
    )
    team = review_teams_assign(
        actor=admin,
        step=step,
        data=BulkAssignInput(
            team_name="Tim Jabar",
            roots=units_of_region(bare.period, "Bandung"),
            members=[world["kanwil_member"]],
        ),
    )
    assert ReviewTeam.objects.filter(step=step).count() == 1
    assert sorted(team.units.values_list("code", flat=True)) == ["KC-BDG", "KC-BGR"]
    assert team.lead == world["kanwil_reviewer"]
    # kanwil_reviewer already covered the Jabar sub-tree from the Kanwil: new roles for the
    # two satker are given all the same (one per sub-tree the team reviews).
    assert (
        RoleAssignment.objects.filter(
            user=world["kanwil_member"], unit__code__in=["KC-BDG", "KC-BGR"], covers_subtree=True
        ).count()
        == 2
    )


def test_nobody_joins_a_team_reviewing_their_own_unit(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    with pytest.raises(ValidationFailed) as exc:
        review_team_save(
            actor=admin,
            step=step,
            data=TeamInput(name="Tim", lead=world["operator"], units=[world.kanwil_jabar]),
        )
    assert codes(exc) == ["own_unit"]
    assert "Satker Bandung" in exc.value.message
    # Working at the reviewed office itself is the normal case (a Kanwil reviews its satker).
    review_team_save(
        actor=admin,
        step=step,
        data=TeamInput(name="Tim", lead=world["kanwil_reviewer"], units=[world.kanwil_jabar]),
    )
    assert not ReviewTeam.objects.filter(lead=world["operator"]).exists()


def test_a_controller_only_where_the_step_uses_one(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"]))
    data = TeamInput(
        name="Tim TPI",
        lead=world["tpi_reviewer"],
        controller=world["tpi_controller"],
        units=[world.agency],
    )
    with pytest.raises(ValidationFailed) as exc:
        review_team_save(actor=admin, step=step, data=data)
    assert codes(exc) == ["no_controller"]
    step = chain_step_update(
        actor=admin, step=step, data=step_input(bare.tiers["tpi"], uses_controller=True)
    )
    team = review_team_save(actor=admin, step=step, data=data)
    assert team.controller == world["tpi_controller"]


def test_team_units_stay_inside_the_steps_sub_trees(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(
        actor=admin,
        period=bare.period,
        data=step_input(bare.tiers["kanwil"], scopes=[world.kanwil_jabar]),
    )
    with pytest.raises(ValidationFailed) as exc:
        review_team_save(
            actor=admin,
            step=step,
            data=TeamInput(name="Tim", lead=world["jatim_reviewer"], units=[world.kanwil_jatim]),
        )
    assert codes(exc) == ["unit_outside_step"]


def test_copy_the_chain_of_last_years_period(bare, world):
    from zona.assessments.tests.factories import make_period

    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    review_team_save(
        actor=admin,
        step=step,
        data=TeamInput(name="Tim Jabar", lead=world["kanwil_reviewer"], units=[world.kanwil_jabar]),
    )
    old = bare.period
    new = make_period(
        world.agency,
        old.framework,
        year=old.year + 1,
        title="PMPZI next",
        opens=old.opens_on.replace(year=old.opens_on.year + 1),
        closes=old.closes_on.replace(year=old.closes_on.year + 1),
    )
    created = chain_copy(actor=admin, period=new, source=old)
    assert [s.tier.code for s in created] == ["kanwil"]
    copied = created[0]
    assert copied.opens_on == step.opens_on.replace(year=step.opens_on.year + 1)
    assert list(copied.teams.values_list("name", flat=True)) == ["Tim Jabar"]
    with pytest.raises(StateError):
        chain_copy(actor=admin, period=new, source=old)


# --- separation of duties on a sheet ----------------------------------------------------------


def test_separation_refuses_the_own_unit_and_the_unit_above_ones_home(bare, world):
    sheet = make_assessment(bare.period, world.bandung)
    kanwil_sheet = make_assessment(bare.period, world.kanwil_jabar)
    tier = bare.tiers["kanwil"]
    assert separation_refusal(world["kanwil_reviewer"], sheet, tier) is None
    # Home unit is the Kanwil: its own sheet is refused.
    assert code_of(separation_refusal(world["kanwil_reviewer"], kanwil_sheet, tier)) == "own_unit"
    # A satker's operator reviewing their Kanwil's sheet: their home is below it.
    assert code_of(separation_refusal(world["operator"], kanwil_sheet, tier)) == "own_unit"
    # A unit role on the unit, whatever the home unit.
    outsider = world["tpi_reviewer"]
    role_assign(actor=world["sysadmin"], user=outsider, role=Role.UNIT_HEAD, unit=world.bandung)
    assert code_of(separation_refusal(outsider, sheet, bare.tiers["tpi"])) == "own_unit"


def test_one_person_acts_for_one_tier_per_sheet(bare, world):
    sheet = make_assessment(bare.period, world.bandung)
    tpi_reviewer = world["tpi_reviewer"]
    kanwil, tpi = bare.tiers["kanwil"], bare.tiers["tpi"]
    assert separation_refusal(tpi_reviewer, sheet, kanwil) is None
    layer = AnswerLayer.objects.create(assessment=sheet, tier=tpi)
    from zona.assessments.models import AnswerChange

    AnswerChange.objects.create(
        assessment=sheet, layer=layer, item_code="A.p.m.1.a", field="value", changed_by=tpi_reviewer
    )
    assert separation_refusal(tpi_reviewer, sheet, tpi) is None
    refusal = separation_refusal(tpi_reviewer, sheet, kanwil)
    assert refusal is not None
    assert refusal.code == "other_tier"
    # A workflow action in another tier counts too.
    eselon1_reviewer = world["eselon1_reviewer"]
    WorkflowEvent.objects.create(
        subject_kind="tier_review",
        subject_id=1,
        assessment=sheet,
        action="complete",
        tier=bare.tiers["eselon1"],
        actor=eselon1_reviewer,
    )
    assert code_of(separation_refusal(eselon1_reviewer, sheet, tpi)) == "other_tier"
    assert separation_refusal(eselon1_reviewer, sheet, bare.tiers["eselon1"]) is None


# --- issue 8's tier rules, checked here because the chain depends on them ----------------------


def test_agency_tier_codes_are_unique_with_the_national_tier_and_rank_below_it(world):
    sysadmin = world["sysadmin"]
    with pytest.raises(ValidationFailed) as exc:
        review_tier_create(actor=sysadmin, agency=world.agency, code="tpn", name="X", rank=40)
    assert codes(exc) == ["duplicate_code"]
    with pytest.raises(ValidationFailed) as exc:
        review_tier_create(actor=sysadmin, agency=world.agency, code="tpm", name="TPM", rank=90)
    assert codes(exc) == ["rank_not_below_national"]
    with pytest.raises(ValidationFailed) as exc:
        review_tier_update(actor=sysadmin, tier=world.tier_tpi, code="tpi", name="TPI", rank=95)
    assert codes(exc) == ["rank_not_below_national"]
    # Another agency may reuse an agency code, never the national one.
    review_tier_create(actor=sysadmin, agency=world.other_agency, code="tpi", name="TPI", rank=30)


def test_narrowing_a_steps_sub_trees_keeps_its_teams_inside(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    review_team_save(
        actor=admin,
        step=step,
        data=TeamInput(name="Tim Jatim", lead=world["jatim_reviewer"], units=[world.kanwil_jatim]),
    )
    with pytest.raises(ValidationFailed) as exc:
        chain_step_update(
            actor=admin,
            step=step,
            data=step_input(bare.tiers["kanwil"], scopes=[world.kanwil_jabar]),
        )
    assert codes(exc) == ["teams_outside_scopes"]
    assert "Tim Jatim" in exc.value.message
    assert not step.scopes.exists()


def test_a_person_the_admin_cannot_manage_is_named_and_nothing_is_saved(bare, world):
    admin = world["agency_admin"]
    step = chain_step_create(actor=admin, period=bare.period, data=step_input(bare.tiers["tpi"]))
    # The TPN evaluator holds a global role: no agency administrator manages that account.
    tpn = world["tpn"]
    tpn.home_unit = world.itjen
    tpn.save(update_fields=["home_unit"])
    with pytest.raises(ValidationFailed) as exc:
        review_team_save(
            actor=admin,
            step=step,
            data=TeamInput(name="Tim TPI", lead=tpn, units=[world.agency]),
        )
    assert codes(exc) == ["role_not_given"]
    assert str(tpn) in exc.value.message
    assert not ReviewTeam.objects.exists()
