"""The TPN's pages and API: who sees a nomination, who acts, and the refusals shown."""

from __future__ import annotations

import datetime as dt

import pytest

from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import Nomination, NominationStatus
from zona.national.tests.tpn_fixtures import nominate

S = NominationStatus


@pytest.fixture
def nomination(world) -> Nomination:
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    a = make_assessment(period, world.bandung)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    return nominate(Assessment.objects.get(pk=a.pk), by=world["agency_admin"])


def test_tpn_queue_lists_nominations_by_stage(world, client_for, nomination):
    page = client_for(world["tpn"]).get("/tpn/?stage=admin&year=2026")
    assert page.status_code == 200
    assert b'data-testid="tpn-row-KC-BDG"' in page.content
    empty = client_for(world["tpn"]).get("/tpn/?stage=desk")
    assert b"tpn-row-KC-BDG" not in empty.content
    # Not the TPN: no queue.
    assert client_for(world["agency_admin"]).get("/tpn/").status_code == 404


def test_nomination_page_access(world, client_for, nomination):
    url = f"/nominations/{nomination.pk}/"
    tpn = client_for(world["tpn"]).get(url)
    assert tpn.status_code == 200
    assert b'data-testid="act-pass"' in tpn.content
    unit = client_for(world["unit_head"]).get(url)
    assert unit.status_code == 200
    assert b"act-pass" not in unit.content
    assert client_for(world["agency_admin"]).get(url).status_code == 200
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["other_operator"]).get(url).status_code == 404


def test_unit_user_cannot_act_and_nothing_changes(world, client_for, nomination):
    response = client_for(world["unit_head"]).post(
        f"/nominations/{nomination.pk}/decide/", {"action": "pass", "held_on": "2026-06-10"}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == S.ADMIN
    assert (
        client_for(world["outsider"])
        .post(f"/nominations/{nomination.pk}/decide/", {"action": "pass"})
        .status_code
        == 404
    )


def test_tpn_decides_through_the_page(world, client_for, nomination):
    client = client_for(world["tpn"])
    response = client.post(
        f"/nominations/{nomination.pk}/decide/",
        {"action": "pass", "held_on": "2026-06-10", "notes": "Lengkap"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == S.DESK
    page = client.get(f"/nominations/{nomination.pk}/")
    assert b'data-testid="stage-pass"' in page.content
    # At desk evaluation the TPN goes from the nomination to its own layer of the sheet.
    desk = f'href="/assessments/{nomination.assessment_id}/review/tpn/"'.encode()
    assert desk in page.content
    unit_page = client_for(world["operator"]).get(f"/nominations/{nomination.pk}/")
    assert b'data-testid="desk-evaluation-link"' not in unit_page.content


def test_api_list_detail_and_refusals(world, client_for, nomination):
    tpn = client_for(world["tpn"])
    listing = tpn.get("/api/v1/nominations/?stage=admin").json()
    assert [r["unit"] for r in listing["results"]] == ["KC-BDG"]
    assert client_for(world["outsider"]).get("/api/v1/nominations/").json()["results"] == []
    assert (
        client_for(world["outsider"]).get(f"/api/v1/nominations/{nomination.pk}/").status_code
        == 404
    )
    detail = client_for(world["unit_head"]).get(f"/api/v1/nominations/{nomination.pk}/").json()
    assert detail["stage"] == "admin"
    assert detail["allowed_actions"] == {}
    refused = client_for(world["unit_head"]).post(
        f"/api/v1/nominations/{nomination.pk}/decide/",
        {"action": "pass", "held_on": "2026-06-10"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    wrong_order = tpn.post(
        f"/api/v1/nominations/{nomination.pk}/decide/",
        {"action": "pass", "held_on": "2026-05-01"},
        content_type="application/json",
    )
    assert wrong_order.status_code == 409
    assert "date_order" in wrong_order.content.decode()
    ok = tpn.post(
        f"/api/v1/nominations/{nomination.pk}/decide/",
        {"action": "fail", "held_on": "2026-06-10", "notes": "SPTJM tidak ada"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["stage"] == "failed"
    late = client_for(world["agency_admin"]).post(
        f"/api/v1/nominations/{nomination.pk}/appeal/", {"reason": "Mohon ditinjau"}
    )
    assert late.status_code == 409
    assert "appeal_window_closed" in late.content.decode()
    assert dt.date(2026, 12, 6)


def test_queue_costs_the_same_queries_whatever_the_number(world, client_for, nomination):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world["tpn"])
    client.get("/tpn/")
    with CaptureQueriesContext(connection) as one:
        client.get("/tpn/")
    for unit in (world.bogor, world.surabaya):
        sheet = make_assessment(nomination.assessment.period, unit)
        nominate(sheet, by=world["agency_admin"], proposal=nomination.proposal)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/tpn/")
    assert page.content.count(b'data-testid="tpn-row-') == 3
    assert len(three.captured_queries) == len(one.captured_queries)
