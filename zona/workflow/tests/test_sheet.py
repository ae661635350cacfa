"""The sheet's lifecycle through the service, the pages and the API: one transition table
(`zona.workflow.tables.sheet`), one refusal for buttons and actions, the history from
WorkflowEvent, and the hand-offs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zona.assessments.models import Assessment, AssessmentStatus, PeriodDeadline
from zona.assessments.ports import review_gate
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models import TierReviewStatus, WorkflowEvent
from zona.workflow.selectors.sheet import sheet_history
from zona.workflow.services.sheet import sheet_return, sheet_submit
from zona.workflow.tables.sheet import sheet_refusal

API = "/api/v1"
ITEM = "A.p.m.1.a"


def code_of(refusal: object) -> object:
    """The refusal's code (None when nothing is refused)."""
    return getattr(refusal, "code", None)


@pytest.fixture
def sheet(world) -> Assessment:
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    return make_assessment(period, world.bandung)


@pytest.fixture
def told():
    handoffs.recorded().clear()
    yield handoffs.recorded()
    handoffs.recorded().clear()


def _events(sheet: Assessment) -> list[WorkflowEvent]:
    return list(WorkflowEvent.objects.filter(subject_kind="assessment", subject_id=sheet.pk))


def _unchanged(sheet: Assessment, status: str, events: int) -> None:
    """The sheet is still in `status` with `events` workflow events (nothing was written)."""
    sheet.refresh_from_db()
    assert sheet.status == status
    assert len(_events(sheet)) == events


# --- the service --------------------------------------------------------------------------


def test_submit_and_return_write_the_event_the_audit_and_the_handoffs(world, sheet, told):
    submitted = sheet_submit(actor=world["unit_head"], assessment=sheet)
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert submitted.submitted_by == world["unit_head"]
    (event,) = _events(sheet)
    assert (event.action, event.from_state, event.to_state) == ("submit", "draft", "submitted")
    assert event.actor == world["unit_head"]
    assert event.details["counts"] == submitted.submitted_counts
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1
    # No chain: the first agency tier that reviews the unit (Kanwil) is told.
    (submitted_told,) = told
    assert submitted_told["kind"] == "sheet.submitted"
    assert submitted_told["recipients"] == [world["kanwil_reviewer"].pk]

    returned = sheet_return(
        actor=world["tpi_reviewer"], assessment=sheet, items=[ITEM], reason="SK kurang"
    )
    assert returned.status == AssessmentStatus.RETURNED
    assert returned.returned_items == [ITEM]
    assert returned.return_reason == "SK kurang"
    event = _events(sheet)[-1]
    assert (event.action, event.tier, event.items, event.reason) == (
        "return",
        world.tier_tpi,
        [ITEM],
        "SK kurang",
    )
    assert told[-1]["kind"] == "sheet.returned"
    assert set(told[-1]["recipients"]) == {world["operator"].pk, world["unit_head"].pk}
    assert told[-1]["params"]["reason"] == "SK kurang"

    sheet_submit(actor=world["unit_head"], assessment=sheet)
    assert told[-1]["kind"] == "sheet.resubmitted"
    history = sheet_history(sheet)
    assert [e.name for e in history] == ["submitted", "returned", "resubmitted"]
    assert history[1].tier == "TPI"
    assert history[2].items == (ITEM,)
    # Hand-off keys differ per round, so a second round is told again.
    assert len({t["key"] for t in told}) == len(told)


def test_a_wrong_state_is_refused_with_a_clear_message_and_nothing_changes(world, sheet):
    with pytest.raises(StateError) as exc:
        sheet_return(actor=world["tpi_reviewer"], assessment=sheet, reason="x")
    assert [p.code for p in exc.value.problems] == ["wrong_state"]
    assert str(sheet.get_status_display()) in exc.value.message
    _unchanged(sheet, AssessmentStatus.DRAFT, 0)
    sheet_submit(actor=world["unit_head"], assessment=sheet)
    with pytest.raises(StateError) as exc:
        sheet_submit(actor=world["unit_head"], assessment=sheet)
    assert [p.code for p in exc.value.problems] == ["wrong_state"]
    _unchanged(sheet, AssessmentStatus.SUBMITTED, 1)


