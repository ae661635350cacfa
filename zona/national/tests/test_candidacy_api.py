"""The candidacy part's API (issue 11 §1): real responses checked against the OpenAPI
schema, the same access (404 from another unit or agency) and refusals as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zona.accounts.testing import World
from zona.assessments.tests.openapi import assert_matches_schema
from zona.national.models import Candidacy, Declaration, IntegrityPact
from zona.national.selectors.candidacy import default_criteria
from zona.national.tests.test_candidacy import NIP, PDF, YEAR, es1_head

pytestmark = pytest.mark.django_db

V = "/api/v1"


def test_declaration_and_unit_view(world: World, client_for):
    api = client_for(world["operator"])
    url = f"{V}/units/{world.bandung.pk}/zi/declaration/?year={YEAR}"
    body = {
        "declared_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "signer_name": "Budi Santoso",
        "signer_nip": NIP,
        "signer_position": "Kepala Kantor",
        "signer_echelon": "4",
        "charter": SimpleUploadedFile("piagam.pdf", PDF, content_type="application/pdf"),
    }
    r = api.put(url, data=_multipart(body), content_type=MULTIPART)
    assert r.status_code == 400
    assert "echelon_too_low" in {p["code"] for p in r.json()["error"]["problems"]}
    assert not Declaration.objects.exists()
    body["signer_echelon"] = "2"
    body["charter"] = SimpleUploadedFile("piagam.pdf", PDF, content_type="application/pdf")
    r = api.put(url, data=_multipart(body), content_type=MULTIPART)
    assert r.status_code == 200, r.content
    assert_matches_schema("/api/v1/units/{unit_id}/zi/declaration/", "put", r)
    assert len(r.json()["charter_sha256"]) == 64

    r = client_for(world["agency_admin"]).get(f"{V}/units/{world.bandung.pk}/zi/?year={YEAR}")
    assert r.status_code == 200
    assert_matches_schema("/api/v1/units/{unit_id}/zi/", "get", r)
    data = r.json()
    assert data["declaration"]["signer_echelon"] == 2
    assert data["is_candidate"] is False
    assert {p["code"] for p in data["designation_problems"]} == {"eligibility_missing"}
    for name in ("other_operator", "outsider"):
        assert client_for(world[name]).get(f"{V}/units/{world.bandung.pk}/zi/").status_code == 404
    r = client_for(world["other_operator"]).put(url, data=_multipart(body), content_type=MULTIPART)
    assert r.status_code == 404
    assert api.get(f"{V}/units/{world.bandung.pk}/zi/?year=²").status_code == 400


MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def _multipart(fields: dict) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRy", fields)


def test_roster_import_dry_run_then_apply(world: World, client_for):
    api = client_for(world["operator"])
    url = f"{V}/units/{world.bandung.pk}/zi/pacts/import/"
    bad = b"name,nip,position\nAni,1986,Analis\n,198702022011011002,X\n"
    r = api.post(url, {"file": SimpleUploadedFile("r.csv", bad), "year": YEAR})
    assert r.status_code == 200
    assert_matches_schema("/api/v1/units/{unit_id}/zi/pacts/import/", "post", r)
    assert r.json()["ok"] is False
    assert [(p["row"], p["code"]) for p in r.json()["problems"]] == [
        (2, "invalid_nip"),
        (3, "required"),
    ]
    r = api.post(url, {"file": SimpleUploadedFile("r.csv", bad), "year": YEAR, "dry_run": "false"})
    assert r.status_code == 400
    assert not IntegrityPact.objects.exists()
    good = b"name,nip,position\nAni,198601012010012001,Analis\n"
    r = api.post(url, {"file": SimpleUploadedFile("r.csv", good), "year": YEAR, "dry_run": "false"})
    assert r.status_code == 200
    assert IntegrityPact.objects.count() == 1
    r = api.get(f"{V}/units/{world.bandung.pk}/zi/pacts/?year={YEAR}")
    assert_matches_schema("/api/v1/units/{unit_id}/zi/pacts/", "get", r)
    assert r.json()["summary"] == {"total": 1, "signed": 0, "percent": "0.0"}
    pact = IntegrityPact.objects.get()
    r = api.put(
        f"{V}/units/{world.bandung.pk}/zi/pacts/{pact.pk}/",
        data=_multipart(
            {
                "signed": "true",
                "signed_on": timezone.localdate().isoformat(),
                "document": SimpleUploadedFile("p.pdf", PDF),
            }
        ),
        content_type=MULTIPART,
    )
    assert r.status_code == 200
    assert_matches_schema("/api/v1/units/{unit_id}/zi/pacts/{pact_id}/", "put", r)
    assert (
        client_for(world["viewer"])
        .post(url, {"file": SimpleUploadedFile("r.csv", good)})
        .status_code
        == 404
    )


def test_designation_through_the_api(world: World, client_for):
    head = client_for(es1_head(world))
    url = f"{V}/units/{world.bandung.pk}/zi/candidacy/"
    r = head.post(url, {"target": "WBK", "year": YEAR}, content_type="application/json")
    assert r.status_code == 409
    codes = {p["code"] for p in r.json()["error"]["problems"]}
    assert codes == {"no_declaration", "eligibility_missing"}
    assert (
        client_for(world["operator"])
        .post(url, {"target": "WBK"}, content_type="application/json")
        .status_code
        == 404
    )

    from zona.national.tests.test_candidacy import answer_all, declare

    declare(world)
    answer_all(world)
    r = client_for(world["agency_admin"]).put(
        f"{V}/units/{world.bandung.pk}/zi/eligibility/echelon/",
        {"answer": True, "note": "Eselon III", "year": YEAR},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert_matches_schema("/api/v1/units/{unit_id}/zi/eligibility/{code}/", "put", r)
    r = head.post(url, {"target": "WBQ", "year": YEAR}, content_type="application/json")
    assert r.status_code == 400
    r = head.post(url, {"target": "WBK", "year": YEAR}, content_type="application/json")
    assert r.status_code == 201
    assert_matches_schema("/api/v1/units/{unit_id}/zi/candidacy/", "post", r)
    cid = r.json()["id"]
    agency = f"{V}/agencies/{world.agency.pk}/candidates/{YEAR}/"
    r = client_for(world["agency_admin"]).get(agency)
    assert_matches_schema("/api/v1/agencies/{agency_id}/candidates/{year}/", "get", r)
    assert [row["code"] for row in r.json() if row["is_candidate"]] == ["KC-BDG"]
    assert client_for(world["outsider"]).get(agency).status_code == 404
    r = client_for(world["agency_admin"]).post(
        agency, {"units": [world.bogor.pk], "target": "WBK"}, content_type="application/json"
    )
    assert r.status_code == 200
    assert_matches_schema("/api/v1/agencies/{agency_id}/candidates/{year}/", "post", r)
    assert r.json()[0]["designated"] is False
    r = client_for(world["outsider"]).post(
        f"{V}/candidacies/{cid}/withdraw/", {"reason": "x"}, content_type="application/json"
    )
    assert r.status_code == 404
    r = head.post(
        f"{V}/candidacies/{cid}/withdraw/", {"reason": ""}, content_type="application/json"
    )
    assert r.status_code == 409
    r = head.post(
        f"{V}/candidacies/{cid}/withdraw/", {"reason": "Ditunda"}, content_type="application/json"
    )
    assert r.status_code == 200
    assert_matches_schema("/api/v1/candidacies/{candidacy_id}/withdraw/", "post", r)
    assert Candidacy.objects.get().status == "withdrawn"


def test_the_checklist_through_the_api(world: World, client_for):
    url = f"{V}/agencies/{world.agency.pk}/eligibility/criteria/"
    admin = client_for(world["agency_admin"])
    r = admin.get(url)
    assert_matches_schema("/api/v1/agencies/{agency_id}/eligibility/criteria/", "get", r)
    assert [c["code"] for c in r.json()] == [c.code for c in default_criteria()]
    r = admin.post(url, {"name": "SK Tim ZI"}, content_type="application/json")
    assert r.status_code == 201
    r = admin.put(
        f"{url}echelon/",
        {"name": "Setingkat eselon", "active": False},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert_matches_schema("/api/v1/agencies/{agency_id}/eligibility/criteria/{code}/", "put", r)
    assert r.json()["active"] is False
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["operator"]).get(url).status_code == 404
