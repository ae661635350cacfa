"""The desk part's REST API: sessions, survey validation and assistance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from zona.workflow import handoffs
from zona.workflow.tests.desk_fixtures import DeskWorld, desk_world, feeding_campaign


@pytest.fixture
def dw(world, settings) -> DeskWorld:
    settings.ZONA_SURVEY_DRAW_MAX_SHARE = 1.0
    handoffs.recorded().clear()
    return desk_world(world)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_sessions_api(dw):
    url = reverse("api-workflow-desk-sessions", args=[dw.assessment.pk])
    reviewer = api(dw["kanwil_reviewer"])
    starts = (timezone.now() + dt.timedelta(days=3)).isoformat()
    bad = reviewer.post(url, {"starts_at": starts}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["code"] == "place_required"
    created = reviewer.post(
        url,
        {
            "starts_at": starts,
            "area": "2",
            "place": "Aula",
            "reviewer_names": ["Kanwil Reviewer"],
            "unit_users": [dw["operator"].pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tier"] == "kanwil"
    assert body["allowed_actions"]["hold"] is None
    sid = body["id"]
    note = reverse("api-workflow-desk-session-note", args=[dw.assessment.pk, sid])
    assert reviewer.post(note, {"item": "A.p.t.1.a", "note": "SOP lama."}).status_code == 204
    assert reviewer.get(url).json()[0]["notes"][0]["note"] == "SOP lama."
    # The unit reads the schedule, not the notes.
    unit_rows = api(dw["operator"]).get(url).json()
    assert unit_rows[0]["place"] == "Aula"
    assert unit_rows[0]["notes"] is None
    assert api(dw["operator"]).post(note, {"item": "A.p.t.1.a", "note": "x"}).status_code == 404
    action = reverse("api-workflow-desk-session-action", args=[dw.assessment.pk, sid])
    refused = reviewer.post(action, {"action": "hold"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["problems"][0]["code"] == "outcome_required"
    held = reviewer.post(action, {"action": "hold", "outcome": "Selesai."}, format="json")
    assert held.json()["status"] == "held"
    detail = reverse("api-workflow-desk-session", args=[dw.assessment.pk, sid])
    moved = reviewer.put(detail, {"starts_at": starts, "place": "B"}, format="json")
    assert moved.status_code == 409
    for other in ("other_operator", "outsider"):
        client = api(dw[other])
        assert client.get(url).status_code == 404
        assert client.get(detail).status_code == 404
        assert client.post(action, {"action": "replan"}, format="json").status_code == 404


def test_validation_api(dw):
    feeding_campaign(dw.world, emails=2, phones=2)
    base = reverse("api-workflow-desk-validations", args=[dw.assessment.pk])
    reviewer = api(dw["kanwil_reviewer"])
    begun = reviewer.post(base, {}, format="json")
    assert begun.status_code == 201
    assert begun.json()["tier"] == "kanwil"
    report = reverse("api-workflow-desk-report", args=[dw.assessment.pk, "kanwil"])
    checked = reviewer.post(
        report, {"checks": {"sample_size": True}, "verdict": "adequate"}, format="json"
    )
    assert checked.json()["report_verdict"] == "adequate"
    links = reverse("api-workflow-desk-confirmations", args=[dw.assessment.pk, "kanwil"])
    made = reviewer.post(links, {"size": 4}, format="json")
    assert made.status_code == 201
    rows = made.json()
    assert sorted(r["channel"] for r in rows) == ["email", "email", "phone", "phone"]
    token_url = rows[0]["url"]
    assert "/s/k/" in token_url
    questionnaire = reverse("api-workflow-desk-questionnaire", args=[dw.assessment.pk, "kanwil"])
    unit = api(dw["operator"])
    assert unit.get(links).status_code == 404  # contacts are the reviewers' only
    spec = unit.get(questionnaire).json()
    assert {q["key"] for q in spec["questions"]} >= {"method", "respondents"}
    bad = unit.put(questionnaire, {"answers": {"method": "x"}}, format="json")
    assert bad.status_code == 400
    answered = unit.put(
        questionnaire,
        {
            "answers": {
                "method": "online",
                "period_from": "2026-07-01",
                "period_to": "2026-08-01",
                "respondents": "100",
                "staff_present": "no",
                "independent": "yes",
            }
        },
        format="json",
    )
    assert answered.status_code == 200, answered.content
    listed = unit.get(base).json()
    assert listed[0]["confirmations"]["sent"] == 4
    assert listed[0]["questionnaire_answers"]["respondents"] == 100
    for other in ("other_operator", "outsider"):
        client = api(dw[other])
        assert client.get(base).status_code == 404
        assert client.get(questionnaire).status_code == 404
        assert client.post(report, {"verdict": "adequate"}, format="json").status_code == 404


def test_assistance_api(dw):
    url = reverse("api-workflow-desk-assistance", args=[dw.assessment.pk])
    reviewer = api(dw["kanwil_reviewer"])
    made = reviewer.post(
        url,
        {"item": "B.1.a", "document_check": "ok", "simulated_answer": "3,2", "advice": "Baik."},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["simulated_value"] == "0.8000"
    bad = reviewer.post(url, {"item": "B.1.a", "simulated_answer": "9"}, format="json")
    assert bad.status_code == 400
    follow = reverse("api-workflow-desk-assistance-follow-up", args=[dw.assessment.pk, body["id"]])
    unit = api(dw["operator"])
    assert unit.get(url).json()[0]["allowed_statuses"] == ["in_progress", "done"]
    assert unit.post(follow, {"status": "done"}, format="json").json()["status"] == "done"
    assert [r["item"] for r in unit.get(url + "?status=done").json()] == ["B.1.a"]
    assert unit.get(url + "?status=open").json() == []
    assert unit.get(url + "?status=nope").status_code == 400
    for other in ("other_operator", "outsider"):
        client = api(dw[other])
        assert client.get(url).status_code == 404
        assert client.post(follow, {"status": "open"}, format="json").status_code == 404


def test_the_schema_lists_the_desk_endpoints(dw):
    schema = api(dw["operator"]).get(reverse("api-schema") + "?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/assessments/{id}/desk/sessions/" in paths
    assert "/api/v1/assessments/{id}/survey-validation/{tier}/confirmations/" in paths
    assert "/api/v1/assessments/{id}/assistance/{rid}/follow-up/" in paths
