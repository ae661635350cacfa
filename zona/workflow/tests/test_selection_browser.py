"""The selection round in Chromium: the agency administrator creates a round after Kanwil
(a quota over 100 is refused first), the sheets complete at Kanwil, the preview ranks them
per team, an override without justification is refused and one with it is kept, the round
is confirmed and closed, and the next tier opens for the selected.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder> (laptop 1366 px and phone 390 px).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.workflow.models import TierReviewStatus
from zona.workflow.models.selection import SelectionOverride, SelectionRound
from zona.workflow.tests.selection_fixtures import reach_kanwil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_preview_override_confirm_close(
    chain_world, page, phone_page, login, screenshot
) -> None:
    cw = chain_world
    base = page.base_url
    login(page, "agency_admin", DEFAULT_PASSWORD)

    # Create the round after Kanwil; a quota over 100 is refused first.
    page.goto(base + reverse("workflow:selection_rounds", args=[cw.period.pk]))
    page.select_option("select[name=step]", str(cw.steps["kanwil"].pk))
    page.fill("input[name=quota_percent]", "150")
    page.click("[data-testid=round-create-submit]")
    expect(page.get_by_test_id("error-quota_percent")).to_be_visible()
    assert not SelectionRound.objects.exists()
    page.fill("input[name=quota_percent]", "50")
    screenshot(page, "selection-create")
    page.click("[data-testid=round-create-submit]")
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "draft")
    rnd = SelectionRound.objects.get()

    # The sheets reach Kanwil and complete there; the next tier waits for the round.
    sheets = reach_kanwil(cw)
    assert cw.review("eselon1", sheets["KC-BDG"]).status == TierReviewStatus.WAITING
    page.reload()
    expect(page.get_by_test_id("row-KC-BDG")).to_have_attribute("data-selected", "1")
    expect(page.get_by_test_id("row-KC-BGR")).to_have_attribute("data-why", "over_quota")
    page.click("[data-testid=sort-rank]")
    expect(page.locator("[data-testid=round-preview] tbody tr").first).to_have_attribute(
        "data-testid", "row-KC-BDG"
    )
    screenshot(page, "selection-preview")

    # An override without justification is refused; with one it is kept and shown.
    page.select_option("#ov-unit", str(sheets["KC-BGR"].pk))
    page.select_option("#ov-decision", "include")
    page.click("[data-testid=override-submit]")
    expect(page.get_by_test_id("error-justification")).to_be_visible()
    assert not SelectionOverride.objects.exists()
    page.fill("#ov-justification", "Kantor di wilayah perbatasan dengan layanan unggulan.")
    page.click("[data-testid=override-submit]")
    expect(page.get_by_test_id("row-KC-BGR")).to_have_attribute("data-why", "included")
    expect(page.get_by_test_id("override-note-KC-BGR")).to_contain_text("perbatasan")
    screenshot(page, "selection-override")

    # Confirm, then close.
    page.click("[data-testid=round-confirm]")
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "confirmed")
    page.click("[data-testid=round-close]")
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "closed")
    screenshot(page, "selection-closed")
    assert cw.review("eselon1", sheets["KC-BGR"]).status == TierReviewStatus.OPEN
    assert cw.review("eselon1", sheets["KC-SBY"]).status == TierReviewStatus.OPEN

    # The round on a phone, as the Kanwil lead sees it.
    login(phone_page, "kanwil_reviewer", DEFAULT_PASSWORD)
    phone_page.goto(base + reverse("workflow:selection_round", args=[rnd.pk]))
    expect(phone_page.get_by_test_id("round-status")).to_have_attribute("data-status", "closed")
    screenshot(phone_page, "selection-round-phone")
