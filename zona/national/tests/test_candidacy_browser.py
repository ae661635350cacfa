"""In Chromium: Satker Bandung's operator records the declaration on the unit's page (an
echelon IV signer is refused beside the field), imports the roster and signs a pact; the
head of Ditjen Pelayanan designates the unit; the unit head reads it on a phone.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/national`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD, World
from zona.national.models import Candidacy, Declaration, IntegrityPact
from zona.national.tests.test_candidacy import NIP, PDF, YEAR, answer_all, es1_head

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = (
    "nama,nip,jabatan\n"
    "Ani Lestari,198601012010012001,Analis Keimigrasian\n"
    "Budi Hartono,198702022011011002,Pengadministrasi Umum\n"
)


def test_declaration_pacts_and_designation_on_the_unit_page(
    page, phone_page, login, world: World, screenshot, tmp_path
):
    charter = tmp_path / "piagam.pdf"
    charter.write_bytes(PDF)
    roster = tmp_path / "pegawai.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    url = f"/units/{world.bandung.pk}/zi/?year={YEAR}"

    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(page.base_url + url)
    expect(page.get_by_test_id("not-candidate")).to_be_visible()
    expect(page.get_by_test_id("declaration-state")).to_have_text("Belum dicanangkan")
    form = page.get_by_test_id("declaration-form")
    form.locator("#id_declared_on").fill((timezone.localdate() - dt.timedelta(days=5)).isoformat())
    form.locator("#id_signer_name").fill("Budi Santoso")
    form.locator("#id_signer_nip").fill(NIP)
    form.locator("#id_signer_position").fill("Kepala Kantor Imigrasi")
    form.locator("#id_signer_echelon").select_option("4")
    form.locator("#id_charter").set_input_files(str(charter))
    form.get_by_role("button", name="Simpan pencanangan").click()
    expect(page.locator("#id_signer_echelon_error")).to_be_visible()
    screenshot(page, "candidacy-unit-refused")
    assert not Declaration.objects.exists()

    form = page.get_by_test_id("declaration-form")
    form.locator("#id_signer_echelon").select_option("3")
    form.locator("#id_charter").set_input_files(str(charter))
    form.get_by_role("button", name="Simpan pencanangan").click()
    expect(page.get_by_test_id("declaration-state")).to_have_text("Sudah dicanangkan")
    expect(page.get_by_test_id("charter-link")).to_have_text("piagam.pdf")

    page.get_by_test_id("pacts-link").click()
    page.get_by_test_id("roster-upload").locator("input[type=file]").set_input_files(str(roster))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_test_id("roster-preview")).to_be_visible()
    assert not IntegrityPact.objects.exists()
    page.get_by_test_id("roster-confirm").click()
    row = page.get_by_test_id("pact-198601012010012001")
    expect(row).to_be_visible()
    row.locator("summary").click()
    row.locator("input[type=date]").fill(timezone.localdate().isoformat())
    row.locator("input[type=file]").set_input_files(str(charter))
    row.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("pacts-percent")).to_have_text("50,0%")
    screenshot(page, "candidacy-pacts")

    answer_all(world)
    head = es1_head(world)
    other = page.context.browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="id-ID"
    )
    hpage = other.new_page()
    hpage.base_url = page.base_url
    login(hpage, head.username, DEFAULT_PASSWORD)
    hpage.goto(hpage.base_url + url)
    designate = hpage.get_by_test_id("candidacy-designate")
    designate.locator("#id_target").select_option("WBK")
    designate.get_by_role("button", name="Tetapkan sebagai calon").click()
    expect(hpage.get_by_test_id("candidacy-status")).to_have_attribute("data-status", "designated")
    assert Candidacy.objects.get().target == "WBK"
    screenshot(hpage, "candidacy-unit")
    hpage.goto(hpage.base_url + f"/agencies/{world.agency.pk}/candidates/{YEAR}/")
    expect(hpage.get_by_test_id(f"unit-{world.bandung.code}")).to_contain_text("50,0%")
    screenshot(hpage, "candidacy-agency")
    other.close()

    login(phone_page, "unit_head", DEFAULT_PASSWORD)
    phone_page.goto(phone_page.base_url + url)
    expect(phone_page.get_by_test_id("candidacy-summary")).to_contain_text("WBK")
    expect(phone_page.get_by_test_id("pacts-percent")).to_have_text("50,0%")
    screenshot(phone_page, "candidacy-unit-phone")
