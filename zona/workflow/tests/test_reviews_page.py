"""Reviewers at work: their own layer beside the unit's, scores per layer, returning items."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from zona.accounts.models import User
from zona.assessments.models import (
    Answer,
    AnswerChange,
    AnswerLayer,
    AssessmentStatus,
    PeriodDeadline,
    PeriodStatus,
)
from zona.assessments.services import answer_save
from zona.assessments.tests.factories import confirmed_counts
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError
from zona.workflow.services.sheet import sheet_return, sheet_submit

ITEM = "A.p.m.1.a"


@pytest.fixture
def submitted(world, assessment):
    """Bandung's sheet with two unit answers, submitted by the unit head."""
    for code, value in ((ITEM, "Ya"), ("A.p.m.1.b", "A")):
        answer_save(
            actor=world["operator"],
            assessment=assessment,
            item_code=code,
            revision=0,
            value=value,
            note="catatan unit",
        )
    return sheet_submit(actor=world["unit_head"], assessment=assessment)


def review_path(assessment, tier: str | None = None, query: str = "") -> str:
    if tier is None:
        return reverse("workflow:review", args=[assessment.pk]) + query
    return reverse("workflow:review_tier", args=[assessment.pk, tier]) + query


def item_path(assessment, tier: str, code: str = ITEM) -> str:
    return reverse("workflow:review_item", args=[assessment.pk, tier, code])


def card_html(html: str, code: str) -> str:
    return html.split(f'id="item-{code.replace(".", "-")}"')[1].split("</form>")[0]


# --- the review page --------------------------------------------------------------------------


def test_a_reviewer_answers_in_their_own_layer_and_sees_the_difference(
    client_for, world, submitted
):
    client = client_for(world["tpi_reviewer"])
    page = client.get(review_path(submitted))
    assert page.status_code == 200
    html = page.content.decode()
    card = card_html(html, ITEM)
    assert "data-zona-autosave" in card
    assert reverse("workflow:review_item", args=[submitted.pk, "tpi", ITEM]) in card
    assert "Jawaban Anda (TPI)" in card

    response = client.post(
        item_path(submitted, "tpi"), {"value": "Tidak", "note": "SK belum ada", "revision": 0}
    )
    assert response.status_code == 200, response.content
    body = response.content.decode()
    assert 'data-state="saved"' in body
    # The comparison shows the difference and which answer counts; the scores follow.
    compare = body.split('id="compare-A-p-m-1-a"')[1].split("</ul>")[0]
    # "Differs" compares a tier with the layers below it (here the unit's).
    assert "data-differs" in compare
    assert "SK belum ada" in compare
    assert 'data-testid="layer-score-tpi"' in body
    assert 'data-testid="effective-score"' in body
    tpi = Answer.objects.get(layer__tier=world.tier_tpi, item_code=ITEM)
    assert tpi.value == "Tidak"
    assert tpi.note == "SK belum ada"
    assert tpi.revision == 1
    # The unit's answer is untouched; the history names the layer.
    unit = Answer.objects.get(layer__tier__isnull=True, item_code=ITEM)
    assert unit.value == "Ya"
    assert unit.revision == 1
    change = AnswerChange.objects.filter(item_code=ITEM, layer__tier=world.tier_tpi).first()
    assert change is not None
    assert change.changed_by == world["tpi_reviewer"]
    event = AuditEvent.objects.filter(action="assessment.answer_saved").latest("id")
    assert event.details["layer"] == "tpi"

    # Page again: unit "Ya", TPI "Tidak" (highlighted), effective "Tidak" from TPI.
    html = client.get(review_path(submitted)).content.decode()
    compare = card_html(html, ITEM)
    assert 'data-layer="tpi" data-differs' in compare
    assert 'data-layer="unit" data-differs' not in compare
    effective = compare.split('data-testid="effective-A.p.m.1.a"')[1]
    assert "Tidak" in effective
    assert "dari TPI" in effective


