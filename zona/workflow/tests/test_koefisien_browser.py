"""In Chromium: the agency administrator takes over the starting set of koefisien kinds; a
Kanwil reviewer records a KKN event with its evidence file on Satker Bandung's sheet (a date
in the future is refused beside the field) and sees the score before and after; the unit
head reads the event on a phone, without the internal note.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/workflow`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.workflow.models import KoefisienEvent, KoefisienKind
from zona.workflow.tests.conftest import ChainWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_kinds_then_an_event_then_the_unit_reads_it(
    page, phone_page, login, chain_world: ChainWorld, screenshot, tmp_path
):
    cw = chain_world
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(page.base_url + reverse("workflow:koefisien_kinds", args=[cw.world.agency.pk]))
    expect(page.get_by_test_id("koefisien-kinds-empty")).to_be_visible()
    page.get_by_test_id("koefisien-starters").get_by_role("button").click()
    expect(page.get_by_test_id("kind-kkn-pegawai")).to_be_visible()
    assert KoefisienKind.objects.count() == 3
    screenshot(page, "koefisien-kinds")

    reviewer = page.context.browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="id-ID"
    )
    rpage = reviewer.new_page()
    rpage.base_url = page.base_url
    login(rpage, "kanwil_reviewer", DEFAULT_PASSWORD)
    rpage.goto(rpage.base_url + reverse("workflow:review", args=[cw.assessment.pk]))
    rpage.get_by_test_id("koefisien-panel-link").click()
    form = rpage.get_by_test_id("koefisien-record")
    kind = KoefisienKind.objects.get(code="kkn-pegawai")
    form.locator("#id_kind").select_option(str(kind.pk))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form.locator("#id_occurred_on").fill(tomorrow.isoformat())
    form.locator("#id_source").fill("Putusan PN Bandung No. 12/Pid.Sus-TPK/2026")
    form.locator("#id_note").fill("Pegawai loket terbukti menerima gratifikasi.")
    form.locator("#id_internal_note").fill("Salinan putusan dari Kejari.")
    form.get_by_role("button", name="Catat kejadian").click()
    expect(rpage.get_by_test_id("error-occurred_on")).to_be_visible()
    assert not KoefisienEvent.objects.exists()
    form = rpage.get_by_test_id("koefisien-record")
    form.locator("#id_occurred_on").fill(timezone.localdate().isoformat())
    evidence = tmp_path / "putusan.pdf"
    evidence.write_bytes(PDF)
    form.locator("#id_evidence_file").set_input_files(str(evidence))
    form.get_by_role("button", name="Catat kejadian").click()
    expect(rpage.get_by_test_id("koefisien-event")).to_be_visible()
    expect(rpage.get_by_test_id("koefisien-steps")).to_contain_text("× 0.95")  # noqa: RUF001
    screenshot(rpage, "koefisien-sheet-reviewer")
    rpage.goto(rpage.base_url + reverse("workflow:review", args=[cw.assessment.pk]))
    expect(rpage.get_by_test_id("koefisien-panel")).to_contain_text("Kasus KKN")
    screenshot(rpage, "koefisien-review-page")
    reviewer.close()

    login(phone_page, "unit_head", DEFAULT_PASSWORD)
    phone_page.goto(
        phone_page.base_url + reverse("workflow:koefisien_sheet", args=[cw.assessment.pk])
    )
    expect(phone_page.get_by_test_id("koefisien-event")).to_contain_text("gratifikasi")
    expect(phone_page.get_by_test_id("koefisien-internal")).to_have_count(0)
    expect(phone_page.get_by_test_id("koefisien-record")).to_have_count(0)
    expect(phone_page.get_by_test_id("koefisien-file")).to_be_visible()
    screenshot(phone_page, "koefisien-sheet-unit-phone")
