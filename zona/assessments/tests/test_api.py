"""The API under /api/v1/: same rules as the pages, one error shape."""

import io
import json
import tempfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from zona.assessments.models import Answer, EvidenceLink
from zona.assessments.services import answer_save
from zona.assessments.tests.factories import make_assessment, pdf_file
from zona.workflow.services.sheet import sheet_submit

API = "/api/v1"


def test_periods_and_assessments_are_scoped(client_for, world, period, assessment):
    make_assessment(period, world.bogor)
    client = client_for(world["operator"])
    assert [p["id"] for p in client.get(f"{API}/periods/").json()["results"]] == [period.pk]
    rows = client.get(f"{API}/assessments/").json()["results"]
    assert [r["unit_code"] for r in rows] == ["KC-BDG"]
    assert client_for(world["outsider"]).get(f"{API}/periods/").json()["results"] == []
    assert (
        client_for(world["outsider"]).get(f"{API}/assessments/{assessment.pk}/").status_code == 404
    )
    body = client_for(world["outsider"]).get(f"{API}/assessments/{assessment.pk}/answers/").json()
    assert body["error"]["code"] == "not_found"
    detail = client.get(f"{API}/assessments/{assessment.pk}/").json()
    assert detail["layers"][0]["code"] == "unit"
    assert detail["window"]["kind"] == "fill"


def test_anonymous_requests_are_refused(client, assessment):
    assert client.get(f"{API}/assessments/").status_code == 403