def test_layer_scores_and_the_effective_score(client_for, world, submitted):
    client = client_for(world["tpi_reviewer"])
    before = client.get(review_path(submitted)).context["panel"]
    assert before["total"] == "10,00"  # both team items answered in full by the unit
    client.post(item_path(submitted, "tpi"), {"value": "Tidak", "revision": 0})
    panel = client.get(review_path(submitted)).context["panel"]
    totals = {row["code"]: row["total"] for row in panel["rows"]}
    # A tier's score is the sheet as that tier sees it: TPI's "Tidak" over the unit's other
    # answer, (0 + 1) / 2 x 10, not a total over the one item it answered.
    assert totals == {"unit": "10,00", "tpi": "5,00"}
    # The effective sheet takes TPI's "Tidak" and the unit's other answer: (0 + 1) / 2 x 10.
    assert panel["total"] == "5,00"
    assert panel["verdict"] is not None
    assert panel["passed"] is False


def test_a_lower_tier_is_overridden_by_a_higher_one(client_for, world, submitted):
    client_for(world["kanwil_reviewer"]).post(
        item_path(submitted, "kanwil"), {"value": "Tidak", "revision": 0}
    )
    client = client_for(world["tpi_reviewer"])
    client.post(item_path(submitted, "tpi"), {"value": "Ya", "revision": 0})
    html = client.get(review_path(submitted)).content.decode()
    effective = card_html(html, ITEM).split('data-testid="effective-A.p.m.1.a"')[1]
    assert "dari TPI" in effective
    rows = client.get(review_path(submitted)).context["panel"]["rows"]
    assert [row["code"] for row in rows] == ["unit", "kanwil", "tpi"]


def _at_tpn_desk(world, sheet):
    """The TPN answers on a nominated unit's sheet during its desk evaluation."""
    from zona.national.tests.tpn_fixtures import nominate

    return nominate(sheet, by=world["agency_admin"], status="desk")


def test_a_national_evaluator_answers_in_the_national_layer(client_for, world, submitted):
    _at_tpn_desk(world, submitted)
    client = client_for(world["tpn"])
    assert client.get(review_path(submitted)).context["tier"] == world.tier_tpn
    r = client.post(item_path(submitted, "tpn"), {"value": "Tidak", "revision": 0})
    assert r.status_code == 200
    assert Answer.objects.get(layer__tier=world.tier_tpn, item_code=ITEM).value == "Tidak"


@pytest.mark.parametrize("persona", ["operator", "unit_head", "wg_member", "viewer"])
def test_unit_users_cannot_write_a_reviewer_layer(client_for, world, submitted, persona):
    client = client_for(world[persona])
    # They may compare the layers, read-only.
    page = client.get(review_path(submitted))
    assert page.status_code == 200
    assert "data-zona-autosave" not in page.content.decode()
    assert client.get(review_path(submitted, "tpi")).status_code == 404
    r = client.post(item_path(submitted, "tpi"), {"value": "Tidak", "revision": 0})
    assert r.status_code == 403
    assert not AnswerLayer.objects.filter(assessment=submitted, tier__isnull=False).exists()
    # ...nor the service behind it.
    with pytest.raises(PermissionDenied):
        answer_save(
            actor=world[persona],
            assessment=submitted,
            item_code=ITEM,
            revision=0,
            value="Tidak",
            tier=world.tier_tpi,
        )


def test_a_reviewer_cannot_write_another_tier_or_the_unit_layer(client_for, world, submitted):
    client = client_for(world["kanwil_reviewer"])
    assert client.post(item_path(submitted, "tpi"), {"value": "Ya", "revision": 0}).status_code
    assert not Answer.objects.filter(layer__tier=world.tier_tpi).exists()
    # The unit's own autosave refuses a reviewer.
    r = client.post(
        reverse("assessments:item", args=[submitted.pk, ITEM]), {"value": "Tidak", "revision": 1}
    )
    assert r.status_code == 403
    assert Answer.objects.get(layer__tier__isnull=True, item_code=ITEM).value == "Ya"


@pytest.mark.parametrize("persona", ["other_operator", "outsider"])
def test_users_of_other_units_get_404(client_for, world, submitted, persona):
    client = client_for(world[persona])
    assert client.get(review_path(submitted)).status_code == 404
    assert client.post(item_path(submitted, "tpi"), {"value": "Ya"}).status_code == 404
    assert client.get(reverse("workflow:sheet_return", args=[submitted.pk])).status_code == 404


