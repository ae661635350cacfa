"""The selection API: create, preview, override, confirm, close and result; bad input is
refused with its problems and changes nothing; other agencies get 404."""

from __future__ import annotations

from django.urls import reverse

from zona.workflow.models import TierReviewStatus
from zona.workflow.models.selection import SelectionOverride, SelectionRound
from zona.workflow.tests.conftest import ChainWorld
from zona.workflow.tests.selection_fixtures import selection_world
from zona.workflow.tests.test_selection_pages import other_agency_people


def test_create_preview_override_confirm_close(chain_world: ChainWorld, client_for) -> None:
    client = client_for(chain_world["agency_admin"])
    url = reverse("api-workflow-selection-rounds", args=[chain_world.period.pk])
    body = {"step": chain_world.steps["eselon1"].pk, "quota_percent": "101"}
    bad = client.post(url, body, content_type="application/json")
    assert bad.status_code == 400
    assert "quota_out_of_range" in bad.content.decode()
    assert not SelectionRound.objects.exists()
    made = client.post(url, {**body, "quota_percent": "30"}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["tier"] == "eselon1"
    assert made.json()["allowed_actions"]["confirm"] is None

    SelectionRound.objects.all().delete()
    sel = selection_world(chain_world)
    rid = sel.round.pk
    preview = client.get(reverse("api-workflow-selection-preview", args=[rid])).json()
    assert preview["groups"]["Tim Jabar"] == {"applicants": 2, "quota": 1, "selected": ["KC-BDG"]}
    assert [r["unit"] for r in preview["rows"]] == ["KC-BDG", "KC-BGR", "KC-SBY"]
    assert preview["rows"][1]["why"] == "over_quota"
    overrides = reverse("api-workflow-selection-overrides", args=[rid])
    bogor = sel.sheets["KC-BGR"].pk
    refused = client.post(
        overrides,
        {"assessment": bogor, "decision": "include", "justification": " "},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "justification_required" in refused.content.decode()
    assert not SelectionOverride.objects.exists()
    ok = client.post(
        overrides,
        {"assessment": bogor, "decision": "include", "justification": "Wilayah perbatasan"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    wrong = client.post(reverse("api-workflow-selection-close", args=[rid]))
    assert wrong.status_code == 409
    assert "wrong_state" in wrong.content.decode()
    confirmed = client.post(reverse("api-workflow-selection-confirm", args=[rid]))
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    closed = client.post(reverse("api-workflow-selection-close", args=[rid])).json()
    assert closed["status"] == "closed"
    result = client.get(reverse("api-workflow-selection-round", args=[rid])).json()
    assert {r["unit"] for r in result["result"]["rows"] if r["selected"]} == {
        "KC-BDG",
        "KC-BGR",
        "KC-SBY",
    }
    assert result["overrides"][0]["justification"] == "Wilayah perbatasan"
    assert chain_world.review("eselon1", sel.sheets["KC-BGR"]).status == TierReviewStatus.OPEN


def test_others_get_404(chain_world: ChainWorld, client_for) -> None:
    sel = selection_world(chain_world)
    rid = sel.round.pk
    for user in [*other_agency_people(chain_world), chain_world["operator"]]:
        client = client_for(user)
        assert client.get(reverse("api-workflow-selection-round", args=[rid])).status_code == 404
        assert client.get(reverse("api-workflow-selection-preview", args=[rid])).status_code == 404
        assert client.post(reverse("api-workflow-selection-confirm", args=[rid])).status_code == 404
        url = reverse("api-workflow-selection-rounds", args=[chain_world.period.pk])
        assert client.get(url).status_code == 404
    assert SelectionRound.objects.get().status == "draft"
