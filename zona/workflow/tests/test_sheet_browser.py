"""In Chromium: the unit head submits from the summary, a reviewer returns the whole sheet,
and the history page shows both, on a laptop and a phone.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/workflow`;
screenshots with ZONA_SCREENSHOTS=<folder>.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import AssessmentStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submit_return_and_the_history(page, phone_page, login, world, assessment, screenshot):
    login(page, "unit_head", DEFAULT_PASSWORD)
    page.goto(page.base_url + reverse("workflow:sheet_submit", args=[assessment.pk]))
    expect(page.locator("[data-testid=sheet-status], [data-status=draft]").first).to_be_visible()
    screenshot(page, "sheet-laptop-summary", full_page=False)
    page.locator("#confirm").check()
    page.locator("[data-testid=submit-button]").click()
    page.wait_for_url(re.compile(rf"/assessments/{assessment.pk}/$"))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    login(phone_page, "tpi_reviewer", DEFAULT_PASSWORD)
    phone_page.goto(phone_page.base_url + reverse("workflow:sheet_return", args=[assessment.pk]))
    phone_page.locator("#scope-all").check()
    phone_page.locator("#return-reason").fill("Lengkapi data dukung seluruh butir.")
    screenshot(phone_page, "sheet-phone-return", full_page=False)
    phone_page.locator("[data-testid=return-submit]").click()
    phone_page.wait_for_load_state()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED

    page.goto(page.base_url + reverse("workflow:sheet_timeline", args=[assessment.pk]))
    events = page.locator("[data-testid=workflow-events] li")
    expect(events).to_have_count(2)
    assert "Lengkapi data dukung" in events.nth(1).inner_text()
    assert events.nth(1).get_attribute("data-action") == "returned"
    screenshot(page, "sheet-laptop-timeline")
    phone_page.goto(phone_page.base_url + reverse("workflow:sheet_timeline", args=[assessment.pk]))
    expect(phone_page.locator("[data-testid=workflow-events] li")).to_have_count(2)
    screenshot(phone_page, "sheet-phone-timeline")
