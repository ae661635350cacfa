"""The chain in the API: steps and teams with load, permission-checked (404 for others),
bad input refused with problems, responses matching the OpenAPI schema."""

from __future__ import annotations

import pytest

from zona.accounts.models import Role
from zona.accounts.services import role_assign, user_create
from zona.assessments.tests.factories import make_assessment
from zona.assessments.tests.openapi import assert_matches_schema
from zona.workflow.models import ChainStep, ReviewTeam
from zona.workflow.tests.chain_fixtures import bare_chain, window

pytestmark = pytest.mark.django_db
API = "/api/v1"
STEPS = "/api/v1/periods/{id}/chain/"
STEP = "/api/v1/periods/{id}/chain/{step_id}/"
TEAMS = "/api/v1/periods/{id}/chain/{step_id}/teams/"


@pytest.fixture
def bare(world):
    return bare_chain(world)


def _step_body(tier, start=-5, end=20, **extra):
    opens, closes = window(start, end)
    return {"tier": tier.pk, "opens_on": str(opens), "closes_on": str(closes), **extra}


def test_the_admin_builds_a_chain_with_a_team_through_the_api(bare, world, client_for):
    client = client_for(world["agency_admin"])
    base = f"{API}/periods/{bare.period.pk}/chain/"
    r = client.post(base, _step_body(bare.tiers["tpi"], 0, 30), content_type="application/json")
    assert r.status_code == 201, r.content
    assert_matches_schema(STEPS, "post", r)
    r = client.post(
        base,
        _step_body(bare.tiers["kanwil"], scopes=[world.kanwil_jabar.pk]),
        content_type="application/json",
    )
    kanwil = r.json()
    assert kanwil["position"] == 1
    assert [s["code"] for s in kanwil["scopes"]] == ["KC-JABAR"]
    make_assessment(bare.period, world.bandung)
    r = client.post(
        f"{base}{kanwil['id']}/teams/",
        {
            "name": "Tim Jabar",
            "lead": world["kanwil_reviewer"].pk,
            "members": [world["kanwil_member"].pk],
            "units": [world.kanwil_jabar.pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert_matches_schema(TEAMS, "post", r)
    assert r.json()["sheets"] == 1
    r = client.get(base)
    assert_matches_schema(STEPS, "get", r)
    assert [s["tier"]["code"] for s in r.json()] == ["kanwil", "tpi"]
    assert r.json()[0]["teams"][0]["name"] == "Tim Jabar"
    # Update: extend the window; delete the TPI step.
    r = client.put(
        f"{base}{kanwil['id']}/",
        _step_body(bare.tiers["kanwil"], -5, 25, scopes=[world.kanwil_jabar.pk]),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert_matches_schema(STEP, "put", r)
    tpi = ChainStep.objects.get(tier=bare.tiers["tpi"])
    assert client.delete(f"{base}{tpi.pk}/").status_code == 204
    assert list(ChainStep.objects.values_list("tier__code", flat=True)) == ["kanwil"]


def test_bad_input_is_refused_with_problems_and_changes_nothing(bare, world, client_for):
    client = client_for(world["agency_admin"])
    base = f"{API}/periods/{bare.period.pk}/chain/"
    r = client.post(base, _step_body(bare.tiers["kanwil"], 10, 2), content_type="application/json")
    assert r.status_code == 400
    assert "dates_order" in [p["code"] for p in r.json()["error"]["problems"]]
    r = client.post(
        base, _step_body(bare.tiers["tpi"], position=3), content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["problems"][0]["code"] == "position_not_by_rank"
    r = client.post(base, _step_body(world.tier_tpn), content_type="application/json")
    assert r.status_code == 400
    r = client.post(
        base,
        _step_body(bare.tiers["kanwil"], scopes=[world.other_satker.pk]),
        content_type="application/json",
    )
    assert r.status_code == 400
    assert not ChainStep.objects.exists()
    assert not ReviewTeam.objects.exists()


def test_others_get_404(bare, world, client_for):
    client = client_for(world["agency_admin"])
    base = f"{API}/periods/{bare.period.pk}/chain/"
    step = client.post(
        base, _step_body(bare.tiers["kanwil"]), content_type="application/json"
    ).json()
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
    for user in (other_admin, world["kanwil_reviewer"], world["operator"]):
        c = client_for(user)
        assert c.get(base).status_code == 404
        assert c.get(f"{base}{step['id']}/teams/").status_code == 404
        assert c.delete(f"{base}{step['id']}/").status_code == 404
        r = c.post(base, _step_body(bare.tiers["tpi"]), content_type="application/json")
        assert r.status_code == 404
    assert ChainStep.objects.count() == 1


def test_a_team_is_changed_and_removed_through_the_api(bare, world, client_for):
    client = client_for(world["agency_admin"])
    base = f"{API}/periods/{bare.period.pk}/chain/"
    step = client.post(
        base, _step_body(bare.tiers["kanwil"]), content_type="application/json"
    ).json()
    body = {
        "name": "Tim Jabar",
        "lead": world["kanwil_reviewer"].pk,
        "units": [world.kanwil_jabar.pk],
    }
    team = client.post(f"{base}{step['id']}/teams/", body, content_type="application/json").json()
    address = f"{base}{step['id']}/teams/{team['id']}/"
    r = client.put(
        address,
        {**body, "name": "Tim Jawa Barat", "members": [world["kanwil_member"].pk]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert_matches_schema("/api/v1/periods/{id}/chain/{step_id}/teams/{team_id}/", "put", r)
    assert r.json()["name"] == "Tim Jawa Barat"
    assert {m["username"] for m in r.json()["members"]} == {"kanwil_reviewer", "kanwil_member"}
    # The operator of a reviewed unit cannot join: own unit.
    make_assessment(bare.period, world.bandung)
    r = client.put(
        address, {**body, "members": [world["operator"].pk]}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["problems"][0]["code"] == "own_unit"
    assert client_for(world["outsider"]).delete(address).status_code == 404
    assert client.delete(address).status_code == 204
    assert not ReviewTeam.objects.exists()