def test_answers_put_with_revision_and_conflict_shape(client_for, world, assessment):
    client = client_for(world["operator"])
    path = f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.b/"
    r = client.put(
        path, {"value": "A", "note": "x", "revision": 0}, content_type="application/json"
    )
    assert r.status_code == 200
    assert r.json()["revision"] == 1
    r = client_for(world["wg_member"]).put(
        path, {"value": "C", "revision": 0}, content_type="application/json"
    )
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "conflict"
    assert error["current"]["value"] == "A"
    assert error["changed_by"] == world["operator"].display_name
    r = client.put(path, {"value": "Q", "revision": 1}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["error"]["problems"][0]["field"] == "value"
    r = client.put(path, {"revision": 1}, content_type="application/json")
    assert r.status_code == 400
    r = client.put(
        f"{API}/assessments/{assessment.pk}/answers/A.r.m.1.a/",
        {"value": {"change_agents": 4, "changes_made": 3}, "revision": 0},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = client.put(
        f"{API}/assessments/{assessment.pk}/answers/B.1.a/",
        {"value": 3.61, "revision": 0},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["value"] == "3.61"
    rows = client.get(f"{API}/assessments/{assessment.pk}/answers/").json()
    assert {row["item"] for row in rows} == {"A.p.m.1.b", "A.r.m.1.a", "B.1.a"}
    history = client.get(f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.b/history/").json()
    assert [h["field"] for h in history] == ["value", "note"] or len(history) == 2


def test_api_enforces_areas_and_roles(client_for, world, assessment):
    path = f"{API}/assessments/{assessment.pk}/answers/B.1.b/"
    r = client_for(world["wg_member"]).put(
        path, {"value": "A", "revision": 0}, content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    r = client_for(world["viewer"]).put(
        path, {"value": "A", "revision": 0}, content_type="application/json"
    )
    assert r.status_code == 403
    r = client_for(world["operator"]).post(f"{API}/assessments/{assessment.pk}/submit/")
    assert r.status_code == 403
    r = client_for(world["unit_head"]).post(f"{API}/assessments/{assessment.pk}/submit/")
    assert r.status_code == 200
    assert r.json()["status"] == "submitted"
    r = client_for(world["operator"]).put(
        f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.a/",
        {"value": "Ya", "revision": 0},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "state"


def test_reviewer_layers_through_the_api(client_for, world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    client = client_for(world["tpi_reviewer"])
    path = f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.a/?layer=tpi"
    r = client.put(
        path,
        {"value": "Tidak", "note": "SK tidak ada", "revision": 0},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert (
        client.put(
            f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.a/?layer=kanwil",
            {"value": "Ya", "revision": 0},
            content_type="application/json",
        ).status_code
        == 403
    )
    rows = client.get(f"{API}/assessments/{assessment.pk}/answers/?layer=tpi").json()
    assert rows[0]["value"] == "Tidak"
    scores = client.get(f"{API}/assessments/{assessment.pk}/scores/").json()
    assert set(scores["layers"]) == {"unit", "tpi"}
    assert Decimal(str(scores["layers"]["unit"]["nodes"]["A.p.m.1"]["score"])) == Decimal("5.00")
    assert Decimal(str(scores["effective"]["nodes"]["A.p.m.1"]["score"])) == Decimal("0.00")


def test_scores_match_the_lke_score_command(client_for, world, assessment):
    answers: dict[str, Any] = {
        "A.p.m.1.a": "Ya",
        "A.p.m.2.a": "B",
        "A.p.m.2.b": "D",
        "A.p.t.1.b": "Ya",
        "A.r.m.1.a": {"change_agents": 3, "changes_made": 2},
        "A.r.t.1.a": "C",
        "B.1.a": "3.4",
        "B.1.b": "B",
        "B.2.a": "3.75",
    }
    for code, value in answers.items():
        answer_save(
            actor=world["operator"], assessment=assessment, item_code=code, revision=0, value=value
        )
    mine = (
        client_for(world["operator"])
        .get(f"{API}/assessments/{assessment.pk}/scores/")
        .json()["layers"]["unit"]
    )
    # lke_score reads NUM4 indices as JSON numbers.
    numbers = {"B.1.a", "B.2.a"}
    body = ", ".join(
        f'"{code}": {value if code in numbers else json.dumps(value)}'
        for code, value in answers.items()
    )
    out = io.StringIO()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        fh.write('{"framework": "mini-lke", "answers": {' + body + "}}")
    call_command("lke_score", fh.name, stdout=out)
    theirs = json.loads(out.getvalue())
    assert Decimal(str(mine["total"])) == Decimal(str(theirs["total"]))
    for code, node in theirs["nodes"].items():
        assert Decimal(str(mine["nodes"][code]["score"])) == Decimal(str(node["score"])), code


def test_evidence_upload_link_and_unlink(client_for, world, assessment):
    client = client_for(world["operator"])
    r = client.post(
        f"{API}/evidence/",
        {"unit": world.bandung.pk, "file": pdf_file("laporan.pdf"), "title": "Laporan"},
    )
    assert r.status_code == 201, r.content
    evidence = r.json()
    assert evidence["current_revision"]["sha256"]
    assert evidence["kind"] == "file"
    r = client.post(
        f"{API}/evidence/", {"unit": world.bandung.pk, "url": "https://drive.google.com/x"}
    )
    assert r.status_code == 201
    assert r.json()["kind"] == "link"
    bad = client.post(
        f"{API}/evidence/", {"unit": world.bandung.pk, "file": io.BytesIO(b"MZ" * 20)}
    )
    assert bad.status_code == 400
    r = client.post(
        f"{API}/assessments/{assessment.pk}/evidence-links/",
        {"evidence": evidence["id"], "item": "A.p.m.1.a"},
        content_type="application/json",
    )
    assert r.status_code == 201
    link_id = r.json()["id"]
    assert len(client.get(f"{API}/assessments/{assessment.pk}/evidence-links/").json()) == 1
    file_url = evidence["current_revision"]["file_url"]
    assert client.get(file_url).status_code == 200
    assert client_for(world["outsider"]).get(file_url).status_code == 404
    assert (
        client.delete(f"{API}/assessments/{assessment.pk}/evidence-links/{link_id}/").status_code
        == 204
    )
    assert not EvidenceLink.objects.filter(unlinked_at__isnull=True).exists()
    assert (
        client_for(world["other_operator"])
        .post(f"{API}/evidence/", {"unit": world.bandung.pk, "file": pdf_file("x.pdf")})
        .status_code
        == 404
    )
    assert client_for(world["outsider"]).get(f"{API}/evidence/{evidence['id']}/").status_code == 404
    assert len(client_for(world["kanwil_reviewer"]).get(f"{API}/evidence/").json()["results"]) == 2


def test_period_creation_and_bulk_assessments_through_the_api(client_for, world, framework):
    client = client_for(world["agency_admin"])
    r = client.post(
        f"{API}/periods/",
        {
            "agency": world.agency.pk,
            "framework": framework.pk,
            "year": 2026,
            "title": "API 2026",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "deadlines": [{"level": 4, "fill_deadline": "2026-11-21"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    period_id = r.json()["id"]
    r = client.post(
        f"{API}/periods/{period_id}/assessments/",
        {"units": [{"unit": world.bandung.pk, "target": "wbbm"}]},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert r.json()[0]["target"] == "wbbm"
    r = client_for(world["operator"]).post(
        f"{API}/periods/{period_id}/assessments/",
        {"units": [{"unit": world.bandung.pk}]},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(client_for, world):
    r = client_for(world["operator"]).get(f"{API}/schema/?format=json")
    assert r.status_code == 200
    paths = json.loads(r.content)["paths"]
    for p in (
        "/api/v1/periods/",
        "/api/v1/assessments/{id}/answers/{code}/",
        "/api/v1/assessments/{id}/scores/",
        "/api/v1/evidence/",
        "/api/v1/assessments/{id}/evidence-links/",
    ):
        assert p in paths, p


@pytest.mark.parametrize("persona", ["outsider", "other_operator"])
def test_answer_detail_is_hidden_from_other_units(client_for, world, assessment, persona):
    assert (
        client_for(world[persona])
        .get(f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.a/")
        .status_code
        == 404
    )
    assert not Answer.objects.exists()


# --- reviewers through the API ----------------------------------------------------------------


@pytest.fixture
def submitted(world, assessment):
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    return sheet_submit(actor=world["unit_head"], assessment=assessment)


def test_layers_side_by_side(client_for, world, submitted):
    base = f"{API}/assessments/{submitted.pk}"
    client_for(world["kanwil_reviewer"]).put(
        f"{base}/answers/A.p.m.1.a/?layer=kanwil",
        {"value": "Tidak", "note": "SK tidak ada", "revision": 0},
        content_type="application/json",
    )
    body = client_for(world["operator"]).get(f"{base}/layers/").json()
    assert [layer["code"] for layer in body["layers"]] == ["unit", "kanwil"]
    rows = {row["item"]: row for row in body["items"]}
    row = rows["A.p.m.1.a"]
    assert row["answers"]["unit"]["value"] == "Ya"
    assert row["answers"]["kanwil"]["note"] == "SK tidak ada"
    assert row["effective"] == {"layer": "kanwil", "value": "Tidak"}
    assert row["differs"] is True
    assert rows["A.p.m.1.b"] == {
        "item": "A.p.m.1.b",
        "answers": {},
        "effective": {"layer": None, "value": None},
        "differs": False,
    }
    detail = client_for(world["kanwil_reviewer"]).get(f"{base}/").json()
    assert detail["your_tiers"] == ["kanwil"]
    for persona in ("other_operator", "outsider"):
        assert client_for(world[persona]).get(f"{base}/layers/").status_code == 404


def test_reviewer_layer_writes_follow_the_page_rules(client_for, world, assessment):
    path = f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.a/?layer=tpi"
    # Before the submission.
    r = client_for(world["tpi_reviewer"]).put(
        path, {"value": "Ya", "revision": 0}, content_type="application/json"
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "state"
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    # A unit user never writes a reviewer layer; a reviewer never the unit's.
    r = client_for(world["operator"]).put(
        path, {"value": "Ya", "revision": 0}, content_type="application/json"
    )
    assert r.status_code == 403
    r = client_for(world["tpi_reviewer"]).put(
        f"{API}/assessments/{assessment.pk}/answers/A.p.m.1.a/",
        {"value": "Ya", "revision": 0},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not Answer.objects.exists()
    # Out of scope: 404 before anything else.
    surabaya = make_assessment(assessment.period, world.surabaya)
    r = client_for(world["kanwil_reviewer"]).put(
        f"{API}/assessments/{surabaya.pk}/answers/A.p.m.1.a/?layer=kanwil",
        {"value": "Ya", "revision": 0},
        content_type="application/json",
    )
    assert r.status_code == 404
    # An unknown layer reads as 404, an empty one as [].
    client = client_for(world["tpi_reviewer"])
    assert client.get(f"{API}/assessments/{assessment.pk}/answers/?layer=nope").status_code == 404
    assert client.get(f"{API}/assessments/{assessment.pk}/answers/?layer=tpn").json() == []


def test_return_through_the_api(client_for, world, submitted):
    path = f"{API}/assessments/{submitted.pk}/return/"
    payload = {"items": ["A.p.m.1.a"], "reason": "Lampirkan SK"}
    r = client_for(world["operator"]).post(path, payload, content_type="application/json")
    assert r.status_code == 403
    r = client_for(world["other_operator"]).post(path, payload, content_type="application/json")
    assert r.status_code == 404
    r = client_for(world["kanwil_reviewer"]).post(
        path, {**payload, "tier": "tpi"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = client_for(world["tpi_reviewer"]).post(
        path, {"items": ["X.9"], "reason": "x"}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["problems"][0]["field"] == "items"
    r = client_for(world["tpi_reviewer"]).post(path, payload, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "returned"
    assert body["returned_items"] == ["A.p.m.1.a"]
    r = client_for(world["tpi_reviewer"]).post(path, payload, content_type="application/json")
    assert r.status_code == 409
    timeline = f"{API}/assessments/{submitted.pk}/timeline/"
    events = client_for(world["operator"]).get(timeline).json()
    assert [e["action"] for e in events] == ["submitted", "returned"]
    assert events[1]["reason"] == "Lampirkan SK"
    assert events[1]["tier"] == "TPI"
    r = client_for(world["unit_head"]).post(f"{API}/assessments/{submitted.pk}/submit/")
    assert r.status_code == 200
    events = client_for(world["tpi_reviewer"]).get(timeline).json()
    assert events[-1]["action"] == "resubmitted"
    assert events[-1]["items"] == ["A.p.m.1.a"]
    assert client_for(world["other_operator"]).get(timeline).status_code == 404


def test_the_review_endpoints_are_in_the_openapi_schema(client_for, world):
    paths = json.loads(client_for(world["operator"]).get(f"{API}/schema/?format=json").content)[
        "paths"
    ]
    assert "post" in paths["/api/v1/assessments/{id}/return/"]
    assert "get" in paths["/api/v1/assessments/{id}/layers/"]
    params = {
        p["name"] for p in paths["/api/v1/assessments/{id}/answers/{code}/"]["put"]["parameters"]
    }
    assert "layer" in params
