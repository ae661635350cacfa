"""End to end in Chromium: filling the LKE with evidence, scores, conflicts, submission.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/assessments`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils.formats import number_format
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer, AssessmentStatus, EvidenceLink
from zona.assessments.selectors import load_sheet_state, sheet_scores
from zona.assessments.services import answer_save, evidence_upload
from zona.assessments.tests.factories import PDF_BYTES, pdf_file, png_bytes
from zona.frameworks.scoring import round_half_up, score
from zona.frameworks.selectors import compiled_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shot(screenshot):
    return lambda page, name: screenshot(page, f"browser-{name}", full_page=False)


def open_sheet(page, assessment, section: str = "") -> None:
    query = f"?s={section}" if section else ""
    # goto waits for the load event: the page's scripts have run and bound the forms.
    page.goto(f"{page.base_url}/assessments/{assessment.pk}/{query}")


def card(page, code: str):
    return page.locator(f"#item-{code.replace('.', '-')}")


def wait_saved(page, code: str) -> None:
    page.wait_for_selector(f"#status-{code.replace('.', '-')}[data-state=saved]")


def total(page) -> str:
    return page.locator("#zona-side [data-testid=total-score]").first.inner_text().strip()


def id_number(value: Decimal) -> str:
    from django.utils import translation

    with translation.override("id"):
        return number_format(round_half_up(value), 2)


def test_operator_fills_every_answer_type_with_evidence_and_the_head_submits(
    page, browser, live_server, login, world, assessment, shot
):
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(page.base_url + "/assessments/")
    page.get_by_role("link", name="Satker Bandung").click()
    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    assert total(page) == "0,00"

    # YN and ABC: a click saves, the scores follow.
    card(page, "A.p.m.1.a").get_by_label(re.compile("^Ya")).check()
    wait_saved(page, "A.p.m.1.a")
    assert total(page) == "5,00"  # (1 + 0) / 2 x 10 for the team sub-area
    card(page, "A.p.m.1.b").get_by_label(re.compile("^A ")).check()
    wait_saved(page, "A.p.m.1.b")
    # The sub-area heading updated out of band: 10 / 10.
    assert "10,00 / 10,00" in page.locator("#score-A-p-m-1").inner_text()
    # ABCD, ABCDE and a note typed like a person types.
    card(page, "A.p.m.2.a").get_by_label(re.compile("^B ")).check()
    wait_saved(page, "A.p.m.2.a")
    card(page, "A.p.m.2.b").get_by_label(re.compile("^C ")).check()
    wait_saved(page, "A.p.m.2.b")
    note = card(page, "A.p.m.2.b").locator("textarea")
    note.click()
    note.press_sequentially("Monev dilakukan tiap semester.", delay=10)
    # The last key left the item "unsaved"; the debounced save turns it "saved".
    wait_saved(page, "A.p.m.2.b")
    assert Answer.objects.get(item_code="A.p.m.2.b").note == "Monev dilakukan tiap semester."
    shot(page, "laptop-area1")

    # PCT: the percentage is shown while typing, the score after saving.
    open_sheet(page, assessment, "A.r.m")
    pct = card(page, "A.r.m.1.a")
    pct.get_by_label("Jumlah agen").fill("10")
    pct.get_by_label("Perubahan yang dibuat").fill("7")
    assert pct.locator("[data-pct-output]").inner_text() == "70%"
    pct.get_by_label("Perubahan yang dibuat").blur()
    wait_saved(page, "A.r.m.1.a")
    decrease = card(page, "A.r.m.1.b")
    decrease.get_by_label("Tahun lalu").fill("4")
    decrease.get_by_label("Tahun ini").fill("1")
    decrease.get_by_label("Tahun ini").blur()
    wait_saved(page, "A.r.m.1.b")
    assert decrease.locator("[data-pct-output]").inner_text() == "75%"

    # NUM4 with a decimal comma, and the survey report uploaded next to it.
    open_sheet(page, assessment, "B.1")
    index = card(page, "B.1.a")
    index.get_by_label("Indeks (0 sampai 4)").fill("3,61")
    index.get_by_label("Indeks (0 sampai 4)").blur()
    wait_saved(page, "B.1.a")
    assert "15,79" in index.locator("[data-testid='value-B.1.a']").inner_text()
    index.get_by_role("button", name="Tambah data dukung").click()
    page.wait_for_selector("#evidence-dialog")
    page.set_input_files(
        "#ev-files",
        [
            {"name": "laporan-spak.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
            {"name": "foto-survei.png", "mimeType": "image/png", "buffer": png_bytes("green")},
            {"name": "bukan-pdf.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 64},
        ],
    )
    shot(page, "laptop-upload-dialog")
    page.locator("#ev-tab-upload button[type=submit]").click()
    page.wait_for_selector("#evidence-dialog [data-testid=upload-refused]")
    assert "bukan-pdf.pdf" in page.locator("#evidence-dialog").inner_text()
    shot(page, "laptop-upload-result")
    page.locator("#evidence-modal .btn-close").click()
    evidence = index.locator("[data-testid='evidence-B.1.a']")
    assert "laporan-spak" in evidence.inner_text()
    assert "foto-survei" in evidence.inner_text()
    # An image previews inline next to the item.
    index.locator("li", has_text="foto-survei").get_by_role("button", name="Pratinjau").click()
    page.wait_for_selector("#preview-B-1-a img")
    shot(page, "laptop-preview")

    # Reuse the same document on another item from the library.
    other = card(page, "B.1.b")
    other.get_by_label(re.compile("^B ")).check()
    wait_saved(page, "B.1.b")
    other.get_by_role("button", name="Tambah data dukung").click()
    page.wait_for_selector("#evidence-dialog")
    page.get_by_role("tab", name="Dari pustaka").click()
    page.locator("#ev-picker li", has_text="laporan-spak").get_by_role(
        "button", name="Tautkan"
    ).click()
    page.wait_for_selector("#evidence-dialog .alert-success")
    page.locator("#evidence-modal .btn-close").click()
    assert "laporan-spak" in other.locator("[data-testid='evidence-B.1.b']").inner_text()
    assert EvidenceLink.objects.filter(assessment=assessment, unlinked_at__isnull=True).count() == 3

    # The page shows what the engine computes for the stored answers.
    state = load_sheet_state(assessment)
    engine = score(
        compiled_framework(assessment.period.framework), state.layer_values(state.unit_layer)
    )
    assert engine.total == sheet_scores(state).unit.total
    assert total(page) == id_number(engine.total)

    # The unit head reviews the summary and submits.
    head_context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    head = head_context.new_page()
    head.set_default_timeout(10_000)
    head.base_url = live_server.url
    login(head, "unit_head", DEFAULT_PASSWORD)
    head.goto(f"{head.base_url}/assessments/{assessment.pk}/submit/")
    assert head.locator("[data-testid=count-unanswered]").inner_text() == str(14 - 8)
    shot(head, "laptop-summary")
    head.get_by_label(re.compile("Saya mengonfirmasi jumlah")).check()
    head.locator("[data-testid=submit-button]").click()
    expect(head.locator("[data-testid=sheet-status]")).to_have_text("Sudah dikirim")
    assert head.locator("form[data-zona-autosave]").count() == 0
    head_context.close()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_a_working_group_member_cannot_edit_another_area(page, login, world, assessment, shot):
    login(page, "wg_member", DEFAULT_PASSWORD)
    open_sheet(page, assessment, "B.1")
    hasil = card(page, "B.1.b")
    assert hasil.get_attribute("data-zona-autosave") is None
    assert hasil.locator("input[type=radio]").first.is_disabled()
    assert hasil.locator("textarea").is_disabled()
    assert "area B" in hasil.locator("[data-testid=lock-reason]").inner_text()
    assert hasil.get_by_role("button", name="Tambah data dukung").count() == 0
    shot(page, "laptop-working-group-locked")
    open_sheet(page, assessment, "A.p.t")
    own = card(page, "A.p.t.1.a")
    own.get_by_label(re.compile("^A ")).check()
    wait_saved(page, "A.p.t.1.a")
    assert Answer.objects.get(item_code="A.p.t.1.a").updated_by == world["wg_member"]
    assert not Answer.objects.filter(item_code="B.1.b").exists()


def test_two_people_saving_the_same_item_get_a_conflict_not_a_silent_overwrite(
    page, browser, live_server, login, world, assessment, shot
):
    login(page, "operator", DEFAULT_PASSWORD)
    open_sheet(page, assessment)
    # Someone else answers after the operator opened the page.
    answer_save(
        actor=world["wg_member"],
        assessment=assessment,
        item_code="A.p.m.1.b",
        revision=0,
        value="B",
        note="Pendapat Wg",
    )
    item = card(page, "A.p.m.1.b")
    item.get_by_label(re.compile("^A ")).check()
    page.wait_for_selector("[data-testid=conflict]")
    conflict = item.locator("[data-testid=conflict]").inner_text()
    assert "Wg Member" in conflict
    assert "Pendapat Wg" in conflict
    shot(page, "laptop-conflict")
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "B"
    item.get_by_role("button", name="Simpan jawaban saya").click()
    wait_saved(page, "A.p.m.1.b")
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "A"


def test_typing_while_offline_is_kept_and_saved_when_back(page, login, world, assessment):
    login(page, "operator", DEFAULT_PASSWORD)
    open_sheet(page, assessment)
    page.context.set_offline(True)
    note = card(page, "A.p.m.1.a").locator("textarea")
    note.fill("Catatan yang diketik tanpa koneksi")
    note.blur()
    page.wait_for_selector("#status-A-p-m-1-a[data-state=error]")
    page.context.set_offline(False)
    page.wait_for_selector("#status-A-p-m-1-a[data-state=saved]", timeout=20_000)
    assert Answer.objects.get(item_code="A.p.m.1.a").note == "Catatan yang diketik tanpa koneksi"


def test_an_unsaved_draft_survives_a_reload(page, login, world, assessment):
    login(page, "operator", DEFAULT_PASSWORD)
    open_sheet(page, assessment)
    page.context.set_offline(True)
    note = card(page, "A.p.m.1.b").locator("textarea")
    note.fill("Draf yang tidak boleh hilang")
    note.blur()
    page.wait_for_selector("#status-A-p-m-1-b[data-state=error]")
    page.context.set_offline(False)
    # Leave before the retry: the draft is restored from the browser and saved.
    page.evaluate("window.onbeforeunload = null")
    open_sheet(page, assessment)
    page.wait_for_selector("#status-A-p-m-1-b[data-state=saved]", timeout=20_000)
    assert (
        card(page, "A.p.m.1.b").locator("textarea").input_value() == "Draf yang tidak boleh hilang"
    )
    assert Answer.objects.get(item_code="A.p.m.1.b").note == "Draf yang tidak boleh hilang"


def test_the_worksheet_works_on_a_phone(phone_page, login, world, assessment, shot):
    page = phone_page
    doc = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file()).evidence
    assert doc.pk
    login(page, "operator", DEFAULT_PASSWORD)
    open_sheet(page, assessment)
    shot(page, "phone-worksheet")
    page.get_by_role("button", name=re.compile("Area dan nilai")).click()
    page.wait_for_selector("#zona-sheet-side.show")
    shot(page, "phone-navigation")
    page.locator("#zona-sheet-side [data-testid='nav-B.1']").click()
    page.wait_for_url("**/?s=B.1")
    item = card(page, "B.1.b")
    item.get_by_label(re.compile("^A ")).check()
    wait_saved(page, "B.1.b")
    assert page.locator("#zona-phone-total").inner_text() == "5,00"
    shot(page, "phone-saved")
