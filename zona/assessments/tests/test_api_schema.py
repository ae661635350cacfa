"""Every assessments endpoint answers what its OpenAPI schema promises, for real users."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zona.assessments.sheet import sheet_spec, takes_survey_index
from zona.assessments.tests.factories import pdf_file
from zona.assessments.tests.openapi import as_json_schema, assert_matches_schema

API = "/api/v1"


@pytest.fixture
def indices(monkeypatch):
    """The unit's surveys give an index, so the detail offers it (`survey_suggestions`)."""
    given = {"ipak": Decimal("3.51"), "ipkp": Decimal("3.2"), "skm_rounds": 2}
    monkeypatch.setattr("zona.surveys.feed.survey_indices_for", lambda unit, year: given)
    return given


def _choice_item(assessment):
    """The first item answered by an option, with its first two option keys."""
    spec = sheet_spec(assessment.period.framework)
    item = next(item for item in spec.items.values() if item.is_choice)
    return item.code, item.options[0].key, item.options[1].key


def test_sheet_endpoints_match_the_schema(client_for, world, assessment, indices):
    spec = sheet_spec(assessment.period.framework)
    assert any(takes_survey_index(item) for item in spec.items.values())
    code, first, second = _choice_item(assessment)
    base = f"{API}/assessments/{assessment.pk}"
    operator = client_for(world["operator"])

    def check(method, template, url, expected, client=operator, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == expected, (url, response.content)
        assert_matches_schema(template, method, response)
        return response

    answer = f"{base}/answers/{code}/"
    saved = check(
        "put",
        "/api/v1/assessments/{id}/answers/{code}/",
        answer,
        200,
        data={"value": first, "note": "SK tim", "revision": 0},
        content_type="application/json",
    )
    assert saved.json()["value"] == first
    assert saved.json()["updated_by"]
    check(
        "put",
        "/api/v1/assessments/{id}/answers/{code}/",
        answer,
        409,
        data={"value": second, "revision": 0},
        content_type="application/json",
    )
    check("get", "/api/v1/assessments/{id}/answers/{code}/", answer, 200)
    check("get", "/api/v1/assessments/{id}/answers/{code}/history/", answer + "history/", 200)
    check("get", "/api/v1/assessments/{id}/answers/", f"{base}/answers/", 200)

    doc = check(
        "post",
        "/api/v1/evidence/",
        f"{API}/evidence/",
        201,
        data={"unit": world.bandung.pk, "file": pdf_file("sk.pdf"), "title": "SK"},
    ).json()
    check(
        "post",
        "/api/v1/evidence/",
        f"{API}/evidence/",
        201,
        data={"unit": world.bandung.pk, "url": "https://drive.example.org/sk"},
    )
    check("get", "/api/v1/evidence/", f"{API}/evidence/", 200)
    check("get", "/api/v1/evidence/{id}/", f"{API}/evidence/{doc['id']}/", 200)
    check(
        "post",
        "/api/v1/evidence/{id}/revisions/",
        f"{API}/evidence/{doc['id']}/revisions/",
        201,
        data={"file": pdf_file("sk-2.pdf", extra=b"% v2\n")},
    )
    links = "/api/v1/assessments/{id}/evidence-links/"
    link = check(
        "post",
        links,
        f"{base}/evidence-links/",
        201,
        data={"evidence": doc["id"], "item": code},
        content_type="application/json",
    ).json()
    assert link["item"] == code
    assert link["changed_after_submission"] is False

    detail = check("get", "/api/v1/assessments/{id}/", f"{base}/", 200).json()
    assert detail["survey_suggestions"]
    assert detail["submission_counts"]["unanswered"] >= 0
    check(
        "post",
        "/api/v1/assessments/{id}/submit/",
        f"{base}/submit/",
        200,
        client=client_for(world["unit_head"]),
        data={"counts": detail["submission_counts"]},
        content_type="application/json",
    )
    reviewer = client_for(world["tpi_reviewer"])
    check(
        "put",
        "/api/v1/assessments/{id}/answers/{code}/",
        answer + "?layer=tpi",
        200,
        client=reviewer,
        data={"value": second, "note": "SK belum ada", "revision": 0},
        content_type="application/json",
    )
    layers = check(
        "get", "/api/v1/assessments/{id}/layers/", f"{base}/layers/", 200, client=reviewer
    ).json()
    row = next(row for row in layers["items"] if row["item"] == code)
    assert row["differs"]
    assert row["effective"]["layer"] == "tpi"
    check("get", "/api/v1/assessments/{id}/scores/", f"{base}/scores/", 200, client=reviewer)
    check(
        "post",
        "/api/v1/assessments/{id}/return/",
        f"{base}/return/",
        200,
        client=reviewer,
        data={"items": [code], "reason": "Lampirkan SK", "tier": "tpi"},
        content_type="application/json",
    )
    detail = check("get", "/api/v1/assessments/{id}/", f"{base}/", 200).json()
    assert detail["allowed_actions"]["return"]["code"] == "wrong_state"
    events = check(
        "get", "/api/v1/assessments/{id}/timeline/", f"{base}/timeline/", 200, client=reviewer
    ).json()
    assert [event["action"] for event in events] == ["submitted", "returned"]
    check("get", links, f"{base}/evidence-links/", 200)
    check(
        "delete",
        "/api/v1/assessments/{id}/evidence-links/{link_id}/",
        f"{base}/evidence-links/{link['id']}/",
        204,
    )
    check("get", "/api/v1/assessments/", f"{API}/assessments/", 200)


def test_period_endpoints_match_the_schema(client_for, world, framework, period):
    admin = client_for(world["agency_admin"])
    created = admin.post(
        f"{API}/periods/",
        {
            "agency": world.agency.pk,
            "framework": framework.pk,
            "year": 2027,
            "title": "API 2027",
            "opens_on": "2027-01-01",
            "closes_on": "2027-12-31",
            "deadlines": [{"level": 4, "fill_deadline": "2027-11-21"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert_matches_schema("/api/v1/periods/", "post", created)
    period_id = created.json()["id"]
    bulk = admin.post(
        f"{API}/periods/{period_id}/assessments/",
        {"units": [{"unit": world.bandung.pk, "target": "wbbm"}]},
        content_type="application/json",
    )
    assert bulk.status_code == 201, bulk.content
    assert_matches_schema("/api/v1/periods/{id}/assessments/", "post", bulk)
    for path, url in (
        ("/api/v1/periods/", f"{API}/periods/"),
        ("/api/v1/periods/{id}/", f"{API}/periods/{period_id}/"),
    ):
        response = admin.get(url)
        assert response.status_code == 200
        assert_matches_schema(path, "get", response)


def test_the_validator_refuses_what_the_schema_does_not_allow():
    # A nullable string accepts null, a plain one does not: the check can fail.
    schema = as_json_schema({"type": "object", "properties": {"a": {"type": "string"}}})
    nullable = as_json_schema({"type": "string", "nullable": True})
    assert schema["properties"]["a"] == {"type": "string"}
    assert nullable == {"type": ["string", "null"]}
    wrapped = as_json_schema({"allOf": [{"$ref": "#/x"}], "nullable": True})
    assert wrapped == {"anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]}
