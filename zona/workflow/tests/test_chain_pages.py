"""The chain pages through the HTTP client: the administrator adds steps and teams, bad
input is refused with the reason, other people get 404, the load has a fixed query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zona.accounts.models import Role, RoleAssignment
from zona.accounts.services import role_assign
from zona.assessments.tests.factories import make_assessment
from zona.workflow.models import ChainStep, ReviewTeam, TierReview
from zona.workflow.services.chain import TeamInput, chain_step_create, review_team_save
from zona.workflow.tests.chain_fixtures import bare_chain, step_input, window

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare(world):
    return bare_chain(world)


def url(name, *args):
    return reverse(f"workflow:{name}", args=args)


def test_an_empty_chain_says_what_to_do_and_the_period_page_links_to_it(bare, world, client_for):
    admin = client_for(world["agency_admin"])
    period_page = admin.get(reverse("assessments:period_detail", args=[bare.period.pk]))
    assert url("chain", bare.period.pk) in period_page.content.decode()
    page = admin.get(url("chain", bare.period.pk))
    assert page.status_code == 200
    assert 'data-testid="chain-empty"' in page.content.decode()


def test_the_admin_adds_a_step_and_bad_windows_are_refused_with_the_reason(bare, world, client_for):
    admin = client_for(world["agency_admin"])
    opens, closes = window(-5, 90)  # the period closes in 60 days
    page = admin.post(
        url("chain", bare.period.pk),
        {"tier": bare.tiers["kanwil"].pk, "opens_on": opens, "closes_on": closes},
    )
    assert page.status_code == 200
    assert 'data-testid="error-closes_on"' in page.content.decode()
    assert not ChainStep.objects.exists()
    opens, closes = window(-5, 20)
    page = admin.post(
        url("chain", bare.period.pk),
        {
            "tier": bare.tiers["kanwil"].pk,
            "opens_on": opens,
            "closes_on": closes,
            "scopes": [world.kanwil_jabar.pk],
        },
    )
    assert page.status_code == 302
    step = ChainStep.objects.get()
    assert list(step.scopes.values_list("code", flat=True)) == ["KC-JABAR"]
    # The same tier again is refused.
    page = admin.post(
        url("chain", bare.period.pk),
        {"tier": bare.tiers["kanwil"].pk, "opens_on": opens, "closes_on": closes},
    )
    assert 'data-testid="error-tier"' in page.content.decode()
    assert ChainStep.objects.count() == 1


def test_a_started_step_cannot_be_removed_and_the_page_says_why(bare, world, client_for):
    step = chain_step_create(
        actor=world["agency_admin"], period=bare.period, data=step_input(bare.tiers["kanwil"])
    )
    TierReview.objects.create(
        assessment=make_assessment(bare.period, world.bandung),
        step=step,
        tier=step.tier,
        position=1,
        status="open",
    )
    admin = client_for(world["agency_admin"])
    response = admin.post(url("chain_step_delete", bare.period.pk, step.pk), follow=True)
    assert ChainStep.objects.filter(pk=step.pk).exists()
    assert 'data-error="step_started"' in response.content.decode() or (
        "have started" in response.content.decode()
    )


def test_the_admin_forms_a_team_and_its_reviewers_get_the_role(bare, world, client_for):
    step = chain_step_create(
        actor=world["agency_admin"], period=bare.period, data=step_input(bare.tiers["kanwil"])
    )
    admin = client_for(world["agency_admin"])
    assert admin.get(url("chain_team_new", bare.period.pk, step.pk)).status_code == 200
    response = admin.post(
        url("chain_team_new", bare.period.pk, step.pk),
        {
            "name": "Tim Jatim",
            "lead": world["jatim_reviewer"].pk,
            "members": [world["kanwil_member"].pk],
            "units": [world.kanwil_jatim.pk],
        },
    )
    assert response.status_code == 302
    team = ReviewTeam.objects.get(name="Tim Jatim")
    assert RoleAssignment.objects.filter(
        user=world["kanwil_member"], unit=world.kanwil_jatim, role=Role.REVIEWER
    ).exists()
    # Someone from a reviewed unit is refused, with the reason beside the field.
    response = admin.post(
        url("chain_team", bare.period.pk, step.pk, team.pk),
        {
            "name": "Tim Jatim",
            "lead": world["jatim_reviewer"].pk,
            "members": [world["operator"].pk],
            "units": [world.kanwil_jatim.pk, world.kanwil_jabar.pk],
        },
    )
    assert response.status_code == 200
    assert "Satker Bandung" in response.content.decode()
    assert list(team.units.values_list("code", flat=True)) == ["KC-JATIM"]


def test_bulk_assignment_by_region(bare, world, client_for):
    step = chain_step_create(
        actor=world["agency_admin"], period=bare.period, data=step_input(bare.tiers["kanwil"])
    )
    admin = client_for(world["agency_admin"])
    page = admin.get(url("chain_assign", bare.period.pk))
    assert "Bogor" in page.content.decode()
    response = admin.post(
        url("chain_assign", bare.period.pk),
        {
            "step": step.pk,
            "team_name": "Tim Bogor",
            "region": "Bogor",
            "lead": world["kanwil_member"].pk,
        },
    )
    assert response.status_code == 302
    team = ReviewTeam.objects.get(name="Tim Bogor")
    assert list(team.units.values_list("code", flat=True)) == ["KC-BGR"]
    # Nothing chosen: a clear refusal.
    response = admin.post(
        url("chain_assign", bare.period.pk),
        {"step": step.pk, "team_name": "Tim Bogor", "lead": world["kanwil_member"].pk},
    )
    assert 'data-testid="error-units"' in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "kanwil_reviewer", "operator"])
def test_other_people_get_404(bare, world, client_for, who):
    step = chain_step_create(
        actor=world["agency_admin"], period=bare.period, data=step_input(bare.tiers["kanwil"])
    )
    client = client_for(world[who])
    for address in (
        url("chain", bare.period.pk),
        url("chain_step", bare.period.pk, step.pk),
        url("chain_team_new", bare.period.pk, step.pk),
        url("chain_assign", bare.period.pk),
    ):
        assert client.get(address).status_code == 404
    assert client.post(url("chain_step_delete", bare.period.pk, step.pk)).status_code == 404
    assert ChainStep.objects.filter(pk=step.pk).exists()


def test_another_agencys_admin_gets_404(bare, world, client_for):
    from zona.accounts.services import user_create

    other_admin = user_create(
        actor=world["sysadmin"],
        username="admin_lain",
        email="admin_lain@example.go.id",
        full_name="Admin Lain",
        home_unit=world.other_agency,
        password="x-Pa55-word-123",
        send_welcome=False,
    )
    role_assign(
        actor=world["sysadmin"],
        user=other_admin,
        role=Role.AGENCY_ADMIN,
        unit=world.other_agency,
        covers_subtree=True,
    )
    assert client_for(other_admin).get(url("chain", bare.period.pk)).status_code == 404


def test_the_chain_page_counts_each_teams_load_in_a_fixed_number_of_queries(
    bare, world, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zona.accounts.testing import add_unit

    admin_user = world["agency_admin"]
    step = chain_step_create(
        actor=admin_user, period=bare.period, data=step_input(bare.tiers["kanwil"])
    )
    for name, lead, unit in (
        ("Tim Jabar", "kanwil_reviewer", world.kanwil_jabar),
        ("Tim Jatim", "jatim_reviewer", world.kanwil_jatim),
    ):
        review_team_save(
            actor=admin_user,
            step=step,
            data=TeamInput(name=name, lead=world[lead], units=[unit]),
        )
    make_assessment(bare.period, world.bandung)
    admin = client_for(admin_user)
    admin.get(url("chain", bare.period.pk))  # the session's first load
    with CaptureQueriesContext(connection) as small:
        admin.get(url("chain", bare.period.pk))
    # Ten more sheets, a second step with its own team: the same number of queries.
    for i in range(10):
        parent = world.kanwil_jatim if i % 2 else world.kanwil_jabar
        parent.refresh_from_db()
        unit = add_unit(parent, code=f"KC-X{i}", name=f"Satker X{i}", kind="satker")
        make_assessment(bare.period, unit)
    step2 = chain_step_create(
        actor=admin_user, period=bare.period, data=step_input(bare.tiers["eselon1"])
    )
    review_team_save(
        actor=admin_user,
        step=step2,
        data=TeamInput(name="Tim Es1", lead=world["eselon1_reviewer"], units=[world.eselon1]),
    )
    with django_assert_num_queries(len(small.captured_queries)):
        page = admin.get(url("chain", bare.period.pk))
    html = page.content.decode()
    # Jabar: Bandung and 5 new; Jatim: 5 new; the eselon I team sees all 11.
    assert html.count('data-testid="load-sheets">6<') == 1
    assert html.count('data-testid="load-sheets">5<') == 1
    assert html.count('data-testid="load-sheets">11<') == 1


def test_the_admin_edits_a_step_and_removes_a_team(bare, world, client_for):
    admin_user = world["agency_admin"]
    step = chain_step_create(
        actor=admin_user, period=bare.period, data=step_input(bare.tiers["kanwil"])
    )
    team = review_team_save(
        actor=admin_user,
        step=step,
        data=TeamInput(name="Tim Jabar", lead=world["kanwil_reviewer"], units=[world.kanwil_jabar]),
    )
    admin = client_for(admin_user)
    page = admin.get(url("chain_step", bare.period.pk, step.pk))
    assert page.status_code == 200
    opens, closes = window(-5, 30)
    response = admin.post(
        url("chain_step", bare.period.pk, step.pk),
        {
            "tier": bare.tiers["kanwil"].pk,
            "opens_on": opens,
            "closes_on": closes,
            "uses_controller": "on",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.closes_on == closes
    assert step.uses_controller
    assert admin.get(url("chain_team", bare.period.pk, step.pk, team.pk)).status_code == 200
    response = admin.post(url("chain_team_delete", bare.period.pk, step.pk, team.pk))
    assert response.status_code == 302
    assert not ReviewTeam.objects.exists()
    # The reviewer keeps the role the team gave (roles are not per period).
    assert RoleAssignment.objects.filter(
        user=world["kanwil_reviewer"], unit=world.kanwil_jabar, role=Role.REVIEWER
    ).exists()
    assert world.new_events().filter(action="review_team.deleted").count() == 1


def test_a_new_period_copies_last_years_chain_from_its_empty_page(bare, world, client_for):
    from zona.assessments.tests.factories import make_period

    admin_user = world["agency_admin"]
    chain_step_create(actor=admin_user, period=bare.period, data=step_input(bare.tiers["kanwil"]))
    old = bare.period
    new = make_period(
        world.agency,
        old.framework,
        year=old.year + 1,
        title="PMPZI next",
        opens=old.opens_on.replace(year=old.opens_on.year + 1),
        closes=old.closes_on.replace(year=old.closes_on.year + 1),
    )
    admin = client_for(admin_user)
    page = admin.get(url("chain", new.pk)).content.decode()
    assert 'data-testid="chain-empty"' in page
    assert f'<option value="{old.pk}">' in page
    response = admin.post(url("chain_copy", new.pk), {"source": old.pk})
    assert response.status_code == 302
    assert list(ChainStep.objects.filter(period=new).values_list("tier__code", flat=True)) == [
        "kanwil"
    ]
    # A period of another agency cannot be a source.
    response = admin.post(url("chain_copy", new.pk), {"source": "999999"}, follow=True)
    assert ChainStep.objects.filter(period=new).count() == 1


def test_a_started_step_offers_only_its_closing_date(bare, world, client_for):
    admin_user = world["agency_admin"]
    step = chain_step_create(
        actor=admin_user, period=bare.period, data=step_input(bare.tiers["kanwil"], -5, 20)
    )
    TierReview.objects.create(
        assessment=make_assessment(bare.period, world.bandung),
        step=step,
        tier=step.tier,
        position=1,
        status="open",
    )
    admin = client_for(admin_user)
    page = admin.get(url("chain_step", bare.period.pk, step.pk)).content.decode()
    assert 'name="tier"' in page
    assert "disabled" in page.split('name="tier"')[1].split(">")[0]
    # A posted tier or opening date is ignored; the extension goes through.
    opens, closes = window(-1, 25)
    response = admin.post(
        url("chain_step", bare.period.pk, step.pk),
        {"tier": bare.tiers["tpi"].pk, "opens_on": opens, "closes_on": closes},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.tier, step.opens_on, step.closes_on) == (
        bare.tiers["kanwil"],
        window(-5, 20)[0],
        closes,
    )
