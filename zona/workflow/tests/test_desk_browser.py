"""The desk part in Chromium: a Kanwil reviewer schedules a desk-evaluation session, records
assistance, validates the survey and makes confirmation links; a respondent confirms on the
public link (once); the unit sees the schedule and moves its follow-up to done.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder> (laptop 1366 px and phone 390 px).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.workflow.models import AssistanceRecord, ConfirmationRequest, DeskSession
from zona.workflow.tests.desk_fixtures import desk_world, feeding_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_evaluation_validation_and_assistance_in_the_browser(
    world, page, phone_page, login, screenshot, settings
):
    settings.ZONA_SURVEY_DRAW_MAX_SHARE = 1.0
    dw = desk_world(world)
    feeding_campaign(world, emails=2, phones=2)
    a = dw.assessment
    base = page.base_url
    login(page, "kanwil_reviewer", DEFAULT_PASSWORD)

    # Schedule a session with working group 1.
    page.goto(base + reverse("workflow:desk_session_new", args=[a.pk]))
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page.select_option("select[name=area]", "1")
    page.fill("input[name=starts_at]", f"{day}T09:00")
    page.fill("input[name=ends_at]", f"{day}T11:00")
    page.fill("input[name=place]", "Ruang Rapat Satker Bandung")
    page.fill("textarea[name=agenda]", "Wawancara area 1")
    page.check(f"input[name=unit_users][value='{world['wg_member'].pk}']")
    screenshot(page, "desk-session-form")
    page.click("[data-testid=desk-session-form] button[type=submit]")
    expect(page.get_by_test_id("desk-status")).to_have_attribute("data-status", "planned")
    page.select_option("#desk-note-item", "A.p.m.1.a")
    page.fill("#desk-note-text", "SK tim belum memuat uraian tugas.")
    page.click("[data-testid=desk-note-form] button[type=submit]")
    expect(page.get_by_test_id("desk-notes")).to_contain_text("uraian tugas")
    page.fill("#desk-outcome-text", "Area 1 lengkap dengan dua perbaikan.")
    page.click("[data-testid=desk-hold]")
    expect(page.get_by_test_id("desk-status")).to_have_attribute("data-status", "held")
    screenshot(page, "desk-session")
    assert DeskSession.objects.get().status == "held"

    # Assistance with a simulated answer.
    page.goto(base + reverse("workflow:desk_assistance", args=[a.pk]))
    page.select_option("#as-item", "A.p.m.1.b")
    page.select_option("#as-check", "incomplete")
    page.fill("#as-sim", "A")
    page.fill("#as-advice", "Lampirkan notulen pemilihan anggota.")
    page.click("[data-testid=assistance-form] button[type=submit]")
    expect(page.get_by_test_id("assistance-A.p.m.1.b")).to_contain_text("100%")
    expect(page.get_by_test_id("simulated-total")).to_be_visible()
    screenshot(page, "desk-assistance")

    # Survey validation: begin, check the report, make links.
    page.goto(base + reverse("workflow:desk_validation", args=[a.pk]))
    page.click("[data-testid=validation-begin] button")
    page.check("#chk-sample_size")
    page.select_option("#report-verdict", "adequate")
    page.click("[data-testid=report-form] button[type=submit]")
    page.fill("#draw-size", "4")
    page.click("[data-testid=draw-form] button[type=submit]")
    expect(page.get_by_test_id("confirm-url")).to_have_count(4)
    expect(page.get_by_test_id("whatsapp-link")).to_have_count(2)
    screenshot(page, "desk-validation")

    # A respondent answers on the public link, once.
    token = ConfirmationRequest.objects.get(call__position=1).token
    phone_page.goto(phone_page.base_url + reverse("workflow:desk_confirm", args=[token]))
    screenshot(phone_page, "desk-confirm-phone")
    phone_page.check("input[name=served][value=yes]")
    phone_page.check("input[name=took_part][value=yes]")
    phone_page.click("[data-testid=confirm-submit]")
    expect(phone_page.get_by_test_id("confirm-message")).to_have_attribute("data-error", "thanks")
    phone_page.goto(phone_page.base_url + reverse("workflow:desk_confirm", args=[token]))
    expect(phone_page.get_by_test_id("confirm-message")).to_have_attribute("data-error", "used")
    page.reload()
    expect(page.get_by_test_id("confirmation-stats")).to_contain_text("100%")

    # The unit's working group sees the schedule (not the notes) and finishes its follow-up.
    login(phone_page, "wg_member", DEFAULT_PASSWORD)
    phone_page.goto(phone_page.base_url + reverse("workflow:desk_list", args=[a.pk]))
    expect(phone_page.get_by_test_id("desk-session")).to_contain_text("Ruang Rapat")
    screenshot(phone_page, "desk-list-phone")
    phone_page.goto(phone_page.base_url + reverse("workflow:desk_assistance", args=[a.pk]))
    phone_page.click("[data-testid='move-A.p.m.1.b-done']")
    expect(phone_page.get_by_test_id("assistance-A.p.m.1.b")).to_contain_text("Selesai")
    screenshot(phone_page, "desk-assistance-phone")
    assert AssistanceRecord.objects.get().status == "done"