def test_a_reviewer_out_of_scope_gets_404(client_for, world, period):
    from zona.assessments.tests.factories import make_assessment

    surabaya = make_assessment(period, world.surabaya)
    client = client_for(world["kanwil_reviewer"])  # Kanwil Jawa Barat, not Jawa Timur
    assert client.get(review_path(surabaya)).status_code == 404
    assert client.get(review_path(surabaya, "kanwil")).status_code == 404
    assert client.post(item_path(surabaya, "kanwil"), {"value": "Ya"}).status_code == 404
    assert client.get(reverse("workflow:sheet_return", args=[surabaya.pk])).status_code == 404


def test_reviewers_wait_for_the_submission(client_for, world, assessment):
    client = client_for(world["tpi_reviewer"])
    html = client.get(review_path(assessment)).content.decode()
    assert "data-zona-autosave" not in html
    assert 'data-testid="review-lock" data-error="not_submitted"' in html
    r = client.post(item_path(assessment, "tpi"), {"value": "Ya", "revision": 0})
    assert r.status_code == 409


def test_the_review_deadline_is_respected_with_its_reason(client_for, world, submitted):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    PeriodDeadline.objects.create(
        period=submitted.period,
        level=world.bandung.depth,
        fill_deadline=yesterday - dt.timedelta(days=5),
        review_deadline=yesterday,
    )
    client = client_for(world["tpi_reviewer"])
    html = client.get(review_path(submitted)).content.decode()
    assert 'data-testid="review-lock" data-error="review_deadline_passed"' in html
    assert "data-zona-autosave" not in html
    r = client.post(item_path(submitted, "tpi"), {"value": "Tidak", "revision": 0})
    assert r.status_code == 409
    assert 'data-error="review_deadline_passed"' in r.content.decode()
    with pytest.raises(StateError) as refused:
        sheet_return(actor=world["tpi_reviewer"], assessment=submitted, reason="x")
    assert [p.code for p in refused.value.problems] == ["review_deadline_passed"]
    # The national tier evaluates after the agency's review: its deadline does not bind TPN.
    _at_tpn_desk(world, submitted)
    r = client_for(world["tpn"]).post(item_path(submitted, "tpn"), {"value": "Tidak"})
    assert r.status_code == 200


def test_a_closed_period_locks_the_reviewer_layers(client_for, world, submitted):
    submitted.period.status = PeriodStatus.CLOSED
    submitted.period.save()
    r = client_for(world["tpi_reviewer"]).post(item_path(submitted, "tpi"), {"value": "Ya"})
    assert r.status_code == 409


def test_two_reviewers_of_one_tier_get_a_conflict(client_for, world, submitted):
    from zona.accounts.testing import UserFactory, assign

    second = cast(User, UserFactory(username="tpi_kedua"))
    assign(second, "reviewer", world.agency, covers_subtree=True, review_tier=world.tier_tpi)
    client_for(world["tpi_reviewer"]).post(
        item_path(submitted, "tpi"), {"value": "Tidak", "revision": 0}
    )
    r = client_for(second).post(item_path(submitted, "tpi"), {"value": "Ya", "revision": 0})
    assert r.status_code == 409
    assert "Tidak" in r.content.decode()
    assert Answer.objects.get(layer__tier=world.tier_tpi, item_code=ITEM).value == "Tidak"


def test_the_unit_worksheet_links_reviewers_to_the_review(client_for, world, submitted):
    html = client_for(world["tpi_reviewer"]).get(
        reverse("assessments:worksheet", args=[submitted.pk])
    )
    assert 'data-testid="review-link"' in html.content.decode()
    listing = client_for(world["tpi_reviewer"]).get(reverse("assessments:list")).content.decode()
    assert review_path(submitted) in listing
    listing = client_for(world["operator"]).get(reverse("assessments:list")).content.decode()
    assert review_path(submitted) not in listing


# --- returning ------------------------------------------------------------------------------


def return_path(assessment, query: str = "") -> str:
    return reverse("workflow:sheet_return", args=[assessment.pk]) + query


