"""The summary before submission: counts the unit head confirms, complete sheets on demand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zona.assessments.models import AssessmentStatus
from zona.assessments.services import answer_save, period_update
from zona.audit.models import AuditEvent
from zona.core.errors import StateError
from zona.workflow.services.sheet import StaleConfirmation, sheet_submit


def _counts(page: str) -> dict[str, str]:
    counts = {}
    for key in ("unanswered", "no_evidence", "failing"):
        counts[f"count_{key}"] = page.split(f'name="count_{key}" value="')[1].split('"')[0]
    return counts


def test_the_unit_head_confirms_the_counts_and_the_submission_records_them(
    client_for, world, assessment
):
    client = client_for(world["unit_head"])
    url = reverse("workflow:sheet_submit", args=[assessment.pk])
    page = client.get(url).content.decode()
    counts = _counts(page)
    # The mini framework has 14 items, none answered, none with evidence.
    assert counts["count_unanswered"] == "14"
    assert counts["count_no_evidence"] == "14"
    assert int(counts["count_failing"]) > 0
    client.post(url, {"confirm": "1", **counts})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submitted_counts == {
        "unanswered": 14,
        "no_evidence": 14,
        "failing": int(counts["count_failing"]),
    }
    event = AuditEvent.objects.get(action="assessment.submit")
    assert event.details["counts"] == assessment.submitted_counts
    assert event.details["confirmed"]


def test_a_stale_confirmation_is_refused(client_for, world, assessment):
    client = client_for(world["unit_head"])
    url = reverse("workflow:sheet_submit", args=[assessment.pk])
    counts = _counts(client.get(url).content.decode())
    # Meanwhile the operator answers an item: the confirmed counts are no longer true.
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    client.post(url, {"confirm": "1", **counts})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    with pytest.raises(StaleConfirmation) as exc:
        sheet_submit(
            actor=world["unit_head"],
            assessment=assessment,
            confirmed={k.removeprefix("count_"): v for k, v in counts.items()},
        )
    assert exc.value.code == "stale_confirmation"
    # Confirming what the page shows now goes through.
    client.post(url, {"confirm": "1", **_counts(client.get(url).content.decode())})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_an_index_the_survey_will_fill_counts_as_answered(
    client_for, world, assessment, monkeypatch
):
    monkeypatch.setattr(
        "zona.surveys.feed.survey_indices_for",
        lambda unit, year: {"ipak": Decimal("3.4"), "ipkp": None, "skm_rounds": None},
    )
    client = client_for(world["unit_head"])
    url = reverse("workflow:sheet_submit", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert _counts(page)["count_unanswered"] == "13"
    assert 'data-testid="count-from-surveys">1<' in page
    client.post(url, {"confirm": "1", **_counts(page)})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submitted_counts["unanswered"] == 13


def test_a_period_may_require_complete_sheets(client_for, world, assessment):
    period = assessment.period
    admin = client_for(world["agency_admin"])
    response = admin.post(
        reverse("assessments:period_edit", args=[period.pk]),
        {
            "title": period.title,
            "opens_on": period.opens_on.isoformat(),
            "closes_on": period.closes_on.isoformat(),
            "status": period.status,
            "require_complete": "on",
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.require_complete
    with pytest.raises(StateError) as refused:
        sheet_submit(actor=world["unit_head"], assessment=assessment)
    assert [p.code for p in refused.value.problems] == ["incomplete"]
    page = client_for(world["unit_head"]).get(
        reverse("workflow:sheet_submit", args=[assessment.pk])
    )
    html = page.content.decode()
    assert 'data-testid="submit-refusal" data-error="incomplete"' in html
    assert 'data-testid="submit-button"' not in html
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    # Another agency's administrator cannot change the setting.
    other = client_for(world["other_operator"])
    assert other.get(reverse("assessments:period_edit", args=[period.pk])).status_code == 404
    period_update(
        actor=world["agency_admin"],
        period=period,
        title=period.title,
        opens_on=period.opens_on,
        closes_on=period.closes_on,
        deadlines=[],
        require_complete=False,
    )
    sheet_submit(actor=world["unit_head"], assessment=assessment)


def test_after_submission_the_page_reads_as_what_was_submitted(client_for, world, assessment):
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    html = (
        client_for(world["operator"])
        .get(reverse("workflow:sheet_submit", args=[assessment.pk]))
        .content.decode()
    )
    assert 'data-testid="submitted-summary"' in html
    assert 'name="confirm"' not in html
    assert 'data-testid="confirm-counts"' not in html


def test_the_api_submits_with_confirmed_counts_and_refuses_stale_ones(
    client_for, world, assessment
):
    client = client_for(world["unit_head"])
    detail = client.get(f"/api/v1/assessments/{assessment.pk}/").json()
    counts = detail["submission_counts"]
    stale = {**counts, "unanswered": counts["unanswered"] + 1}
    response = client.post(
        f"/api/v1/assessments/{assessment.pk}/submit/",
        {"counts": stale},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_confirmation"
    response = client.post(
        f"/api/v1/assessments/{assessment.pk}/submit/",
        {"counts": counts},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["submitted_counts"] == counts
