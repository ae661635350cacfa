"""The read API of units and of the caller's account, seen from different units."""

from __future__ import annotations

from django.urls import reverse

from zona.accounts.models import Unit


def codes(response) -> list[str]:
    return [u["code"] for u in response.json()["results"]]


def test_units_in_scope_only(world, client):
    client.force_login(world["operator"])
    assert codes(client.get(reverse("api-unit-list"))) == ["KC-BDG"]
    client.force_login(world["kanwil_reviewer"])
    assert codes(client.get(reverse("api-unit-list"))) == ["KC-JABAR", "KC-BDG", "KC-BGR"]
    client.force_login(world["outsider"])
    assert codes(client.get(reverse("api-unit-list"))) == ["KL-SAT"]
    # The TPN sees the nominated units only; the system administrator sees every unit.
    client.force_login(world["tpn"])
    assert codes(client.get(reverse("api-unit-list"))) == []
    from zona.assessments.tests.factories import load_mini, make_assessment, make_period
    from zona.national.tests.tpn_fixtures import nominate

    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    nominate(make_assessment(period, world.bandung), by=world["agency_admin"])
    assert codes(client.get(reverse("api-unit-list"))) == ["KC-BDG"]
    client.force_login(world["sysadmin"])
    assert client.get(reverse("api-unit-list")).json()["count"] == Unit.objects.count()


def test_unit_detail_from_another_unit_is_404_like_a_missing_one(world, client):
    client.force_login(world["other_operator"])
    forbidden = client.get(reverse("api-unit-detail", args=[world.bandung.pk]))
    missing = client.get(reverse("api-unit-detail", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert forbidden.json()["error"]["code"] == "not_found"
    own = client.get(reverse("api-unit-detail", args=[world.bogor.pk])).json()
    assert own["code"] == "KC-BGR"
    assert own["parent_id"] == world.kanwil_jabar.pk


def test_filters(world, client):
    client.force_login(world["agency_admin"])
    url = reverse("api-unit-list")
    assert codes(client.get(url, {"under": world.kanwil_jatim.pk})) == ["KC-JATIM", "KC-SBY"]
    assert codes(client.get(url, {"q": "bogor"})) == ["KC-BGR"]
    assert codes(client.get(url, {"kind": "echelon_i"})) == ["KC-DJP", "KC-ITJ"]
    # `under` a unit outside the scope is the same 404 as a missing one.
    assert client.get(url, {"under": world.other_satker.pk}).status_code == 404


def test_unit_list_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    client.force_login(world["sysadmin"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api-unit-list"))
    assert response.json()["count"] == 10


def test_me(world, client):
    client.force_login(world["wg_member"])
    me = client.get(reverse("api-me")).json()
    assert me["username"] == "wg_member"
    assert me["home_unit"]["code"] == "KC-BDG"
    assert me["roles"] == [
        {
            "role": "working_group",
            "unit": {"id": world.bandung.pk, "code": "KC-BDG", "name": "Satker Bandung"},
            "covers_subtree": False,
            "review_tier": None,
            "lke_areas": ["1", "2"],
        }
    ]
    assert me["mfa_required"] is False
    client.force_login(world["tpn"])
    me = client.get(reverse("api-me")).json()
    assert me["roles"][0]["unit"] is None
    assert me["roles"][0]["review_tier"] == "tpn"
