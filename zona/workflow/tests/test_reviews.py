"""One tier after another (issue 10 §3): the lifecycle of a sheet's tier reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zona.assessments.models import Answer
from zona.assessments.services import answer_save
from zona.assessments.tests.factories import make_assessment, make_period
from zona.core.errors import Refusal, StateError
from zona.workflow import handoffs
from zona.workflow.models import WorkflowEvent
from zona.workflow.models.reviews import TierSignOff
from zona.workflow.services import reviews as services
from zona.workflow.services.reviews import (
    review_complete,
    review_send_back,
    review_sign_off,
    reviews_layer_changed,
    reviews_layer_lock,
    steps_covering,
)
from zona.workflow.services.sheet import sheet_return
from zona.workflow.tables import reviews as table
from zona.workflow.tests.conftest import ChainWorld, submit_sheet

ITEM = "A.p.m.1.a"


def statuses(cw: ChainWorld) -> dict[str, str]:
    return {r.tier.code: r.status for r in cw.assessment.tier_reviews.select_related("tier")}


def events(cw: ChainWorld) -> int:
    return WorkflowEvent.objects.filter(assessment=cw.assessment).count()


def refused(code: str, call, *args, **kwargs) -> StateError:
    with pytest.raises(StateError) as caught:
        call(*args, **kwargs)
    assert code in {p.code for p in caught.value.problems}, caught.value.problems
    return caught.value


def complete_kanwil(cw: ChainWorld, recommendation: str = "forward") -> None:
    review_complete(
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation=recommendation,
        note="Cukup",
    )


# --- submission opens the first tier ------------------------------------------------------------


def test_submission_creates_one_review_per_step_first_open(chain_world):
    cw = chain_world
    reviews = list(cw.assessment.tier_reviews.order_by("position").select_related("tier"))
    assert [(r.tier.code, r.status) for r in reviews] == [
        ("kanwil", "open"),
        ("eselon1", "waiting"),
        ("tpi", "waiting"),
    ]
    assert reviews[0].opened_at is not None
    opened = WorkflowEvent.objects.get(subject_kind="tier_review", subject_id=reviews[0].pk)
    assert (opened.action, opened.from_state, opened.to_state) == ("open", "waiting", "open")


def test_a_step_scoped_elsewhere_is_skipped(world, chain_world):
    cw = chain_world
    cw.steps["eselon1"].scopes.set([world.kanwil_jatim])
    assert [s.tier.code for s in steps_covering(make_assessment(cw.period, world.bogor))] == [
        "kanwil",
        "tpi",
    ]
    assert len(steps_covering(make_assessment(cw.period, world.surabaya))) == 3


def test_a_period_without_chain_keeps_every_tier_answering(world, chain_world):
    period = make_period(world.agency, chain_world.framework, year=2027, title="PMPZI 2027")
    sheet = make_assessment(period, world.bandung)
    assert reviews_layer_lock(sheet, world.tier_tpi, timezone.localdate()) is None


# --- completion --------------------------------------------------------------------------------


def test_the_lead_completes_and_the_next_tier_opens(chain_world):
    cw = chain_world
    handoffs.recorded().clear()
    complete_kanwil(cw)
    assert statuses(cw) == {"kanwil": "completed", "eselon1": "open", "tpi": "waiting"}
    kanwil = cw.review("kanwil")
    assert (kanwil.recommendation, kanwil.note, kanwil.completed_by) == (
        "forward",
        "Cukup",
        cw["kanwil_reviewer"],
    )
    sign = TierSignOff.objects.get(review=kanwil)
    assert (sign.role, sign.signed_by) == ("lead", cw["kanwil_reviewer"])
    kinds = [h["kind"] for h in handoffs.recorded()]
    assert "review.completed" in kinds
    assert "review.opened" in kinds
    opened = next(h for h in handoffs.recorded() if h["kind"] == "review.opened")
    assert cw["eselon1_reviewer"].pk in opened["recipients"]


def test_a_member_who_is_not_lead_cannot_complete(chain_world):
    cw = chain_world
    before = events(cw)
    refused(
        "not_team_lead",
        review_complete,
        actor=cw["kanwil_member"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )
    assert statuses(cw)["kanwil"] == "open"
    assert events(cw) == before
    assert not TierSignOff.objects.exists()


def test_a_waiting_review_cannot_complete(chain_world):
    cw = chain_world
    before = events(cw)
    error = refused(
        "wrong_state",
        review_complete,
        actor=cw["eselon1_reviewer"],
        review=cw.review("eselon1"),
        recommendation="forward",
    )
    assert "Waiting" in error.message or "Menunggu" in error.message
    assert statuses(cw)["eselon1"] == "waiting"
    assert events(cw) == before


def test_a_late_completion_is_refused(chain_world):
    cw = chain_world
    step = cw.steps["kanwil"]
    step.opens_on = timezone.localdate() - dt.timedelta(days=20)
    step.closes_on = timezone.localdate() - dt.timedelta(days=1)
    step.save()
    error = refused(
        "window_closed",
        review_complete,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )
    assert str(step.closes_on.year) in error.message
    assert statuses(cw)["kanwil"] == "open"


def test_a_recommendation_is_required(chain_world):
    cw = chain_world
    refused(
        "recommendation_required",
        review_complete,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation="maybe",
    )
    assert statuses(cw)["kanwil"] == "open"


def test_not_forwarded_closes_the_rest(chain_world):
    cw = chain_world
    complete_kanwil(cw, "hold")
    assert statuses(cw) == {"kanwil": "completed", "eselon1": "closed", "tpi": "closed"}


def test_open_must_fix_comments_block_completion(chain_world, monkeypatch):
    cw = chain_world
    monkeypatch.setattr(table, "must_fix_open", lambda review: 2)
    refused(
        "must_fix_open",
        review_complete,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )
    assert statuses(cw)["kanwil"] == "open"


def test_separation_of_duties_refuses(chain_world, monkeypatch):
    cw = chain_world
    monkeypatch.setattr(
        table, "separation_refusal", lambda user, review: Refusal("own_unit", "own unit")
    )
    refused(
        "own_unit",
        review_complete,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )


def test_with_a_controller_the_lead_signs_then_the_controller_completes(chain_world):
    cw = chain_world
    step = cw.steps["kanwil"]
    step.uses_controller = True
    step.save()
    team = cw.teams["jabar"]
    team.controller = cw["kanwil_member"]
    team.save()
    refused(
        "not_controller",
        review_complete,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )
    refused(
        "lead_not_signed",
        review_complete,
        actor=cw["kanwil_member"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )
    refused(
        "not_team_lead",
        review_sign_off,
        actor=cw["kanwil_member"],
        review=cw.review("kanwil"),
        recommendation="forward",
    )
    review_sign_off(
        actor=cw["kanwil_reviewer"], review=cw.review("kanwil"), recommendation="hold", note="x"
    )
    assert statuses(cw)["kanwil"] == "open"
    refused(
        "already_signed",
        review_sign_off,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        recommendation="hold",
    )
    # The controller keeps the lead's recommendation when they give none.
    review_complete(actor=cw["kanwil_member"], review=cw.review("kanwil"))
    kanwil = cw.review("kanwil")
    assert (kanwil.status, kanwil.recommendation, kanwil.note) == ("completed", "hold", "x")
    assert list(kanwil.sign_offs.values_list("role", "signed_by__username")) == [
        ("lead", "kanwil_reviewer"),
        ("controller", "kanwil_member"),
    ]


# --- send back ---------------------------------------------------------------------------------


def test_a_higher_tier_sends_the_sheet_back_to_the_tier_below(chain_world):
    cw = chain_world
    complete_kanwil(cw)
    refused(
        "reason_required",
        review_send_back,
        actor=cw["eselon1_reviewer"],
        review=cw.review("eselon1"),
        reason="  ",
    )
    refused(
        "not_team_lead",
        review_send_back,
        actor=cw["kanwil_reviewer"],
        review=cw.review("eselon1"),
        reason="Periksa lagi",
    )
    assert statuses(cw)["eselon1"] == "open"
    handoffs.recorded().clear()
    review_send_back(
        actor=cw["eselon1_reviewer"], review=cw.review("eselon1"), reason="Periksa A.p.m.1.a"
    )
    assert statuses(cw) == {"kanwil": "open", "eselon1": "waiting", "tpi": "waiting"}
    reopened = WorkflowEvent.objects.filter(subject_kind="tier_review", action="reopen").get()
    assert reopened.reason == "Periksa A.p.m.1.a"
    assert reopened.details["by_tier"] == "eselon1"
    assert [h["kind"] for h in handoffs.recorded()] == ["review.sent_back"]
    # Completing again opens the higher tier again.
    complete_kanwil(cw)
    assert statuses(cw)["eselon1"] == "open"


def test_the_first_tier_has_nothing_below_to_send_back_to(chain_world):
    cw = chain_world
    refused(
        "nothing_below",
        review_send_back,
        actor=cw["kanwil_reviewer"],
        review=cw.review("kanwil"),
        reason="x",
    )


# --- return and resubmission -------------------------------------------------------------------


def test_the_holding_tier_returns_and_the_resubmission_reopens_it(chain_world):
    cw = chain_world
    complete_kanwil(cw)
    sheet_return(
        actor=cw["eselon1_reviewer"],
        assessment=cw.assessment,
        items=[ITEM],
        reason="Lengkapi SK",
        tier=cw.tiers["eselon1"],
    )
    assert statuses(cw)["eselon1"] == "returned"
    submit_sheet(cw["unit_head"], cw.assessment)
    assert statuses(cw)["eselon1"] == "open"


# --- stale completions -------------------------------------------------------------------------


def test_a_unit_change_after_completion_reopens_it_as_stale(chain_world):
    cw = chain_world
    complete_kanwil(cw)
    sheet_return(
        actor=cw["eselon1_reviewer"],
        assessment=cw.assessment,
        items=[ITEM],
        reason="Lengkapi SK",
        tier=cw.tiers["eselon1"],
    )
    handoffs.recorded().clear()
    answer_save(
        actor=cw["operator"],
        assessment=cw.assessment,
        item_code=ITEM,
        revision=1,
        value="Tidak",
    )
    kanwil = cw.review("kanwil")
    assert (kanwil.status, kanwil.stale) == ("open", True)
    assert "review.stale" in [h["kind"] for h in handoffs.recorded()]
    # The resubmission reopens Eselon I, which completes only after Kanwil again.
    submit_sheet(cw["unit_head"], cw.assessment)
    assert statuses(cw) == {"kanwil": "open", "eselon1": "open", "tpi": "waiting"}
    refused(
        "lower_reopened",
        review_complete,
        actor=cw["eselon1_reviewer"],
        review=cw.review("eselon1"),
        recommendation="forward",
    )
    complete_kanwil(cw)
    assert cw.review("kanwil").stale is False
    assert statuses(cw)["eselon1"] == "open"
    review_complete(
        actor=cw["eselon1_reviewer"], review=cw.review("eselon1"), recommendation="forward"
    )
    assert statuses(cw) == {"kanwil": "completed", "eselon1": "completed", "tpi": "open"}


def test_a_lower_tier_change_reopens_only_the_tiers_above(chain_world):
    cw = chain_world
    complete_kanwil(cw)
    assert reviews_layer_changed(cw.assessment, cw.tiers["kanwil"]) == 0
    assert reviews_layer_changed(cw.assessment, None) == 1
    assert statuses(cw)["kanwil"] == "open"


# --- layer lock ---------------------------------------------------------------------------------


def test_a_tier_answers_only_while_its_review_is_open_and_in_its_window(chain_world):
    cw = chain_world
    today = timezone.localdate()
    assert reviews_layer_lock(cw.assessment, cw.tiers["kanwil"], today) is None
    waiting = reviews_layer_lock(cw.assessment, cw.tiers["eselon1"], today)
    assert waiting is not None
    assert waiting.code == "review_waiting"
    assert "Kanwil" in waiting.message
    step = cw.steps["kanwil"]
    late = reviews_layer_lock(cw.assessment, cw.tiers["kanwil"], step.closes_on + dt.timedelta(1))
    assert late is not None
    assert late.code == "window_closed"
    early = reviews_layer_lock(cw.assessment, cw.tiers["kanwil"], step.opens_on - dt.timedelta(1))
    assert early is not None
    assert early.code == "window_not_open"


def test_the_page_locks_a_waiting_tiers_layer(client_for, chain_world):
    cw = chain_world
    html = client_for(cw["eselon1_reviewer"]).get(page(cw, "eselon1")).content.decode()
    assert 'data-error="review_waiting"' in html
    assert "data-zona-autosave" not in html
    response = client_for(cw["eselon1_reviewer"]).post(
        reverse("workflow:review_item", args=[cw.assessment.pk, "eselon1", ITEM]),
        {"value": "Tidak", "revision": 0},
    )
    assert response.status_code == 409
    assert "review_waiting" in response.content.decode()
    assert not Answer.objects.filter(layer__tier=cw.tiers["eselon1"]).exists()


# --- selection hook ----------------------------------------------------------------------------


def test_the_next_tier_waits_for_the_selection_round(chain_world, monkeypatch):
    cw = chain_world
    monkeypatch.setattr(services, "selection_allows_next", lambda review: False)
    complete_kanwil(cw)
    assert statuses(cw)["eselon1"] == "waiting"
    monkeypatch.setattr(services, "selection_allows_next", lambda review: True)
    opened = services.open_next(cw.assessment, after=cw.review("kanwil"), actor=None)
    assert opened is not None
    assert opened.status == "open"


# --- the page ----------------------------------------------------------------------------------


def page(cw: ChainWorld, tier: str | None = None) -> str:
    if tier is None:
        return reverse("workflow:review", args=[cw.assessment.pk])
    return reverse("workflow:review_tier", args=[cw.assessment.pk, tier])


def test_the_page_shows_the_chain_and_the_lead_completes_there(client_for, chain_world):
    cw = chain_world
    client = client_for(cw["kanwil_reviewer"])
    html = client.get(page(cw)).content.decode()
    assert 'data-testid="chain-kanwil" data-status="open"' in html
    assert 'data-testid="complete-button"' in html
    response = client.post(
        reverse("workflow:review_complete", args=[cw.assessment.pk, "kanwil"]),
        {"recommendation": "forward", "note": "ok"},
    )
    assert response.status_code == 302
    assert statuses(cw)["kanwil"] == "completed"


def test_a_member_sees_why_they_cannot_complete(client_for, chain_world):
    cw = chain_world
    html = client_for(cw["kanwil_member"]).get(page(cw)).content.decode()
    assert 'data-error="not_team_lead"' in html
    response = client_for(cw["kanwil_member"]).post(
        reverse("workflow:review_complete", args=[cw.assessment.pk, "kanwil"]),
        {"recommendation": "forward"},
    )
    assert response.status_code == 302
    assert statuses(cw)["kanwil"] == "open"


def test_another_units_reviewer_gets_404(client_for, chain_world):
    cw = chain_world
    client = client_for(cw["jatim_reviewer"])
    assert client.get(page(cw)).status_code == 404
    response = client.post(
        reverse("workflow:review_complete", args=[cw.assessment.pk, "kanwil"]),
        {"recommendation": "forward"},
    )
    assert response.status_code == 404
    assert statuses(cw)["kanwil"] == "open"


def test_a_tier_starts_from_the_layers_below_and_marks_its_own_changes(client_for, chain_world):
    cw = chain_world
    answer_save(
        actor=cw["kanwil_reviewer"],
        assessment=cw.assessment,
        item_code=ITEM,
        revision=0,
        value="Tidak",
        tier=cw.tiers["kanwil"],
    )
    complete_kanwil(cw)
    html = client_for(cw["eselon1_reviewer"]).get(page(cw, "eselon1")).content.decode()
    below = html.split(f'data-testid="from-below-{ITEM}"')[1].split("</p>")[0]
    assert "Tidak" in below
    assert "Kanwil" in below
    # The answer that counts is marked as counted, not as a count.
    assert ">dihitung<" in html
    assert f'data-testid="own-change-{ITEM}"' not in html
    answer_save(
        actor=cw["eselon1_reviewer"],
        assessment=cw.assessment,
        item_code=ITEM,
        revision=0,
        value="Ya",
        tier=cw.tiers["eselon1"],
    )
    html = client_for(cw["eselon1_reviewer"]).get(page(cw, "eselon1")).content.decode()
    assert f'data-testid="own-change-{ITEM}"' in html


def test_return_rounds_and_revised_markers(client_for, chain_world):
    cw = chain_world
    sheet_return(
        actor=cw["kanwil_reviewer"],
        assessment=cw.assessment,
        items=[ITEM],
        reason="Lengkapi SK",
        tier=cw.tiers["kanwil"],
    )
    # While the sheet is back with the unit, the banner names who returned it and why.
    returned = client_for(cw["kanwil_reviewer"]).get(page(cw)).content.decode()
    assert "Kanwil Reviewer (Kanwil)" in returned.split('data-testid="returned-by"')[1][:200]
    answer_save(
        actor=cw["operator"], assessment=cw.assessment, item_code=ITEM, revision=1, value="Tidak"
    )
    submit_sheet(cw["unit_head"], cw.assessment)
    client = client_for(cw["kanwil_reviewer"])
    html = client.get(page(cw)).content.decode()
    assert 'data-testid="round-1"' in html
    assert "Lengkapi SK" in html
    assert "Kanwil Reviewer" in html
    change = html.split(f'data-testid="round-change-{ITEM}"')[1].split("</tr>")[0]
    assert "Ya" in change
    assert "Tidak" in change
    assert f'data-testid="revised-{ITEM}"' in html
    filtered = client.get(page(cw) + "?revised=1").content.decode()
    assert f'id="item-{ITEM.replace(".", "-")}"' in filtered
    assert 'id="item-A-p-m-1-b"' not in filtered


def test_an_evidence_change_after_completion_reopens_it_as_stale(chain_world):
    """Attaching or detaching a document changes what the tier completed on, as an answer
    change does."""
    from zona.assessments.services import evidence_add_link, evidence_link, evidence_unlink

    cw = chain_world
    complete_kanwil(cw)
    sheet_return(
        actor=cw["eselon1_reviewer"],
        assessment=cw.assessment,
        items=[ITEM],
        reason="Lengkapi SK",
        tier=cw.tiers["eselon1"],
    )
    document = evidence_add_link(
        actor=cw["operator"],
        unit=cw.assessment.unit,
        url="https://drive.example.go.id/sk-tim",
        title="SK Tim ZI",
    )
    link = evidence_link(
        actor=cw["operator"], assessment=cw.assessment, item_code=ITEM, evidence=document
    )
    kanwil = cw.review("kanwil")
    assert (kanwil.status, kanwil.stale) == ("open", True)
    submit_sheet(cw["unit_head"], cw.assessment)
    complete_kanwil(cw)
    assert cw.review("kanwil").stale is False
    # Detaching it while the sheet is back with the unit reopens Kanwil again.
    sheet_return(
        actor=cw["eselon1_reviewer"],
        assessment=cw.assessment,
        items=[ITEM],
        reason="Dokumen salah",
        tier=cw.tiers["eselon1"],
    )
    evidence_unlink(actor=cw["operator"], assessment=cw.assessment, link_id=link.pk)
    kanwil = cw.review("kanwil")
    assert (kanwil.status, kanwil.stale) == ("open", True)
