"""The planner's page, what-if and API on the mini LKE: who sees them, what they show, that a
what-if saves nothing, and that the page's queries do not grow with the sheet."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zona.assessments.models import Answer, AnswerChange, AssessmentStatus, StoredScore
from zona.assessments.selectors import load_sheet_state, submission_counts, survey_indices
from zona.assessments.services import answer_save
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.assessments.tests.openapi import assert_matches_schema
from zona.audit.models import AuditEvent

# Every item at its best but area 2's Pemenuhan (A.p.t.1: C and Tidak, 0 of 10): area 2 is at
# 50% of the 60% WBK asks, everything else passes.
SHEET: dict[str, Any] = {
    "A.p.m.1.a": "Ya",
    "A.p.m.1.b": "A",
    "A.p.m.2.a": "A",
    "A.p.m.2.b": "A",
    "A.p.m.2.c": "A",
    "A.p.t.1.a": "C",
    "A.p.t.1.b": "Tidak",
    "A.r.m.1.a": {"change_agents": 4, "changes_made": 4},
    "A.r.m.1.b": {"violations_last_year": 2, "violations_this_year": 0, "sanctioned": 0},
    "A.r.m.2.a": "A",
    "A.r.t.1.a": "A",
    "B.1.a": "4",
    "B.1.b": "A",
    "B.2.a": "4",
}


@pytest.fixture
def sheet(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    assessment = make_assessment(period, world.bandung)
    fill(world, assessment, SHEET)
    return assessment


def fill(world, assessment, answers: dict[str, Any]) -> None:
    for code, value in answers.items():
        answer_save(
            actor=world["operator"],
            assessment=assessment,
            item_code=code,
            revision=None,
            value=value,
        )


def url(assessment, suffix: str = "") -> str:
    return f"/assessments/{assessment.pk}/path/{suffix}"


def api(assessment, suffix: str = "") -> str:
    return f"/api/v1/assessments/{assessment.pk}/path/{suffix}"


def snapshot() -> tuple[Any, ...]:
    return (
        list(Answer.objects.order_by("pk").values_list("pk", "value", "revision", "note")),
        AnswerChange.objects.count(),
        AuditEvent.objects.count(),
        list(StoredScore.objects.order_by("pk").values_list("pk", "total", "passed", "areas")),
    )


def test_the_unit_sees_its_to_do_list_and_readiness(world, client_for, sheet):
    response = client_for(world["operator"]).get(url(sheet))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["sheet"].view == "unit"
    failing = [c.name for c in ctx["conditions"] if not c.passed]
    assert failing == ["area_2"]
    # YN moves in one step to as much as ABC's best: the fewer steps win the tie.
    assert [(r.code, r.current, r.suggested, r.points) for r in ctx["todo"]] == [
        ("A.p.t.1.b", "Tidak", "Ya", "5,00")
    ]
    # Readiness is the submission summary's own count.
    counts = submission_counts(load_sheet_state(sheet), survey_indices(sheet))
    assert ctx["readiness"].counts == counts
    assert counts.failing == len(failing)
    html = response.content.decode()
    assert 'data-testid="todo"' in html
    assert 'data-item="A.p.t.1.b"' in html
    assert 'data-testid="ready-failing">1<' in html


def test_everyone_who_sees_the_sheet_opens_it_and_others_get_404(world, client_for, sheet):
    for who in ("operator", "unit_head", "viewer", "wg_member", "agency_admin"):
        assert client_for(world[who]).get(url(sheet)).status_code == 200, who
    # A reviewer of the unit plans on the effective view unless they ask for the unit's.
    reviewer = client_for(world["kanwil_reviewer"])
    assert reviewer.get(url(sheet)).context["sheet"].view == "effective"
    assert reviewer.get(url(sheet) + "?view=unit").context["sheet"].view == "unit"
    for who in ("other_operator", "outsider"):
        client = client_for(world[who])
        assert client.get(url(sheet)).status_code == 404
        assert client.post(url(sheet, "what-if/"), {"item_A.p.t.1.a": "A"}).status_code == 404
        assert client.get(api(sheet)).status_code == 404
        assert (
            client.post(
                api(sheet, "what-if/"),
                {"answers": {"A.p.t.1.a": "A"}},
                content_type="application/json",
            ).status_code
            == 404
        )


def test_anonymous_is_sent_to_login(client, sheet):
    assert client.get(url(sheet)).status_code == 302
    assert client.get(api(sheet)).status_code == 403


def test_what_if_moves_the_verdict_and_saves_nothing(world, client_for, sheet):
    client = client_for(world["operator"])
    before = snapshot()
    response = client.post(
        url(sheet, "what-if/"),
        {"view": "unit", "target": "wbk", "item_A.p.t.1.a": "B"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="what-if-verdict" data-passed="true"' in html
    assert 'data-condition="area_2" data-passed="true"' in html
    assert response.context["result"]["changed"] == 1
    # Without htmx the whole page comes back with the result.
    page = client.post(url(sheet, "what-if/"), {"item_A.p.t.1.a": "B"})
    assert page.status_code == 200
    assert 'data-passed="true"' in page.content.decode()
    response = client.post(
        api(sheet, "what-if/"),
        {"answers": {"A.p.t.1.a": "B", "B.1.a": "3,1"}},
        content_type="application/json",
    )
    assert_matches_schema("/api/v1/assessments/{id}/path/what-if/", "post", response)
    data = response.json()
    assert data["saved"] is False
    assert data["changed"] == ["A.p.t.1.a", "B.1.a"]
    assert {c["name"]: c["passed"] for c in data["conditions"]}["area_2"] is True
    assert {c["name"]: c["passed"] for c in data["conditions"]}["ipak"] is False
    assert data["areas"]["2"]["score"] == "12.5000"
    assert snapshot() == before


def test_what_if_refuses_bad_answers_and_names_them(world, client_for, sheet):
    client = client_for(world["operator"])
    before = snapshot()
    response = client.post(
        url(sheet, "what-if/"), {"item_B.1.a": "9", "item_A.p.t.1.a": "Z"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-error="invalid_answer"' in html
    error = response.context["error"]
    assert "B.1.a" in error
    assert "A.p.t.1.a" in error
    assert client.post(url(sheet, "what-if/"), {"item_B.1.a": "9"}).status_code == 400
    body = client.post(
        api(sheet, "what-if/"),
        {"answers": {"B.1.a": 9, "X.1": "A"}},
        content_type="application/json",
    )
    assert body.status_code == 400
    fields = {p["field"] for p in body.json()["error"]["problems"]}
    assert fields == {"B.1.a", "X.1"}
    assert snapshot() == before


def test_the_api_plan(world, client_for, sheet):
    client = client_for(world["operator"])
    response = client.get(api(sheet))
    assert_matches_schema("/api/v1/assessments/{id}/path/", "get", response)
    data = response.json()
    assert data["view"] == "unit"
    assert data["target"] == "wbk"
    assert data["current"]["passed"] is False
    assert data["projected"]["passed"] is True
    assert [t["item"] for t in data["todo"]] == ["A.p.t.1.b"]
    assert data["todo"][0]["suggested"] == "Ya"
    assert data["todo"][0]["conditions"] == ["area_2"]
    assert data["readiness"]["failing"] == 1
    area2 = next(c for c in data["conditions"] if c["name"] == "area_2")
    assert (area2["value"], area2["bound"], area2["gap"], area2["steps"]) == (
        "50.00",
        "60",
        "10.00",
        ["A.p.t.1.b"],
    )
    response = client.get(api(sheet) + "?target=wbbm")
    assert_matches_schema("/api/v1/assessments/{id}/path/", "get", response)
    wbbm = response.json()
    assert wbbm["target"] == "wbbm"
    assert {c["name"] for c in wbbm["conditions"]} >= {"held_wbk", "area_2"}
    bad = client.get(api(sheet) + "?target=gold")
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["field"] == "target"
    assert client.get(api(sheet) + "?view=mine").status_code == 400


def test_survey_indices_are_named_not_suggested(world, client_for, sheet):
    fill(world, sheet, {"B.1.a": "3"})  # IPAK 13.13 of 15.75
    response = client_for(world["operator"]).get(api(sheet))
    assert_matches_schema("/api/v1/assessments/{id}/path/", "get", response)
    data = response.json()
    ipak = next(c for c in data["conditions"] if c["name"] == "ipak")
    assert ipak["reachable"] is False
    assert ipak["blocked"] == "survey"
    assert ipak["survey"] == [
        {"item": "B.1.a", "source": "ipak", "current": "3.0000", "needed": "3.60"}
    ]
    assert "B.1.a" not in [t["item"] for t in data["todo"]]


def test_a_submitted_sheet_shows_the_effective_view_to_reviewers(world, client_for, sheet):
    sheet.status = AssessmentStatus.SUBMITTED
    sheet.save(update_fields=["status"])
    response = client_for(world["tpi_reviewer"]).get(url(sheet))
    assert response.status_code == 200
    assert response.context["sheet"].view == "effective"


def test_bad_view_on_the_page_falls_back_with_a_message(world, client_for, sheet):
    response = client_for(world["operator"]).get(url(sheet) + "?view=mine&target=gold")
    assert response.status_code == 200
    assert response.context["sheet"].view == "unit"
    assert [str(m) for m in response.context["messages"]]


def test_the_page_queries_do_not_grow_with_the_sheet(world, client_for):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sparse = make_assessment(period, world.bandung)
    fill(world, sparse, {"A.p.m.1.a": "Ya"})
    full = make_assessment(
        make_period(world.agency, load_mini(), year=2025, title="PMPZI 2025"), world.bandung
    )
    fill(world, full, SHEET)
    client = client_for(world["operator"])
    counts = []
    for assessment in (sparse, full):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(assessment)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 25, json.dumps([q["sql"] for q in queries.captured_queries])


def test_the_effective_view_counts_the_koefisien(world, client_for, sheet):
    from decimal import Decimal

    from django.db import transaction

    from zona.assessments.services.scores import scores_refresh
    from zona.frameworks.scoring import Penalty

    with transaction.atomic():
        scores_refresh(sheet, deductions=[Penalty("multiply", factor=Decimal("0.8"))])
    client = client_for(world["operator"])
    unit = client.get(api(sheet)).json()
    assert next(c for c in unit["conditions"] if c["name"] == "total")["passed"] is True
    data = client.get(api(sheet) + "?view=effective").json()
    assert data["view"] == "effective"
    assert data["current"]["total"] == "72.00"  # 90 x 0.8, as stored
    total = next(c for c in data["conditions"] if c["name"] == "total")
    assert (total["value"], total["passed"], total["reachable"]) == ("72.00", False, True)
    # 95 x 0.8 = 76: the one item of area 2 closes the reduced total too.
    assert total["steps"] == ["A.p.t.1.b"]
    assert data["todo"][0]["conditions"] == ["total", "area_2"]
    assert data["projected"] == {"total": "76.00", "passed": True}


def test_the_effective_view_takes_the_reviewers_answers(world, client_for, sheet):
    sheet.status = AssessmentStatus.SUBMITTED
    sheet.save(update_fields=["status"])
    answer_save(
        actor=world["kanwil_reviewer"],
        assessment=sheet,
        item_code="A.p.t.1.a",
        revision=None,
        value="A",
        tier=world.tier_kanwil,
    )
    reviewer = client_for(world["kanwil_reviewer"])
    effective = reviewer.get(api(sheet)).json()
    assert effective["view"] == "effective"
    assert effective["current"]["passed"] is True
    assert effective["todo"] == []
    unit = reviewer.get(api(sheet) + "?view=unit").json()
    assert unit["current"]["passed"] is False
    assert [t["item"] for t in unit["todo"]] == ["A.p.t.1.b"]