def test_a_late_submission_is_refused_and_nothing_changes(world, sheet):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    PeriodDeadline.objects.create(
        period=sheet.period, level=world.bandung.depth, fill_deadline=yesterday
    )
    assert (
        getattr(sheet_refusal(sheet, "submit", world["unit_head"]), "code", None)
        == "deadline_passed"
    )
    with pytest.raises(StateError) as exc:
        sheet_submit(actor=world["unit_head"], assessment=sheet)
    assert [p.code for p in exc.value.problems] == ["deadline_passed"]
    _unchanged(sheet, AssessmentStatus.DRAFT, 0)
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()


def test_rights_and_inputs_are_refused_with_their_kind_of_error(world, sheet):
    with pytest.raises(PermissionDenied):
        sheet_submit(actor=world["operator"], assessment=sheet)
    sheet_submit(actor=world["unit_head"], assessment=sheet)
    with pytest.raises(PermissionDenied):
        sheet_return(actor=world["operator"], assessment=sheet, reason="x")
    with pytest.raises(PermissionDenied):
        sheet_return(
            actor=world["kanwil_reviewer"], assessment=sheet, reason="x", tier=world.tier_tpi
        )
    with pytest.raises(ValidationFailed) as exc:
        sheet_return(actor=world["tpi_reviewer"], assessment=sheet, items=["X.9"], reason="x")
    assert exc.value.problems[0].field == "items"
    with pytest.raises(ValidationFailed) as exc:
        sheet_return(actor=world["tpi_reviewer"], assessment=sheet, reason="  ")
    assert exc.value.problems[0].field == "reason"
    _unchanged(sheet, AssessmentStatus.SUBMITTED, 1)


def test_the_port_gives_the_same_refusal_as_the_table(world, sheet):
    gate = review_gate()
    assert gate.refusal(sheet, "submit", world["unit_head"]) is None
    assert gate.refusal(sheet, "submit", world["operator"]).code == "forbidden"
    assert gate.refusal(sheet, "return", world["tpi_reviewer"]).code == "wrong_state"
    assert gate.refusal(sheet, "fly", world["unit_head"]).code == "unknown_action"


# --- with a chain: only the tier that holds the sheet returns it ----------------------------


def test_only_the_holding_tier_returns_a_chained_sheet(chain_world, told):
    sheet = chain_world.assessment
    assert chain_world.review("kanwil").status == TierReviewStatus.OPEN
    refused = sheet_refusal(sheet, "return", chain_world["tpi_reviewer"])
    assert code_of(refused) == "not_holding_tier"
    with pytest.raises(StateError) as exc:
        sheet_return(actor=chain_world["tpi_reviewer"], assessment=sheet, reason="x")
    assert [p.code for p in exc.value.problems] == ["not_holding_tier"]
    assert sheet_refusal(sheet, "return", chain_world["kanwil_reviewer"]) is None
    sheet_return(actor=chain_world["kanwil_reviewer"], assessment=sheet, reason="Lengkapi SK")
    assert chain_world.review("kanwil").status == TierReviewStatus.RETURNED
    event = _events(sheet)[-1]
    assert event.tier == chain_world.tiers["kanwil"]
    told.clear()
    sheet_submit(actor=chain_world["unit_head"], assessment=sheet)
    assert chain_world.review("kanwil").status == TierReviewStatus.OPEN
    # The reviews part tells the reopened tier's team; the sheet does not tell it twice.
    assert [t["kind"] for t in told].count("sheet.resubmitted") == 1


# --- pages ----------------------------------------------------------------------------------


