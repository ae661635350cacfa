"""The survey API under /api/v1/: campaigns, results, the LKE indices; and its schema."""

import pytest
from django.urls import reverse

from .conftest import make_campaign, submit

pytestmark = pytest.mark.django_db


def test_campaign_list_is_scoped(client_for, world, instruments, campaign):
    make_campaign(world, instruments, unit=world.bogor)
    submit(campaign, spak=[5] * 5)
    data = client_for(world["operator"]).get("/api/v1/surveys/campaigns/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["unit"]["code"] == "KC-BDG"
    assert row["responses"] == 1
    assert row["sample_target"] == 358
    assert [i["key"] for i in row["instruments"]] == ["spak", "spkp", "skm"]
    assert row["public_url"].endswith(f"/s/{campaign.public_code}")
    assert client_for(world["agency_admin"]).get("/api/v1/surveys/campaigns/").json()["count"] == 2
    assert client_for(world["outsider"]).get("/api/v1/surveys/campaigns/").json()["count"] == 0


def test_detail_and_results(client_for, world, campaign, settings):
    # Figures of this few responses are shown here (test_small_campaigns checks the k rule).
    settings.ZONA_SURVEY_MIN_GROUP = 2
    submit(campaign, spak=[6, 5, 6, 4, 6], skm=[3, 3, 4, 2, 3, 3, 4, 3, 3])
    submit(campaign, spak=[5, 5, 6, 4, 5], skm=[4, 3, 3, 3, 3, 4, 4, 2, 3])
    client = client_for(world["viewer"])
    detail = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/").json()
    assert {s["service_code"]: s["target"] for s in detail["services"]} == {
        "PASPOR": 278,
        "IZIN": 80,
    }
    results = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/results/").json()
    by_key = {r["instrument"]: r for r in results["results"]}
    assert by_key["spak"]["index"] == "3.4667"
    assert by_key["spak"]["items"][3] == {"code": "Q4", "mean": "4.0000", "answered": 2}
    assert (by_key["skm"]["ikm"], by_key["skm"]["grade"], by_key["skm"]["index"]) == (
        "79.17",
        "B",
        None,
    )
    assert by_key["spkp"]["index"] is None
    assert results["by_service"][0]["service_code"] in {"IZIN", "PASPOR"}


def test_other_unit_gets_the_error_shape_404(client_for, world, campaign):
    response = client_for(world["other_operator"]).get(
        f"/api/v1/surveys/campaigns/{campaign.pk}/results/"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = client_for(world["other_operator"]).get(
        f"/api/v1/surveys/units/{world.bandung.pk}/indices/?year=2026"
    )
    assert response.status_code == 404


def test_unit_indices_for_the_lke(client_for, world, campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6], spkp=[5] * 8, skm=[3] * 9)
    client = client_for(world["tpi_reviewer"])
    data = client.get(
        f"/api/v1/surveys/units/{world.bandung.pk}/indices/?year={campaign.year}"
    ).json()
    assert data == {
        "unit": world.bandung.pk,
        "year": campaign.year,
        "ipak": "3.60",
        "ipkp": "3.33",
        "skm_rounds": 1,
    }
    bad = client.get(f"/api/v1/surveys/units/{world.bandung.pk}/indices/?year=abc")
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["field"] == "year"


def test_anonymous_api_is_refused(client, campaign):
    assert client.get("/api/v1/surveys/campaigns/").status_code in (401, 403)


def test_schema_lists_the_survey_endpoints(client_for, world):
    schema = (
        client_for(world["operator"])
        .get(reverse("api-schema"), HTTP_ACCEPT="application/json")
        .json()
    )
    paths = set(schema["paths"])
    assert {
        "/api/v1/surveys/campaigns/",
        "/api/v1/surveys/campaigns/{id}/",
        "/api/v1/surveys/campaigns/{id}/results/",
        "/api/v1/surveys/units/{unit_id}/indices/",
    } <= paths
