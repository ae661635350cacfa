"""The whole national path of issue 11 in Chromium ("Done when"), as the people who do it:

1. the unit operator records the declaration with the signed charter;
2. the head of Ditjen Pelayanan (echelon I) designates Satker Bandung a WBK candidate;
3. the national administrator opens the year's proposals until 31 December;
4. the agency administrator names the agency head as the one who submits, prepares the
   proposal of the unit the TPI panel recommended with its package (the letter's DOCX
   downloaded and read as a DOCX, the SPTJM's PDF read as a PDF); the agency head submits it;
5. the TPN passes the administrative selection "with notes", the unit head sends the
   corrected letter, the TPN accepts it;
6. desk evaluation: the TPN answers an item in its own layer of the sheet;
7. field evaluation: scheduled, visited, findings recorded;
8. clearance: the KPK and the Ombudsman clear the unit;
9. determination: WBK with the decree's number and date; the predicate is in the register;
10. monitoring two years later: the monitor (an echelon-I compliance team) starts the round,
    links the current sheet and recommends revocation;
11. the TPN revokes the predicate (grounds, source, confirmation with the TPI, decision date);
12. a re-proposal in the next PMPZI is refused inside the block, saying until when; the
    unit head reads the attempt, the predicate and the block in the unit's history.

Only the world is built by services (`whole_path_fixtures`): the personas, the sheet that
reached a confirmed TPI panel, the eligibility answers, the monitor's assignment, and the
clock's moves no page makes (the monitoring round due two years after the decree, the next
year's recommended sheet). Every step of the path goes through the pages, in Indonesian.

Dates: a TPN stage may not be dated before the proposal's submission nor in the future, and
a revocation may not be dated in the future, so the stages, the decree and the revocation
fall on today; the monitoring round is the one due two years after the decree.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser <this file>`;
screenshots with ZONA_SCREENSHOTS=<folder>.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer
from zona.assessments.tests.factories import PDF_BYTES
from zona.national.models import (
    Candidacy,
    Declaration,
    Nomination,
    NominationStatus,
    Predicate,
    PredicateStatus,
    Proposal,
    ProposalStatus,
)
from zona.national.selectors.core import revocation_block
from zona.national.tests.test_candidacy import NIP
from zona.national.tests.whole_path_fixtures import (
    build_path_world,
    monitor_world,
    next_year_world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "A.p.m.1.a"  # the item the TPN answers in its layer
DECREE = "B/412/M.PAN-RB/12/2026"


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(20_000)  # two cores shared with other work
    page.base_url = live_server.url
    return page


@pytest.fixture
def people(browser, live_server, login):
    """One signed-in page per person, opened on first use, closed at the end."""
    pages: dict[str, object] = {}

    def page_of(username: str):
        if username not in pages:
            page = new_page(browser, live_server)
            login(page, username, DEFAULT_PASSWORD)
            pages[username] = page
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()  # type: ignore[attr-defined]


def go(page, url: str) -> None:
    page.goto(page.base_url + url)


def fill_letter(page, number: str, day: str) -> None:
    page.fill("#id_letter_number", number)
    page.fill("#id_letter_date", day)
    page.fill("#id_signer_name", "Dr. Siti Rahma")
    page.fill("#id_signer_nip", "197001011995032001")
    page.fill("#id_signer_title", "Sekretaris Jenderal")


def stage(page):
    return page.get_by_test_id("nomination-stage")


def test_the_whole_national_path(world, people, screenshot, tmp_path):
    shot = lambda page, name: screenshot(page, f"path-{name}")  # noqa: E731
    pw = build_path_world(world)
    year, unit = pw.year, world.bandung
    today = timezone.localdate()
    charter = tmp_path / "piagam-pencanangan.pdf"
    charter.write_bytes(PDF_BYTES)
    letter = tmp_path / "surat-usulan-ttd.pdf"
    letter.write_bytes(PDF_BYTES)
    zi_url = reverse("national:zi_unit", args=[unit.pk]) + f"?year={year}"

    # --- 1. The operator records the declaration with the signed charter ------------------
    operator = people("operator")
    go(operator, zi_url)
    expect(operator.get_by_test_id("declaration-state")).to_have_text("Belum dicanangkan")
    form = operator.get_by_test_id("declaration-form")
    form.locator("#id_declared_on").fill(f"{year}-01-15")
    form.locator("#id_signer_name").fill("Budi Santoso")
    form.locator("#id_signer_nip").fill(NIP)
    form.locator("#id_signer_position").fill("Kepala Kantor Imigrasi Bandung")
    form.locator("#id_signer_echelon").select_option("3")
    form.locator("#id_charter").set_input_files(str(charter))
    form.get_by_role("button", name="Simpan pencanangan").click()
    expect(operator.get_by_test_id("declaration-state")).to_have_text("Sudah dicanangkan")
    expect(operator.get_by_test_id("charter-link")).to_have_text("piagam-pencanangan.pdf")
    shot(operator, "01-declaration")
    assert Declaration.objects.get(unit=unit, year=year).file_name == "piagam-pencanangan.pdf"

    # --- 2. The echelon-I head designates the unit ---------------------------------------------
    es1 = people("es1_head")
    go(es1, zi_url)
    designate = es1.get_by_test_id("candidacy-designate")
    designate.locator("#id_target").select_option("WBK")
    designate.get_by_role("button", name="Tetapkan sebagai calon").click()
    expect(es1.get_by_test_id("candidacy-status")).to_have_attribute("data-status", "designated")
    shot(es1, "02-candidate")
    assert Candidacy.objects.get(unit=unit, year=year).target == "WBK"

    # --- 3. The national administrator keeps the year's proposals open -------------------------
    sysadmin = people("sysadmin")
    go(sysadmin, reverse("national:settings_year", args=[year]))
    year_form = sysadmin.get_by_test_id("year-form")
    year_form.locator("#id_proposal_deadline").fill(f"{year}-12-31")
    year_form.get_by_role("button", name="Simpan").click()
    sysadmin.wait_for_url(re.compile(re.escape(reverse("national:settings")) + "$"))
    shot(sysadmin, "03-year-rules")

    # --- 4. The agency administrator proposes the unit with its package ------------------------
    admin = people("agency_admin")
    go(admin, reverse("national:proposals", args=[world.agency.pk]))
    policy = admin.get_by_test_id("proposal-policy")
    policy.locator("#id_proposer").select_option("head")  # the agency head signs and sends
    policy.get_by_role("button", name="Simpan").click()
    expect(admin.get_by_test_id("proposal-policy").locator("#id_proposer")).to_have_value("head")
    proposal_url = reverse("national:proposal", args=[world.agency.pk, year])
    go(admin, proposal_url)
    admin.get_by_test_id("start-draft").click()
    expect(admin.get_by_test_id("proposal-status")).to_have_text("Draf")
    fill_letter(admin, "B-123/KC/XII/2026", today.isoformat())
    admin.get_by_test_id(f"unit-{unit.code}").locator("input[type=checkbox]").check()
    admin.get_by_test_id("save").click()
    expect(admin.get_by_test_id("submit-problems")).to_have_count(0)
    expect(admin.get_by_test_id("proposer-note")).to_be_visible()  # only the head submits
    admin.get_by_test_id("generate").click(timeout=60_000)  # DOCX and PDF made on the spot
    documents = admin.get_by_test_id("documents")
    expect(documents.get_by_test_id("doc-letter_docx")).to_be_visible()
    expect(documents.get_by_test_id("doc-sptjm_pdf")).to_be_visible()
    expect(documents.get_by_test_id("doc-lke_xlsx")).to_be_visible()
    with admin.expect_download() as download_info:
        documents.get_by_test_id("doc-letter_docx").click()
    docx = download_info.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert "word/document.xml" in package.namelist()
        assert "B-123/KC/XII/2026" in package.read("word/document.xml").decode()
    sptjm = admin.context.request.get(
        admin.base_url + documents.get_by_test_id("doc-sptjm_pdf").get_attribute("href")
    )
    assert sptjm.ok
    assert sptjm.body().startswith(b"%PDF")
    shot(admin, "04-proposal-package")
    agency_head = people("agency_head")
    go(agency_head, proposal_url)
    agency_head.get_by_test_id("submit").click(timeout=60_000)  # the package is made again
    expect(agency_head.get_by_test_id("proposal-status")).to_have_text("Dikirim ke TPN")
    expect(agency_head.get_by_test_id(f"nomination-{unit.code}")).to_contain_text(
        "Seleksi administrasi"
    )
    shot(agency_head, "05-proposal-submitted")
    assert Proposal.objects.get(agency=world.agency, year=year).status == ProposalStatus.SUBMITTED
    nomination = Nomination.objects.get(unit=unit, year=year)
    nomination_url = reverse("national:nomination", args=[nomination.pk])

    # --- 5. Administrative selection "with notes" and its follow-up -----------------------------
    tpn = people("tpn")
    go(tpn, reverse("national:tpn_queue"))
    row = tpn.get_by_test_id(f"tpn-row-{unit.code}")
    expect(row).to_contain_text("Seleksi administrasi")
    shot(tpn, "06-tpn-queue")
    row.get_by_role("link").first.click()
    tpn.wait_for_url(re.compile(re.escape(nomination_url)))
    tpn.fill("#d-notes", "Surat usulan belum ditandatangani pimpinan.")
    tpn.select_option("#fk-1", "letter")
    tpn.fill("#fr-1", "Kirim surat usulan yang sudah ditandatangani.")
    tpn.get_by_test_id("act-pass_with_notes").click()
    expect(stage(tpn)).to_contain_text("Lulus dengan catatan")
    expect(tpn.get_by_test_id("follow-up-letter")).to_contain_text("Menunggu unit")
    shot(tpn, "07-passed-with-notes")

    head = people("unit_head")
    go(head, nomination_url)
    item = head.get_by_test_id("follow-up-letter")
    item.locator("input[type=file]").set_input_files(str(letter))
    item.get_by_role("button", name="Kirim").click()
    expect(head.get_by_test_id("follow-up-letter")).to_contain_text("Terkirim")
    shot(head, "08-follow-up-sent")

    tpn.reload()
    tpn.get_by_test_id("accept-letter").click()
    expect(tpn.get_by_test_id("follow-up-letter")).to_contain_text("Diterima")
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.DESK
    shot(tpn, "09-follow-up-accepted")

    # --- 6. Desk evaluation: the TPN answers an item in its layer --------------------------------
    # The TPN finds the sheet on its review queue (the nomination page links the worksheet).
    go(tpn, reverse("workflow:comments_queue"))
    queue_row = tpn.get_by_test_id("queue-row").filter(has_text=unit.name)
    expect(queue_row).to_have_count(1)
    queue_row.get_by_role("link", name=unit.name).click()
    tpn.wait_for_url(
        re.compile(re.escape(reverse("workflow:review_tier", args=[pw.sheet.pk, "tpn"])))
    )
    expect(tpn.get_by_test_id("my-tier")).to_have_text("TPN")
    card = tpn.locator(f"#item-{ITEM.replace('.', '-')}")
    card.get_by_label(re.compile("^Tidak")).check()
    tpn.wait_for_selector(f"#status-{ITEM.replace('.', '-')}[data-state=saved]")
    expect(card.locator("[data-layer=tpn][data-differs]")).to_have_count(1)  # the unit: "Ya"
    tpn_answer = Answer.objects.get(
        layer__assessment=pw.sheet, layer__tier=world.tier_tpn, item_code=ITEM
    )
    assert tpn_answer.value == "Tidak"
    shot(tpn, "10-desk-layer")
    go(tpn, nomination_url)
    field = tpn.get_by_test_id("field")
    field.locator("#fe-date").fill(today.isoformat())
    field.locator("#fe-mode").select_option("visit")
    field.locator("#fe-place").fill("Kantor Imigrasi Bandung")
    field.get_by_test_id("field-save").click()
    expect(tpn.get_by_test_id("field")).to_contain_text("Kantor Imigrasi Bandung")
    tpn.fill("#d-notes", "Evaluasi dokumen selesai; satu butir TPN berbeda dari jawaban unit.")
    tpn.get_by_test_id("act-desk_done").click()
    expect(tpn.get_by_test_id("stage-desk_done")).to_be_visible()

    # --- 7. Field evaluation --------------------------------------------------------------------
    field = tpn.get_by_test_id("field")
    field.locator("#fe-int").fill("Kepala kantor, dua petugas loket paspor, tiga pemohon.")
    field.locator("#fe-obs").fill("Antrean tertib; papan maklumat pelayanan terpasang.")
    field.locator("#fe-find").fill("Standar pelayanan dipenuhi; SK tim perlu diperbarui.")
    field.get_by_test_id("field-save").click()
    expect(tpn.get_by_test_id("field")).to_contain_text("Standar pelayanan dipenuhi")
    tpn.get_by_test_id("act-field_done").click()
    expect(tpn.get_by_test_id("stage-field_done")).to_be_visible()
    shot(tpn, "11-field-done")

    # --- 8. Clearance: the KPK and the Ombudsman clear the unit ---------------------------------
    for body, reference in (("kpk", "R-77/KPK/2026"), ("ombudsman", "B-12/ORI/2026")):
        clearance = tpn.get_by_test_id("clearance")
        clearance.locator("#cl-body").select_option(body)
        clearance.locator("#cl-result").select_option("clear")
        clearance.locator("#cl-date").fill(today.isoformat())
        clearance.locator("#cl-ref").fill(reference)
        clearance.get_by_test_id("clearance-save").click()
        expect(tpn.get_by_test_id(f"clearance-{body}")).to_contain_text(reference)
    expect(tpn.get_by_test_id("determination")).to_be_visible()
    shot(tpn, "12-cleared")

    # --- 9. Determination of WBK; the predicate in the register ---------------------------------
    determination = tpn.get_by_test_id("determination")
    determination.locator("#aw-number").fill(DECREE)
    determination.locator("#aw-date").fill(today.isoformat())
    determination.get_by_test_id("award").click()
    expect(tpn.get_by_test_id("predicate")).to_contain_text(DECREE)
    shot(tpn, "13-awarded")
    predicate = Predicate.objects.get(unit=unit, kind="WBK", year=year)
    assert predicate.decree_date == today
    go(admin, reverse("national:agency_predicates", args=[world.agency.pk]))
    entry = admin.get_by_test_id(f"predicate-{unit.code}-WBK-{year}")
    expect(entry).to_contain_text(DECREE)
    shot(admin, "14-register")

    # --- 10. Monitoring two years later ---------------------------------------------------------
    rnd = monitor_world(pw, predicate)
    assert rnd.due_on.year == year + 2
    monitor = people("kanwil_reviewer")
    go(monitor, reverse("national:monitoring"))
    queued = monitor.get_by_test_id(f"queue-{unit.code}-WBK")
    expect(queued).to_contain_text(str(year + 2))
    shot(monitor, "15-monitoring-queue")
    queued.get_by_role("link").click()
    monitor.get_by_test_id("start-submit").click()
    expect(monitor.get_by_test_id("round-status")).to_have_attribute("data-status", "in_progress")
    monitor.get_by_test_id("link-submit").click()
    expect(monitor.get_by_test_id("snapshot")).to_contain_text(f"PMPZI {year}")
    monitor.select_option("#id_outcome", "recommend_revocation")
    monitor.fill("#id_findings", "Kepala kantor ditetapkan sebagai tersangka korupsi oleh KPK.")
    monitor.get_by_test_id("conclude-submit").click()
    expect(monitor.get_by_test_id("round-outcome")).to_contain_text("Direkomendasikan dicabut")
    shot(monitor, "16-monitoring-concluded")

    # --- 11. Revocation -------------------------------------------------------------------------
    go(tpn, reverse("national:monitoring_round", args=[rnd.pk]))
    tpn.get_by_test_id("to-revocation").click()
    revoke = tpn.get_by_test_id("revoke-form")
    expect(revoke.locator("#id_monitoring_round")).to_have_value(str(rnd.pk))
    revoke.locator("#id_grounds").select_option("corruption-suspect")
    revoke.locator("#id_grounds_note").fill("Penetapan tersangka oleh KPK atas pungutan liar.")
    revoke.locator("#id_source").select_option("monitoring")
    revoke.locator("#id_confirmed_by").fill("Inspektur Jenderal (TPI)")
    revoke.locator("#id_confirmed_on").fill(today.isoformat())
    revoke.locator("#id_decided_on").fill(today.isoformat())
    tpn.get_by_test_id("revoke-submit").click()
    expect(tpn.get_by_test_id("predicate-status")).to_have_attribute("data-status", "revoked")
    blocked = revocation_block(unit, today)
    assert blocked is not None
    assert blocked.year == year + 2
    with translation.override("id"):
        until = date_format(blocked, "j F Y")
    expect(tpn.get_by_test_id("blocked-until")).to_contain_text(str(blocked.year))
    shot(tpn, "17-revoked")
    assert Predicate.objects.get(pk=predicate.pk).status == PredicateStatus.REVOKED

    # --- 12. A re-proposal inside the block is refused, saying until when -----------------------
    next_year = next_year_world(pw)
    go(agency_head, reverse("national:proposal", args=[world.agency.pk, next_year]))
    agency_head.get_by_test_id("start-draft").click()
    fill_letter(agency_head, "B-7/KC/I/2027", f"{next_year}-01-04")  # dated in its year
    line = agency_head.get_by_test_id(f"unit-{unit.code}")
    line.locator("input[type=checkbox]").check()
    agency_head.get_by_test_id("save").click()
    expect(agency_head.get_by_test_id(f"unit-{unit.code}")).to_contain_text(until)
    problems = agency_head.get_by_test_id("submit-problems").locator("li")
    expect(problems).to_have_count(1)  # the block is the only reason left
    expect(problems.first).to_have_attribute("data-code", "revocation_block")
    expect(problems.first).to_contain_text(until)
    expect(agency_head.get_by_test_id("submit")).to_be_disabled()
    shot(agency_head, "18-re-proposal-refused")
    assert not Nomination.objects.filter(unit=unit, year=next_year).exists()

    # --- The unit's history: the attempt, its stages, the predicate and the block ---------------
    go(head, reverse("national:unit_history", args=[unit.pk]))
    attempt = head.get_by_test_id(f"attempt-{year}")
    expect(attempt.get_by_test_id(f"history-predicate-WBK-{year}")).to_contain_text(DECREE)
    expect(head.get_by_test_id("history-block")).to_contain_text(str(blocked.year))
    shot(head, "19-unit-history")
