"""Every TPN endpoint through the API: the evaluated path to WBK, the follow-up, the
sampling plan, and another agency's user kept out of each (404)."""

from __future__ import annotations

import pytest

from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period, pdf_file
from zona.national.models import Nomination, Predicate
from zona.national.tests.tpn_fixtures import nominate

JSON = "application/json"


@pytest.fixture
def nomination(world) -> Nomination:
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    a = make_assessment(period, world.bandung)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    return nominate(Assessment.objects.get(pk=a.pk), by=world["agency_admin"])


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


def test_evaluated_path_to_wbk(world, client_for, nomination):
    tpn = client_for(world["tpn"])
    base = f"/api/v1/nominations/{nomination.pk}"
    assert (
        _post(tpn, f"{base}/decide/", {"action": "pass", "held_on": "2026-06-10"}).json()["stage"]
        == "desk"
    )
    assert (
        _post(tpn, f"{base}/decide/", {"action": "desk_done", "held_on": "2026-08-10"}).json()[
            "stage"
        ]
        == "field"
    )
    bad_mode = _post(tpn, f"{base}/field/", {"scheduled_on": "2026-09-14", "mode": "boat"})
    assert bad_mode.status_code == 400
    field = _post(
        tpn,
        f"{base}/field/",
        {"scheduled_on": "2026-09-14", "mode": "online", "findings": "Tidak ada temuan"},
    )
    assert field.json()["field_evaluation"]["findings"] == "Tidak ada temuan"
    _post(tpn, f"{base}/decide/", {"action": "field_done", "held_on": "2026-09-20"})
    for body in ("kpk", "ombudsman"):
        r = _post(
            tpn,
            f"{base}/clearance/",
            {"body": body, "result": "clear", "issued_on": "2026-10-01", "reference": "R/1"},
        )
        assert r.status_code == 200
    assert r.json()["stage"] == "determination"
    no_number = _post(tpn, f"{base}/award/", {"decree_date": "2026-12-01"})
    assert no_number.status_code == 400
    assert "decree_number_required" in no_number.content.decode()
    done = _post(
        tpn, f"{base}/award/", {"decree_number": "KEP-9/2026", "decree_date": "2026-12-01"}
    )
    assert done.json()["stage"] == "awarded"
    assert done.json()["predicate"]["decree_number"] == "KEP-9/2026"
    assert Predicate.objects.filter(nomination=nomination).exists()


def test_follow_up_through_the_api(world, client_for, nomination):
    tpn = client_for(world["tpn"])
    base = f"/api/v1/nominations/{nomination.pk}"
    r = _post(
        tpn,
        f"{base}/decide/",
        {
            "action": "pass_with_notes",
            "held_on": "2026-11-30",
            "follow_up": [{"kind": "sptjm", "request": "SPTJM bertanda tangan"}],
        },
    )
    [item] = r.json()["follow_ups"]
    upload = f"{base}/follow-up/{item['id']}/upload/"
    assert client_for(world["outsider"]).post(upload, {"file": pdf_file()}).status_code == 404
    sent = client_for(world["unit_head"]).post(upload, {"file": pdf_file("sptjm.pdf")})
    assert sent.status_code == 200
    assert sent.json()["follow_ups"][0]["file_name"] == "sptjm.pdf"
    refused = client_for(world["unit_head"]).post(f"{base}/follow-up/{item['id']}/accept/")
    assert refused.status_code == 403
    accepted = tpn.post(f"{base}/follow-up/{item['id']}/accept/")
    assert accepted.json()["stage"] == "desk"


def test_sampling_through_the_api(world, client_for, nomination):
    body = {"agency": world.agency.pk, "year": 2026, "method": "random", "size": 1, "seed": "s1"}
    assert (
        _post(client_for(world["agency_admin"]), "/api/v1/tpn/sampling/", body).status_code == 404
    )
    r = _post(client_for(world["tpn"]), "/api/v1/tpn/sampling/", body)
    assert r.status_code == 200
    assert r.json()["seed"] == "s1"
    assert [n["sampled"] for n in r.json()["nominations"]] == [True]
    other = {**body, "agency": world.other_agency.pk}
    assert _post(client_for(world["tpn"]), "/api/v1/tpn/sampling/", other).status_code == 404


@pytest.mark.parametrize(
    "path", ["decide/", "award/", "appeal/", "field/", "clearance/", "follow-up/1/accept/"]
)
def test_another_agency_gets_404(world, client_for, nomination, path):
    url = f"/api/v1/nominations/{nomination.pk}/{path}"
    assert _post(client_for(world["outsider"]), url, {}).status_code == 404