def test_returning_chosen_items_reopens_exactly_those(client_for, world, submitted):
    reviewer = client_for(world["tpi_reviewer"])
    form = reviewer.get(return_path(submitted, f"?items={ITEM}"))
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{ITEM}" id="ret-A-p-m-1-a" checked' in html
    r = reviewer.post(
        return_path(submitted),
        {"scope": "items", "items": [ITEM], "reason": "Lampirkan SK tim", "tier": "tpi"},
    )
    assert r.status_code == 302
    assert r["Location"] == review_path(submitted, "tpi")
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED
    assert submitted.returned_items == [ITEM]
    assert submitted.return_reason == "Lampirkan SK tim"
    event = AuditEvent.objects.get(action="assessment.return")
    assert event.details["tier"] == "tpi"
    assert event.actor == world["tpi_reviewer"]

    operator = client_for(world["operator"])
    page = operator.get(reverse("assessments:worksheet", args=[submitted.pk])).content.decode()
    assert 'data-testid="returned-banner"' in page
    assert "Lampirkan SK tim" in page
    assert 'data-testid="returned-A.p.m.1.a"' in card_html(page, ITEM)
    assert "data-zona-autosave" in card_html(page, ITEM)
    assert "data-zona-autosave" not in card_html(page, "A.p.m.1.b")
    ok = operator.post(
        reverse("assessments:item", args=[submitted.pk, ITEM]),
        {"value": "Ya", "note": "SK terlampir", "revision": 1},
    )
    assert ok.status_code == 200
    refused = operator.post(
        reverse("assessments:item", args=[submitted.pk, "A.p.m.1.b"]),
        {"value": "B", "revision": 1},
    )
    assert refused.status_code == 409
    # Reviewers wait while the sheet is with the unit.
    r = reviewer.post(item_path(submitted, "tpi"), {"value": "Ya", "revision": 0})
    assert r.status_code == 409
    # The unit head resubmits; the summary lists the returned item and the history.
    summary = client_for(world["unit_head"]).get(
        reverse("workflow:sheet_submit", args=[submitted.pk])
    )
    body = summary.content.decode()
    assert 'data-testid="workflow-events"' in body
    assert "Lampirkan SK tim" in body
    client_for(world["unit_head"]).post(
        reverse("workflow:sheet_submit", args=[submitted.pk]),
        {"confirm": "1", **confirmed_counts(body)},
    )
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 2


def test_returning_the_whole_sheet(client_for, world, submitted):
    r = client_for(world["kanwil_reviewer"]).post(
        return_path(submitted), {"scope": "all", "items": [ITEM], "reason": "Perbaiki semua"}
    )
    assert r.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED
    assert submitted.returned_items == []
    page = (
        client_for(world["operator"])
        .get(reverse("assessments:worksheet", args=[submitted.pk]))
        .content.decode()
    )
    assert "data-zona-autosave" in card_html(page, "A.p.m.1.b")
    assert "Seluruh lembar kerja dikembalikan" in page


def test_a_return_needs_items_or_the_whole_sheet_and_a_reason(client_for, world, submitted):
    client = client_for(world["tpi_reviewer"])
    r = client.post(return_path(submitted), {"scope": "items", "reason": "x"})
    assert r.status_code == 200
    assert 'role="alert" data-error="no_items"' in r.content.decode()
    r = client.post(return_path(submitted), {"scope": "items", "items": [ITEM], "reason": " "})
    assert r.status_code == 200
    assert "checked" in r.content.decode().split('id="ret-A-p-m-1-a"')[1][:20]
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


@pytest.mark.parametrize("persona", ["operator", "unit_head", "viewer"])
def test_unit_users_cannot_return(client_for, world, submitted, persona):
    client = client_for(world[persona])
    assert client.get(return_path(submitted)).status_code == 404
    r = client.post(return_path(submitted), {"scope": "all", "reason": "x"})
    assert r.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_a_draft_cannot_be_returned(client_for, world, assessment):
    client = client_for(world["tpi_reviewer"])
    page = client.get(return_path(assessment)).content.decode()
    assert 'data-testid="return-refusal"' in page
    r = client.post(return_path(assessment), {"scope": "all", "reason": "x"})
    assert r.status_code == 200
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_a_reviewer_of_another_tier_cannot_return_in_a_tier_not_theirs(world, submitted):
    with pytest.raises(PermissionDenied):
        sheet_return(
            actor=world["kanwil_reviewer"],
            assessment=submitted,
            reason="x",
            tier=world.tier_tpi,
        )


def test_review_pages_carry_no_inline_scripts_or_styles(client_for, world, submitted):
    client = client_for(world["tpi_reviewer"])
    for path in (
        review_path(submitted),
        review_path(submitted, "tpi", "?s=all"),
        return_path(submitted),
    ):
        html = client.get(path).content.decode()
        assert "<style" not in html
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith("src="), path
