"""In Chromium: the survey index offered and taken with one click, the summary the unit head
confirms, and evidence shown as submitted to the reviewer.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser <this file>`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer, AssessmentStatus
from zona.assessments.services import (
    evidence_add_revision,
    evidence_link,
    evidence_upload,
)
from zona.assessments.tests.factories import pdf_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shot(screenshot):
    return lambda page, name: screenshot(page, f"integrity-{name}", full_page=False)


@pytest.fixture
def surveys(monkeypatch):
    indices = {"ipak": Decimal("3.39"), "ipkp": Decimal("3.1"), "skm_rounds": 2}
    monkeypatch.setattr("zona.surveys.feed.survey_indices_for", lambda unit, year: indices)
    return indices


def test_index_offer_summary_and_pinned_evidence(
    page, phone_page, login, world, assessment, surveys, shot
):
    uploaded = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file())
    evidence_link(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        evidence=uploaded.evidence,
    )
    # The operator sees IPAK offered beside B.1.a and takes it with one click.
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/?s=B.1")
    offer = page.locator("#item-B-1-a [data-testid=survey-suggestion]")
    offer.wait_for()
    assert "IPAK 3,39" in offer.inner_text()
    shot(page, "offer-desktop")
    assert not Answer.objects.filter(item_code="B.1.a").exists()
    offer.locator("[data-testid=take-survey-suggestion]").click()
    page.wait_for_selector("#item-B-1-a input[name=value][value='3,39']")
    assert Answer.objects.get(item_code="B.1.a").value == "3.39"

    # The unit head confirms the counts on the summary and submits.
    login(phone_page, "unit_head", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/assessments/{assessment.pk}/submit/")
    phone_page.locator("[data-testid=confirm-counts]").wait_for()
    shot(phone_page, "summary-phone")
    phone_page.locator("#confirm").check()
    phone_page.locator("[data-testid=submit-button]").click()
    # Submitted, the summary sends the head back to the sheet.
    phone_page.wait_for_url(f"**/assessments/{assessment.pk}/")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    phone_page.goto(f"{phone_page.base_url}/assessments/{assessment.pk}/submit/")
    phone_page.locator("[data-testid=submitted-summary]").wait_for()
    shot(phone_page, "submitted-phone")

    # The file is replaced after submission; the reviewer still sees the submitted one.
    evidence_add_revision(
        actor=world["operator"], evidence=uploaded.evidence, file=pdf_file(extra=b"v2")
    )
    page.context.clear_cookies()
    login(page, "tpi_reviewer", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/review/?s=A.p.m")
    changed = page.locator("#item-A-p-m-1-a [data-testid=changed-after-submission]")
    changed.wait_for()
    changed.scroll_into_view_if_needed()
    shot(page, "pinned-review-desktop")
    href = page.locator("#item-A-p-m-1-a [data-testid='evidence-A.p.m.1.a'] a").first
    assert f"/{uploaded.revision.pk}/" in (href.get_attribute("href") or "")
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/review/?s=B.1")
    info = page.locator("#item-B-1-a [data-testid=survey-info]")
    info.wait_for()
    assert "IPAK 3,39" in info.inner_text()
    shot(page, "review-index-desktop")


def test_the_agency_requires_complete_sheets_on_the_period_form(
    page, login, world, assessment, shot
):
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/periods/{assessment.period.pk}/edit/")
    box = page.locator("#id_require_complete")
    box.scroll_into_view_if_needed()
    shot(page, "period-form-desktop")
    box.check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/assessments/periods/{assessment.period.pk}/")
    assessment.period.refresh_from_db()
    assert assessment.period.require_complete
