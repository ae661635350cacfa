"""The TPI part in Chromium: the TPI's lead records a gate, overrides the Hasil gate and
closes stage 1 on the review page, then holds a panel meeting, proposes the unit to TPN and
confirms the minutes; the panel page on a phone.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder> (laptop 1366 px and phone 390 px).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.workflow.models import TpiDecision, TpiPanel
from zona.workflow.selectors.tpi import panel_recommended
from zona.workflow.services.tpi import FactInput, tpi_fact_record
from zona.workflow.tests.tpi_fixtures import setup_tpi, to_tpi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gates_stage_and_panel_in_the_browser(chain_world, page, phone_page, login, screenshot):
    cw = chain_world
    gates = setup_tpi(cw)
    review = to_tpi(cw)
    lead = cw["tpi_reviewer"]
    for code, value in (("sakip-wbk", "B"), ("lhkpn-lhkasn", "yes")):
        tpi_fact_record(
            actor=lead, review=review, gate=gates[code], data=FactInput(value, "LHE SAKIP")
        )
    a = cw.assessment
    base = page.base_url
    login(page, "tpi_reviewer", DEFAULT_PASSWORD)

    # The review page: the Hasil gate fails first; override it, record the audit follow-up.
    page.goto(base + reverse("workflow:review_tier", args=[a.pk, "tpi"]))
    hasil = page.get_by_test_id("tpi-gate-hasil-minimum")
    expect(hasil).to_contain_text("Tidak terpenuhi")
    hasil.locator("input[name=reason]").fill("Survei ulang IPKP telah divalidasi Itjen")
    hasil.locator("button[type=submit]").click()
    expect(page.get_by_test_id("tpi-gate-hasil-minimum")).to_contain_text("Dikecualikan")
    tlhp = page.get_by_test_id("tpi-gate-tlhp")
    tlhp.locator("input[name=value]").fill("100")
    tlhp.locator("input[name=source]").fill("Laporan TLHP semester II")
    tlhp.get_by_role("button", name="Catat").click()
    expect(page.get_by_test_id("tpi-gate-tlhp")).to_contain_text("Terpenuhi")
    page.fill("#tpi-reason", "Tidak ada temuan yang perlu dikembalikan")
    page.click("button[value=skip_findings]")
    expect(page.get_by_test_id("tpi-stage")).to_contain_text("Tahap 2")
    screenshot(page, "tpi-review-panel")

    # The panel: a meeting, a decision, the minutes, confirmation.
    page.goto(base + reverse("workflow:tpi_panels", args=[cw.period.pk]))
    page.fill("input[name=title]", "Rapat Pleno TPI")
    page.fill("input[name=held_on]", timezone.localdate().isoformat())
    page.fill("input[name=place]", "Ruang Rapat Itjen")
    page.select_option("select[name=chair]", str(lead.pk))
    page.check(f"input[name=present][value='{lead.pk}']")
    screenshot(page, "tpi-panels")
    page.click("[data-testid=tpi-panel-form] button[type=submit]")
    expect(page.get_by_test_id("panel-status")).to_have_attribute("data-status", "draft")
    row = page.get_by_test_id("row-KC-BDG")
    row.locator("input[value=yes]").check()
    row.locator("textarea[name=reason]").fill("Semua gerbang terpenuhi; layak diusulkan")
    row.get_by_role("button", name="Catat keputusan").click()
    expect(page.get_by_test_id("row-KC-BDG").get_by_test_id("decision")).to_contain_text(
        "Usulkan ke TPN"
    )
    page.fill("textarea[name=minutes]", "Rapat memutuskan mengusulkan Satker Bandung ke TPN.")
    page.click("[data-testid=panel-form] button[type=submit]")
    page.click("[data-testid=panel-confirm] button[type=submit]")
    expect(page.get_by_test_id("panel-status")).to_have_attribute("data-status", "confirmed")
    screenshot(page, "tpi-panel")
    panel = TpiPanel.objects.get()
    assert panel.status == "confirmed"
    assert TpiDecision.objects.get().propose
    assert panel_recommended(cw.period) == [a]

    login(phone_page, "tpi_reviewer", DEFAULT_PASSWORD)
    phone_page.goto(phone_page.base_url + reverse("workflow:tpi_panel", args=[panel.pk]))
    expect(phone_page.get_by_test_id("panel-rows")).to_contain_text("Satker Bandung")
    screenshot(phone_page, "tpi-panel-phone")
