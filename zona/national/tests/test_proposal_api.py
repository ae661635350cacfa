"""The proposal API (issue 11 §2): create a draft, change its letter and units, read why it
cannot go yet, submit (refused with every reason, then accepted), the documents, withdraw,
who proposes; another agency's user gets 404."""

from __future__ import annotations

import pytest

from zona.accounts.testing import World
from zona.national.models import Nomination, Proposal, ProposalStatus
from zona.national.tests.proposal_fixtures import ProposalWorld, build_proposal_world

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def pw(world: World) -> ProposalWorld:
    return build_proposal_world(world)


def test_the_whole_path_through_the_api(pw: ProposalWorld, client_for) -> None:
    client = client_for(pw["agency_admin"])
    agency = pw.world.agency.pk
    created = client.post(
        f"/api/v1/agencies/{agency}/proposals/", {"year": pw.year}, content_type=JSON
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    body = created.json()
    assert body["status"] == "draft"
    assert {p["code"] for p in body["problems"]} >= {"letter_number", "no_units"}
    again = client.post(
        f"/api/v1/agencies/{agency}/proposals/", {"year": pw.year}, content_type=JSON
    )
    assert again.status_code == 409
    assert Proposal.objects.count() == 1

    refused = client.post(f"/api/v1/proposals/{pk}/submit/", content_type=JSON)
    assert refused.status_code == 409
    assert "letter_number" in {p["code"] for p in refused.json()["error"]["problems"]}

    pw.world.bogor.candidacies.all().delete()
    changed = client.put(
        f"/api/v1/proposals/{pk}/",
        {**pw.letter, "assessments": [s.pk for s in pw.sheets.values()]},
        content_type=JSON,
    )
    assert changed.status_code == 200
    assert [line["unit"] for line in changed.json()["lines"]] == ["KC-BDG", "KC-BGR", "KC-SBY"]
    assert [(p["code"], p["field"]) for p in changed.json()["problems"]] == [
        ("not_candidate", "KC-BGR")
    ]
    refused = client.post(f"/api/v1/proposals/{pk}/submit/", content_type=JSON)
    assert refused.status_code == 409
    assert not Nomination.objects.exists()

    client.put(
        f"/api/v1/proposals/{pk}/",
        {**pw.letter, "assessments": [pw.sheets["bandung"].pk, pw.sheets["surabaya"].pk]},
        content_type=JSON,
    )
    submitted = client.post(f"/api/v1/proposals/{pk}/submit/", content_type=JSON)
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [n["unit"] for n in submitted.json()["nominations"]] == ["KC-BDG", "KC-SBY"]

    documents = client.get(f"/api/v1/proposals/{pk}/documents/").json()
    assert len(documents) == 6
    letter = next(d for d in documents if d["kind"] == "letter_docx")
    download = client.get(f"/api/v1/proposals/{pk}/documents/{letter['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    regenerate = client.post(f"/api/v1/proposals/{pk}/documents/", content_type=JSON)
    assert regenerate.status_code == 409  # only a draft's package is generated again

    withdrawn = client.post(
        f"/api/v1/proposals/{pk}/withdraw/", {"reason": "Surat salah"}, content_type=JSON
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == ProposalStatus.WITHDRAWN
    assert not Nomination.objects.exists()


def test_policy_and_another_agency(pw: ProposalWorld, client_for) -> None:
    agency = pw.world.agency.pk
    admin = client_for(pw["agency_admin"])
    assert admin.get(f"/api/v1/agencies/{agency}/proposal-policy/").json() == {"proposer": "either"}
    assert admin.put(
        f"/api/v1/agencies/{agency}/proposal-policy/", {"proposer": "head"}, content_type=JSON
    ).json() == {"proposer": "head"}
    head = client_for(pw["agency_head"])
    refused = head.put(
        f"/api/v1/agencies/{agency}/proposal-policy/", {"proposer": "admin"}, content_type=JSON
    )
    assert refused.status_code == 403
    outsider = client_for(pw["outsider"])
    assert outsider.get(f"/api/v1/agencies/{agency}/proposals/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/agencies/{agency}/proposals/", {"year": pw.year}, content_type=JSON
        ).status_code
        == 404
    )
    assert outsider.get(f"/api/v1/agencies/{agency}/proposal-policy/").status_code == 404
    operator = client_for(pw["operator"])
    assert operator.get(f"/api/v1/agencies/{agency}/proposals/").status_code == 404
    assert not Proposal.objects.exists()