def test_the_submit_page_submits_and_shows_the_history(client_for, world, sheet):
    url = reverse("workflow:sheet_submit", args=[sheet.pk])
    assert url.endswith(f"/assessments/{sheet.pk}/submit/")
    head = client_for(world["unit_head"])
    page = head.get(url).content.decode()
    assert 'data-testid="submit-button"' in page
    operator_page = client_for(world["operator"]).get(url).content.decode()
    assert 'data-error="forbidden"' in operator_page
    counts = {
        "count_unanswered": page.split('name="count_unanswered" value="')[1].split('"')[0],
        "count_no_evidence": page.split('name="count_no_evidence" value="')[1].split('"')[0],
        "count_failing": page.split('name="count_failing" value="')[1].split('"')[0],
    }
    response = head.post(url, {"confirm": "1", **counts})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == AssessmentStatus.SUBMITTED
    page = head.get(url).content.decode()
    assert 'data-testid="workflow-events"' in page
    assert 'data-status="submitted"' in page
    timeline = head.get(reverse("workflow:sheet_timeline", args=[sheet.pk])).content.decode()
    assert 'data-testid="workflow-events"' in timeline


def test_the_return_page_returns_in_the_actors_tier(client_for, world, sheet):
    sheet_submit(actor=world["unit_head"], assessment=sheet)
    url = reverse("workflow:sheet_return", args=[sheet.pk])
    assert url.endswith(f"/assessments/{sheet.pk}/return/")
    reviewer = client_for(world["tpi_reviewer"])
    assert 'data-testid="return-submit"' in reviewer.get(url).content.decode()
    response = reviewer.post(
        url, {"scope": "items", "items": [ITEM], "reason": "SK", "tier": "tpi"}
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == AssessmentStatus.RETURNED
    # A second return is refused on the form, with the code, and changes nothing.
    page = reviewer.get(url).content.decode()
    assert 'data-error="wrong_state"' in page
    response = reviewer.post(url, {"scope": "all", "reason": "lagi"}, follow=True)
    assert "wrong_state" in response.content.decode()
    _unchanged(sheet, AssessmentStatus.RETURNED, 2)


@pytest.mark.parametrize("persona", ["other_operator", "outsider"])
def test_another_units_user_gets_404_everywhere(client_for, world, sheet, persona):
    sheet_submit(actor=world["unit_head"], assessment=sheet)
    client = client_for(world[persona])
    for name in ("workflow:sheet_submit", "workflow:sheet_return", "workflow:sheet_timeline"):
        assert client.get(reverse(name, args=[sheet.pk])).status_code == 404
    assert (
        client.post(reverse("workflow:sheet_submit", args=[sheet.pk]), {"confirm": "1"}).status_code
        == 404
    )
    assert client.post(f"{API}/assessments/{sheet.pk}/submit/").status_code == 404
    assert (
        client.post(
            f"{API}/assessments/{sheet.pk}/return/",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(f"{API}/assessments/{sheet.pk}/timeline/").status_code == 404
    _unchanged(sheet, AssessmentStatus.SUBMITTED, 1)


# --- API ------------------------------------------------------------------------------------


def test_the_api_submits_returns_and_lists_allowed_actions(client_for, world, sheet):
    head = client_for(world["unit_head"])
    detail = head.get(f"{API}/assessments/{sheet.pk}/").json()
    assert detail["allowed_actions"]["submit"] is None
    assert detail["allowed_actions"]["return"]["code"] == "wrong_state"
    operator = client_for(world["operator"]).get(f"{API}/assessments/{sheet.pk}/").json()
    assert operator["allowed_actions"]["submit"]["code"] == "forbidden"
    assert (
        client_for(world["operator"]).post(f"{API}/assessments/{sheet.pk}/submit/").status_code
        == 403
    )
    response = head.post(f"{API}/assessments/{sheet.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    reviewer = client_for(world["tpi_reviewer"])
    assert (
        reviewer.get(f"{API}/assessments/{sheet.pk}/").json()["allowed_actions"]["return"] is None
    )
    response = reviewer.post(
        f"{API}/assessments/{sheet.pk}/return/",
        {"items": [ITEM], "reason": "SK"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["returned_items"] == [ITEM]
    # The wrong state: 409 with the code, nothing changed.
    response = reviewer.post(
        f"{API}/assessments/{sheet.pk}/return/",
        {"reason": "lagi"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["problems"][0]["code"] == "wrong_state"
    events = reviewer.get(f"{API}/assessments/{sheet.pk}/timeline/").json()
    assert [e["action"] for e in events] == ["submitted", "returned"]
    assert events[1]["tier_code"] == "tpi"
    _unchanged(sheet, AssessmentStatus.RETURNED, 2)
