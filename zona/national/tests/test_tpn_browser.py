"""The TPN's stage page in Chromium: the TPN member opens the queue, passes a nomination
"with notes", the unit head sends the corrected letter, the TPN accepts it and the
nomination moves on to desk evaluation; the page on a phone.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder> (laptop 1366 px and phone 390 px).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import PDF_BYTES, load_mini, make_assessment, make_period
from zona.national.models import FollowUpItem, NominationStatus
from zona.national.tests.tpn_fixtures import nominate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tpn_stage_page(world, page, phone_page, login, screenshot, tmp_path):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheet = make_assessment(period, world.bandung)
    Assessment.objects.filter(pk=sheet.pk).update(status=AssessmentStatus.SUBMITTED)
    n = nominate(Assessment.objects.get(pk=sheet.pk), by=world["agency_admin"])
    base = page.base_url
    login(page, "tpn", DEFAULT_PASSWORD)

    page.goto(base + reverse("national:tpn_queue"))
    row = page.get_by_test_id("tpn-row-KC-BDG")
    expect(row).to_contain_text("Seleksi administrasi")
    screenshot(page, "tpn-queue")
    row.get_by_role("link").click()
    expect(page.get_by_test_id("nomination-stage")).to_contain_text("Seleksi administrasi")
    page.fill("#d-notes", "Surat usulan belum ditandatangani")
    page.select_option("#fk-1", "letter")
    page.fill("#fr-1", "Kirim surat usulan yang ditandatangani pimpinan")
    page.get_by_test_id("act-pass_with_notes").click()
    expect(page.get_by_test_id("nomination-stage")).to_contain_text("Lulus dengan catatan")
    expect(page.get_by_test_id("follow-up-letter")).to_contain_text("Menunggu unit")
    expect(page.get_by_test_id("stage-pass_with_notes")).to_contain_text("Lulus dengan catatan")
    screenshot(page, "tpn-nomination")

    # The unit head sends the corrected letter on the same page.
    letter = tmp_path / "surat.pdf"
    letter.write_bytes(PDF_BYTES)
    login(phone_page, "unit_head", DEFAULT_PASSWORD)
    phone_page.goto(base + reverse("national:nomination", args=[n.pk]))
    expect(phone_page.get_by_test_id("tpn-actions")).to_have_count(0)
    phone_page.get_by_test_id("follow-up-letter").locator("input[type=file]").set_input_files(
        str(letter)
    )
    phone_page.get_by_test_id("follow-up-letter").get_by_role("button", name="Kirim").click()
    expect(phone_page.get_by_test_id("follow-up-letter")).to_contain_text("Terkirim")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "tpn-nomination-phone")

    # The TPN accepts it: the follow-up is complete and desk evaluation begins.
    page.reload()
    page.get_by_test_id("accept-letter").click()
    expect(page.get_by_test_id("nomination-stage")).to_contain_text("Desk evaluation")
    n.refresh_from_db()
    assert n.status == NominationStatus.DESK
    assert FollowUpItem.objects.get(nomination=n).accepted_at is not None
