"""The documents in Chromium: the Kanwil reviewer issues the LHE of a sheet and uploads its
signed copy; the unit reads it on a phone; the operator writes the SKM follow-up plan.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/insight`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.insight.models_documents import Lhe, SkmFollowUp
from zona.insight.tests.test_documents import NIP_LEAD, minimal_pdf, sheet
from zona.insight.tests.test_documents_skm import round_
from zona.surveys.tests.conftest import instruments

__all__ = ["instruments", "round_", "sheet"]  # fixtures, used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lhe_and_the_skm_plan_in_the_browser(
    page, phone_page, login, sheet, round_, screenshot, tmp_path
):
    login(page, "kanwil_reviewer", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{sheet.pk}/documents/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dokumen")
    screenshot(page, "documents-sheet-desktop")
    page.get_by_test_id("doc-lhe-open").click()
    expect(page.get_by_test_id("lhe-nip-0")).to_have_value(NIP_LEAD)
    # A second signatory without a NIP in the profile: entered on the form.
    page.locator("input[name=name]").nth(1).fill("Anggota Tim Kanwil")
    page.get_by_test_id("lhe-nip-1").fill("199002022015022002")
    page.get_by_test_id("lhe-issue").click()
    expect(page.get_by_test_id("lhe-number")).to_have_text("LHE-001/KC/2026")
    signed = tmp_path / "lhe-ttd.pdf"
    signed.write_bytes(minimal_pdf())
    page.get_by_test_id("lhe-signed-file").set_input_files(str(signed))
    page.get_by_test_id("lhe-signed-upload").click()
    expect(page.get_by_test_id("lhe-signed")).to_be_visible()
    screenshot(page, "documents-lhe-desktop")
    lhe = Lhe.objects.get()
    assert [s["nip"] for s in lhe.signatories] == [NIP_LEAD, "199002022015022002"]
    assert lhe.has_signed_copy

    login(phone_page, "operator", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/assessments/{sheet.pk}/lhe/{lhe.tier_id}/")
    expect(phone_page.get_by_test_id("lhe-number")).to_have_text("LHE-001/KC/2026")
    expect(phone_page.get_by_test_id("lhe-form")).to_have_count(0)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]
    screenshot(phone_page, "documents-lhe-phone")

    phone_page.goto(f"{phone_page.base_url}/documents/skm/{round_.pk}/")
    expect(phone_page.get_by_test_id("skm-ikm")).to_be_visible()
    form = phone_page.get_by_test_id("skm-plan-form")
    form.locator("textarea[name=action]").first.fill("Sediakan kanal pengaduan daring")
    form.locator("input[name=owner]").first.fill("Kasubbag Umum")
    form.locator("input[name=deadline]").first.fill("2027-03-31")
    phone_page.get_by_test_id("skm-plan-save").click()
    expect(form.locator("textarea[name=action]").first).to_have_value(
        "Sediakan kanal pengaduan daring"
    )
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]
    screenshot(phone_page, "documents-skm-phone")
    assert SkmFollowUp.objects.get().owner == "Kasubbag Umum"
    page.locator("#zona-language").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluation report (LHE)")
    page.goto(f"{page.base_url}/documents/skm/{round_.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community Satisfaction Survey")
    screenshot(page, "documents-skm-desktop-en")
