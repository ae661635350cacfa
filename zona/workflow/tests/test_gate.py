"""The chain governs the sheet's layers everywhere, not only on the review page: the
answers service and API ask the port, and the unit's worksheet names who returned it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zona.assessments.models import Answer
from zona.assessments.services import answer_save
from zona.core.errors import StateError
from zona.workflow.services.sheet import sheet_return

ITEM = "A.p.m.1.a"


def test_a_waiting_tier_cannot_answer_through_the_service(chain_world):
    cw = chain_world
    with pytest.raises(StateError) as refused:
        answer_save(
            actor=cw["eselon1_reviewer"],
            assessment=cw.assessment,
            item_code=ITEM,
            revision=0,
            value="Tidak",
            tier=cw.tiers["eselon1"],
        )
    assert "review_waiting" in {p.code for p in refused.value.problems}
    assert not Answer.objects.filter(layer__tier=cw.tiers["eselon1"]).exists()


def test_a_waiting_tier_cannot_answer_through_the_api(client_for, chain_world):
    cw = chain_world
    url = reverse("api-answer", args=[cw.assessment.pk, ITEM]) + "?layer=eselon1"
    response = client_for(cw["eselon1_reviewer"]).put(
        url, {"revision": 0, "value": "Tidak"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert "review_waiting" in response.content.decode()
    assert not Answer.objects.filter(layer__tier=cw.tiers["eselon1"]).exists()


def test_the_tiers_window_applies_not_the_tree_levels_deadline(chain_world):
    cw = chain_world
    step = cw.steps["kanwil"]
    step.closes_on = timezone.localdate() - dt.timedelta(days=1)
    step.opens_on = step.closes_on - dt.timedelta(days=5)
    step.save(update_fields=["opens_on", "closes_on"])
    with pytest.raises(StateError) as refused:
        answer_save(
            actor=cw["kanwil_reviewer"],
            assessment=cw.assessment,
            item_code=ITEM,
            revision=0,
            value="Ya",
            tier=cw.tiers["kanwil"],
        )
    assert "window_closed" in {p.code for p in refused.value.problems}


def test_the_worksheet_names_who_returned_the_sheet(client_for, chain_world):
    cw = chain_world
    sheet_return(
        actor=cw["kanwil_reviewer"],
        assessment=cw.assessment,
        items=[ITEM],
        reason="Lengkapi SK.",
        tier=cw.tiers["kanwil"],
    )
    html = (
        client_for(cw["operator"])
        .get(reverse("assessments:worksheet", args=[cw.assessment.pk]))
        .content.decode()
    )
    banner = html.split('data-testid="returned-by"')[1][:200]
    assert "Kanwil Reviewer" in banner
    assert "Kanwil" in banner
    # Another unit's operator does not see the sheet at all.
    other = client_for(cw["other_operator"]).get(
        reverse("assessments:worksheet", args=[cw.assessment.pk])
    )
    assert other.status_code == 404


def test_the_tpi_cannot_forward_in_stage_one_or_with_a_failed_gate(chain_world):
    from zona.workflow.services.reviews import review_complete
    from zona.workflow.services.tpi import tpi_skip_findings
    from zona.workflow.tests.tpi_fixtures import setup_tpi, to_tpi

    cw = chain_world
    setup_tpi(cw)
    review = to_tpi(cw)
    lead = cw["tpi_reviewer"]
    with pytest.raises(StateError) as stage_one:
        review_complete(actor=lead, review=review, recommendation="forward")
    assert [p.code for p in stage_one.value.problems] == ["tpi_stage_1"]
    tpi_skip_findings(actor=lead, review=review, reason="Tidak ada temuan.")
    review.refresh_from_db()
    # Stage 2, but the recorded gates (TLHP, SAKIP ...) are not met yet.
    with pytest.raises(StateError) as gates:
        review_complete(actor=lead, review=review, recommendation="forward")
    assert gates.value.problems
    review.refresh_from_db()
    assert review.status == "open"
    # Not forwarding needs no gate.
    done = review_complete(actor=lead, review=review, recommendation="hold", note="Belum siap.")
    assert done.status == "completed"


def test_home_tasks_follow_the_chain(client_for, chain_world):
    from zona.workflow.services.reviews import review_complete

    cw = chain_world
    home = reverse("home:home")
    sheet = reverse("workflow:review", args=[cw.assessment.pk])
    assert sheet in client_for(cw["kanwil_reviewer"]).get(home).content.decode()
    # Eselon I waits for Kanwil: not its task yet.
    assert sheet not in client_for(cw["eselon1_reviewer"]).get(home).content.decode()
    review_complete(
        actor=cw["kanwil_reviewer"], review=cw.review("kanwil"), recommendation="forward"
    )
    assert sheet not in client_for(cw["kanwil_reviewer"]).get(home).content.decode()
    assert sheet in client_for(cw["eselon1_reviewer"]).get(home).content.decode()
