"""The TPN's forms share one POST shape (views/_common.form_post): the object comes through
its access function first, a refusal is flashed with its codes, the answer is a redirect."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.audit.models import AuditEvent
from zona.national.models import FollowUpItem, Nomination, NominationStatus, SamplingPlan
from zona.national.tests.tpn_fixtures import nominate

S = NominationStatus

FORMS = ("decide", "award", "appeal", "field", "clearance")


@pytest.fixture
def nomination(world) -> Nomination:
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    a = make_assessment(period, world.bandung)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    return nominate(Assessment.objects.get(pk=a.pk), by=world["agency_admin"])


def _said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.extra_tags) for m in get_messages(response.wsgi_request)]


def test_someone_who_cannot_see_the_nomination_gets_404_and_nothing_happens(
    world, client_for, nomination
):
    events = AuditEvent.objects.count()
    for persona in ("outsider", "other_operator"):
        client = client_for(world[persona])
        for form in FORMS:
            url = f"/nominations/{nomination.pk}/{form}/"
            response = client.post(url, {"action": "pass", "held_on": "2026-06-10"})
            assert response.status_code == 404, (persona, form)
    nomination.refresh_from_db()
    assert nomination.status == S.ADMIN
    assert AuditEvent.objects.count() == events


def test_the_forms_take_only_a_logged_in_post(world, client, client_for, nomination):
    for form in FORMS:
        url = f"/nominations/{nomination.pk}/{form}/"
        assert client_for(world["tpn"]).get(url).status_code == 405
        anonymous = client.post(url, {"action": "pass"})
        assert anonymous.status_code == 302
        assert "/login/" in anonymous["Location"] or "/accounts/" in anonymous["Location"]


def test_a_refusal_is_flashed_with_its_code_and_goes_back_to_the_page(
    world, client_for, nomination
):
    response = client_for(world["tpn"]).post(
        f"/nominations/{nomination.pk}/decide/", {"action": "pass", "held_on": "2026-05-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/nominations/{nomination.pk}/"
    assert _said(response) == [("error", "date_order")]
    nomination.refresh_from_db()
    assert nomination.status == S.ADMIN


def test_a_bad_field_is_flashed_by_the_form_without_a_success_message(
    world, client_for, nomination
):
    response = client_for(world["tpn"]).post(
        f"/nominations/{nomination.pk}/decide/", {"action": "pass", "held_on": "not a date"}
    )
    assert response.status_code == 302
    assert [level for level, _tags in _said(response)] == ["error"]
    nomination.refresh_from_db()
    assert nomination.status == S.ADMIN


def test_success_is_said_and_the_redirect_keeps_the_forms_anchor(world, client_for, nomination):
    client = client_for(world["tpn"])
    decided = client.post(
        f"/nominations/{nomination.pk}/decide/", {"action": "pass", "held_on": "2026-06-10"}
    )
    assert _said(decided) == [("success", "")]
    nomination.refresh_from_db()
    assert nomination.status == S.DESK
    field = client.post(
        f"/nominations/{nomination.pk}/field/",
        {"scheduled_on": "2026-07-01", "mode": "visit", "place": "Bandung"},
    )
    assert field["Location"] == f"/nominations/{nomination.pk}/#field"
    clearance = client_for(world["tpn"]).post(
        f"/nominations/{nomination.pk}/clearance/", {"body": "nobody"}
    )
    assert clearance["Location"] == f"/nominations/{nomination.pk}/#clearance"
    assert [level for level, _tags in _said(clearance)] == ["error"]


def test_a_follow_up_item_of_another_nomination_is_404(world, client_for, nomination):
    client = client_for(world["tpn"])
    client.post(
        f"/nominations/{nomination.pk}/decide/",
        {
            "action": "pass_with_notes",
            "held_on": "2026-06-10",
            "follow_up_kind": "sptjm",
            "follow_up_request": "Kirim ulang SK tim",
        },
    )
    item = FollowUpItem.objects.get(nomination=nomination)
    other = nominate(
        make_assessment(nomination.assessment.period, world.bogor),
        by=world["agency_admin"],
        proposal=nomination.proposal,
    )
    for verb in ("upload", "accept"):
        wrong = client.post(f"/nominations/{other.pk}/follow-up/{item.pk}/{verb}/")
        assert wrong.status_code == 404
        unknown = client.post(f"/nominations/{nomination.pk}/follow-up/999999/{verb}/")
        assert unknown.status_code == 404
    outsider = client_for(world["outsider"]).post(
        f"/nominations/{nomination.pk}/follow-up/{item.pk}/accept/"
    )
    assert outsider.status_code == 404
    refused = client_for(world["tpn"]).post(
        f"/nominations/{nomination.pk}/follow-up/{item.pk}/accept/"
    )
    assert refused["Location"] == f"/nominations/{nomination.pk}/#follow-up"
    assert [level for level, _tags in _said(refused)] == ["error"]


def test_the_sample_is_the_tpns_and_goes_back_to_the_agencys_queue(world, client_for, nomination):
    agency = nomination.proposal.agency_id
    form = {"agency": agency, "year": nomination.year, "method": "manual"}
    form["chosen"] = [nomination.pk]
    for persona in ("agency_admin", "outsider", "unit_head"):
        assert client_for(world[persona]).post("/tpn/sampling/", form).status_code == 404
    tpn = client_for(world["tpn"])
    assert tpn.post("/tpn/sampling/", {**form, "agency": ""}).status_code == 404
    assert tpn.post("/tpn/sampling/", {**form, "year": 1990}).status_code == 404
    assert not SamplingPlan.objects.exists()
    done = tpn.post("/tpn/sampling/", form)
    assert done.status_code == 302
    assert done["Location"] == f"/tpn/?year={nomination.year}&agency={agency}"
    assert _said(done) == [("success", "")]
    assert SamplingPlan.objects.filter(agency_id=agency, year=nomination.year).exists()
