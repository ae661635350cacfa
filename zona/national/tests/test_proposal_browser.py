"""The proposal page in Chromium: the agency administrator starts the draft, fills the letter,
ticks the units the TPI panel recommended, previews the package, submits to the TPN and sees
the nominations and the documents; the page on a phone.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser` on this file;
screenshots with ZONA_SCREENSHOTS=<folder> (laptop 1366 px and phone 390 px).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.national.models import Nomination, Proposal, ProposalStatus
from zona.national.tests.proposal_fixtures import LETTER, build_proposal_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_proposal_page(world, page, phone_page, login, screenshot):
    pw = build_proposal_world(world)
    pw.world.bogor.candidacies.all().delete()  # Bogor is no candidate: its line says so
    url = f"{page.base_url}/agencies/{world.agency.pk}/proposals/{pw.year}/"
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(url)
    page.get_by_test_id("start-draft").click()
    expect(page.get_by_test_id("proposal-status")).to_have_text("Draf")
    page.fill("#id_letter_number", LETTER["letter_number"])
    page.fill("#id_letter_date", f"{pw.year}-05-20")
    page.fill("#id_signer_name", LETTER["signer_name"])
    page.fill("#id_signer_nip", LETTER["signer_nip"])
    page.fill("#id_signer_title", LETTER["signer_title"])
    for code in ("KC-BDG", "KC-BGR", "KC-SBY"):
        page.get_by_test_id(f"unit-{code}").locator("input[type=checkbox]").check()
    page.get_by_test_id("save").click()
    bogor = page.get_by_test_id("unit-KC-BGR")
    expect(bogor).to_contain_text(f"bukan calon unit tahun {pw.year}")
    expect(page.get_by_test_id("submit")).to_be_disabled()
    screenshot(page, "proposal-draft-refused")
    # Leave Bogor out: the proposal may go.
    bogor.locator("input[type=checkbox]").uncheck()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("submit")).to_be_enabled()
    page.get_by_test_id("generate").click()
    expect(page.get_by_test_id("documents")).to_contain_text("surat-usulan-kc")
    screenshot(page, "proposal-draft")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("proposal-status")).to_have_text("Dikirim ke TPN")
    expect(page.get_by_test_id("nomination-KC-BDG")).to_contain_text("Seleksi administrasi")
    expect(page.get_by_test_id("left-out-KC-BGR")).to_contain_text("bukan calon unit")
    expect(page.get_by_test_id("doc-lke_xlsx").first).to_be_visible()
    screenshot(page, "proposal-submitted")
    proposal = Proposal.objects.get(agency=world.agency, year=pw.year)
    assert proposal.status == ProposalStatus.SUBMITTED
    assert sorted(Nomination.objects.values_list("unit__code", flat=True)) == ["KC-BDG", "KC-SBY"]

    login(phone_page, "agency_admin", DEFAULT_PASSWORD)
    phone_page.goto(url)
    expect(phone_page.get_by_test_id("nominations")).to_be_visible()
    screenshot(phone_page, "proposal-submitted-phone")
