"""Tier reviews in the API: the chain with allowed actions, completion, sign-off, send back."""

from __future__ import annotations

from zona.workflow.models import WorkflowEvent


def reviews_url(cw, tail: str = "") -> str:
    return f"/api/v1/assessments/{cw.assessment.pk}/reviews/{tail}"


def post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_the_list_shows_each_tier_with_what_the_caller_may_do(client_for, chain_world):
    cw = chain_world
    body = client_for(cw["kanwil_reviewer"]).get(reviews_url(cw)).json()
    assert [(r["tier"], r["status"]) for r in body] == [
        ("kanwil", "open"),
        ("eselon1", "waiting"),
        ("tpi", "waiting"),
    ]
    assert body[0]["allowed_actions"]["complete"] == {"allowed": True, "code": "", "message": ""}
    assert body[1]["allowed_actions"] == {}
    member = client_for(cw["kanwil_member"]).get(reviews_url(cw)).json()
    assert member[0]["allowed_actions"]["complete"]["code"] == "not_team_lead"
    # The unit sees its sheet's chain too (read only).
    assert client_for(cw["operator"]).get(reviews_url(cw)).status_code == 200


def test_the_lead_completes_through_the_api(client_for, chain_world):
    cw = chain_world
    response = post(
        client_for(cw["kanwil_reviewer"]),
        reviews_url(cw, "kanwil/complete/"),
        {"recommendation": "forward", "note": "Lengkap"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["recommendation"], body["note"]) == (
        "completed",
        "forward",
        "Lengkap",
    )
    assert [s["role"] for s in body["sign_offs"]] == ["lead"]
    assert cw.review("eselon1").status == "open"


def test_refusals_answer_409_with_the_code_and_change_nothing(client_for, chain_world):
    cw = chain_world
    before = WorkflowEvent.objects.count()
    response = post(
        client_for(cw["kanwil_member"]),
        reviews_url(cw, "kanwil/complete/"),
        {"recommendation": "forward"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["problems"][0]["code"] == "not_team_lead"
    response = post(
        client_for(cw["eselon1_reviewer"]),
        reviews_url(cw, "eselon1/complete/"),
        {"recommendation": "forward"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["problems"][0]["code"] == "wrong_state"
    bad = post(
        client_for(cw["kanwil_reviewer"]),
        reviews_url(cw, "kanwil/complete/"),
        {"recommendation": "perhaps"},
    )
    assert bad.status_code == 400
    assert WorkflowEvent.objects.count() == before
    assert cw.review("kanwil").status == "open"


def test_sign_off_and_send_back_through_the_api(client_for, chain_world):
    cw = chain_world
    step = cw.steps["eselon1"]
    step.uses_controller = True
    step.save()
    team = cw.teams["eselon1"]
    team.controller = cw["tpi_controller"]
    team.save()
    post(
        client_for(cw["kanwil_reviewer"]),
        reviews_url(cw, "kanwil/complete/"),
        {"recommendation": "forward"},
    )
    lead = client_for(cw["eselon1_reviewer"])
    signed = post(lead, reviews_url(cw, "eselon1/sign-off/"), {"recommendation": "forward"})
    assert signed.status_code == 200, signed.content
    assert [s["role"] for s in signed.json()["sign_offs"]] == ["lead"]
    missing = post(lead, reviews_url(cw, "eselon1/send-back/"), {})
    assert missing.status_code == 400
    back = post(lead, reviews_url(cw, "eselon1/send-back/"), {"reason": "Cek ulang B.1"})
    assert back.status_code == 200, back.content
    assert back.json()["status"] == "waiting"
    assert cw.review("kanwil").status == "open"


def test_another_units_reviewer_gets_404(client_for, chain_world):
    cw = chain_world
    client = client_for(cw["jatim_reviewer"])
    assert client.get(reviews_url(cw)).status_code == 404
    response = post(client, reviews_url(cw, "kanwil/complete/"), {"recommendation": "forward"})
    assert response.status_code == 404
    # A reviewer of the unit in another tier cannot act in this one either.
    other = post(
        client_for(cw["tpi_reviewer"]),
        reviews_url(cw, "kanwil/complete/"),
        {"recommendation": "forward"},
    )
    assert other.status_code == 404
    assert cw.review("kanwil").status == "open"
