"""The whole chain in Chromium (issue 10, "Done when"): the unit head submits, a Kanwil
reviewer answers and returns an item, the unit revises and resubmits, the Kanwil lead
completes, a selection round after Kanwil lets the sheet through, Eselon I starts from
Kanwil and completes, and the TPI checks its gates, returns its findings (stage 1), holds
its panel (stage 2: propose to TPN, with minutes) and completes.

Only the world is built by services (units, people, the chain of three steps, the unit's
two answers); everything a person does afterwards goes through the pages, in Indonesian.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser <this file>`;
screenshots with ZONA_SCREENSHOTS=<folder>.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer, Assessment, AssessmentStatus
from zona.assessments.tests.factories import make_assessment
from zona.workflow.models import (
    SelectionRound,
    TierReview,
    TpiDecision,
    TpiPanel,
    TpiStage,
    WorkflowEvent,
)
from zona.workflow.tests.conftest import build_chain, build_steps, fill_unit_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "A.p.m.1.a"  # Kanwil answers and returns it; the unit revises it
FINDING = "A.p.m.1.b"  # the TPI's finding in stage 1


def new_page(browser, live_server, *, phone: bool = False):
    if phone:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
        )
    else:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return page


def slug(code: str) -> str:
    return code.replace(".", "-")


def chain_states(page) -> dict[str, str | None]:
    chain = page.get_by_test_id("review-chain")
    return {
        code: chain.get_by_test_id(f"chain-{code}").get_attribute("data-status")
        for code in ("kanwil", "eselon1", "tpi")
    }


def expect_chain(page, **states: str) -> None:
    for code, status in states.items():
        expect(page.get_by_test_id(f"chain-{code}")).to_have_attribute("data-status", status)


def wait_saved(page, code: str) -> None:
    page.wait_for_selector(f"#status-{slug(code)}[data-state=saved]")


def flash(page):
    return page.locator(".alert-success, .alert-danger, .alert-warning").first


@pytest.fixture
def people(browser, live_server, login):
    """One signed-in page per person, opened on first use, closed at the end."""
    pages: dict[str, object] = {}

    def page_of(username: str, *, phone: bool = False):
        if username not in pages:
            page = new_page(browser, live_server, phone=phone)
            login(page, username, DEFAULT_PASSWORD)
            pages[username] = page
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()  # type: ignore[attr-defined]


def submit_from_summary(head, sheet: Assessment) -> None:
    head.goto(head.base_url + reverse("workflow:sheet_submit", args=[sheet.pk]))
    expect(head.get_by_test_id("confirm-counts")).to_be_visible()
    head.locator("#confirm").check()
    head.get_by_test_id("submit-button").click()
    head.wait_for_url(re.compile(rf"/assessments/{sheet.pk}/$"))
    expect(head.get_by_test_id("sheet-status")).to_have_attribute("data-status", "submitted")


def test_the_whole_chain_in_the_browser(world, people, screenshot):
    shot = lambda page, name, full=False: screenshot(page, f"e2e-{name}", full_page=full)  # noqa: E731
    # --- the world (services): the chain Kanwil → Eselon I → TPI and Bandung's draft ----------
    tiers, period, _framework = build_chain(world)
    steps, _teams = build_steps(world, period, tiers)
    sheet = make_assessment(period, world.bandung)
    fill_unit_answers(world, sheet)  # the operator's two answers (ITEM "Ya", FINDING "A")
    unit_code = world.bandung.code
    review_url = lambda tier: reverse("workflow:review_tier", args=[sheet.pk, tier])  # noqa: E731

    # --- 1. The unit head submits from the summary -------------------------------------------
    head = people("unit_head")
    submit_from_summary(head, sheet)
    shot(head, "01-submitted")

    # --- 2. A Kanwil member finds the sheet in the queue, answers and returns one item --------
    member = people("kanwil_member")
    member.goto(member.base_url + reverse("workflow:comments_queue"))
    rows = member.get_by_test_id("queue-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Satker Bandung")
    expect(rows.first).to_contain_text("Kanwil")
    rows.first.get_by_role("link", name="Satker Bandung").click()
    member.wait_for_url(re.compile(re.escape(review_url("kanwil"))))
    expect(member.get_by_test_id("my-tier")).to_have_text("Kanwil")
    expect_chain(member, kanwil="open", eselon1="waiting", tpi="waiting")
    expect(member.get_by_test_id("sheet-status")).to_have_attribute("data-status", "submitted")
    card = member.locator(f"#item-{slug(ITEM)}")
    card.get_by_label(re.compile("^Tidak")).check()
    wait_saved(member, ITEM)
    note = card.get_by_label("Catatan Anda")
    note.fill("SK tim belum ditandatangani kepala kantor.")
    note.blur()
    wait_saved(member, ITEM)
    assert card.locator("[data-layer=kanwil][data-differs]").count() == 1
    shot(member, "02-kanwil-answered")
    # The item's footer renders after its card (the comments' forms nest inside the card's
    # form, see the report), so the link is found on the page.
    member.get_by_test_id(f"return-{ITEM}").click()
    expect(member.locator(f"#ret-{slug(ITEM)}")).to_be_checked()
    member.locator("#return-reason").fill("Lampirkan SK tim yang sudah ditandatangani.")
    shot(member, "03-kanwil-return-form")
    member.get_by_test_id("return-submit").click()
    expect(member.get_by_test_id("sheet-status")).to_have_attribute("data-status", "returned")
    expect_chain(member, kanwil="returned", eselon1="waiting", tpi="waiting")

    # --- 3. The operator (on a phone) sees who returned what and why, and revises it ---------
    operator = people("operator", phone=True)
    operator.goto(operator.base_url + reverse("assessments:worksheet", args=[sheet.pk]))
    banner = operator.get_by_test_id("returned-banner")
    expect(banner).to_contain_text("Lampirkan SK tim yang sudah ditandatangani.")
    expect(banner).to_contain_text(ITEM)
    expect(banner.get_by_test_id("returned-by")).to_contain_text("Kanwil Member (Kanwil)")
    returned = operator.locator(f"#item-{slug(ITEM)}")
    expect(returned.get_by_test_id(f"returned-{ITEM}")).to_be_visible()
    unit_note = returned.get_by_label("Uraian kondisi (catatan)")
    unit_note.fill("SK Kepala Kantor Nomor 12/2027 sudah ditandatangani dan dilampirkan.")
    unit_note.blur()
    wait_saved(operator, ITEM)
    shot(operator, "04-unit-revises-phone")
    # The layers page names them too.
    operator.get_by_test_id("layers-link").click()
    who = operator.get_by_test_id("returned-by")
    expect(who).to_contain_text("Kanwil Member")
    expect(who).to_contain_text("Kanwil")
    expect(operator.get_by_test_id("returned-banner")).to_contain_text("Lampirkan SK tim")
    shot(operator, "05-unit-sees-who-returned-phone")

    # --- 4. The unit head resubmits; the history keeps the return -----------------------------
    head.goto(head.base_url + reverse("workflow:sheet_submit", args=[sheet.pk]))
    events = head.get_by_test_id("workflow-events")
    expect(events).to_contain_text("Lampirkan SK tim")
    expect(events).to_contain_text("Kanwil Member")
    submit_from_summary(head, sheet)

    # --- 5. The agency administrator sets up the round after Kanwil, the TPI step and gates ---
    admin = people("agency_admin")
    admin.goto(admin.base_url + reverse("assessments:period_detail", args=[period.pk]))
    admin.get_by_test_id("rounds-link").click()
    expect(admin.get_by_test_id("rounds-empty")).to_be_visible()
    form = admin.get_by_test_id("round-create")
    form.locator("#id_step").select_option(label="1. Kanwil")
    form.locator("#id_grouping").select_option("team")
    form.locator("#id_quota_percent").fill("50")
    form.locator("#id_rounding").select_option("up")
    form.locator("#id_min_per_group").fill("1")
    form.locator("#id_target").select_option("wbk")
    form.get_by_test_id("round-create-submit").click()
    expect(admin.get_by_test_id("round-status")).to_have_attribute("data-status", "draft")
    # The dry run: Bandung's Kanwil review is open again, so nothing can be confirmed yet.
    expect(admin.get_by_test_id("dry-run")).to_contain_text("1")
    expect(admin.get_by_test_id("round-confirm")).to_be_disabled()
    expect(admin.get_by_test_id("round-confirm")).to_have_attribute(
        "data-refusal", "reviews_pending"
    )
    round_url = admin.url
    shot(admin, "06-round-draft", full=True)
    # The TPI step of the chain and the starting set of gates.
    admin.goto(admin.base_url + reverse("assessments:period_detail", args=[period.pk]))
    admin.get_by_test_id("tpi-panels-link").click()
    admin.locator("#tpi-step-select").select_option(label="3. TPI")
    admin.get_by_test_id("tpi-step").locator("button[type=submit]").click()
    expect(admin.locator("#tpi-step-select")).to_have_value(str(steps["tpi"].pk))
    admin.goto(admin.base_url + reverse("accounts:agency_settings", args=[world.agency.pk]))
    admin.get_by_test_id("tpi-gates-link").click()
    admin.get_by_test_id("tpi-starters").locator("button[type=submit]").click()
    for code in ("hasil-minimum", "tlhp", "sakip-wbk", "lhkpn-lhkasn"):
        expect(admin.get_by_test_id(f"gate-{code}")).to_be_visible()

    # --- 6. The Kanwil lead sees the revision marker and completes, forwarding ----------------
    lead = people("kanwil_reviewer")
    lead.goto(lead.base_url + reverse("workflow:comments_queue"))
    expect(lead.get_by_test_id("queue-row")).to_have_count(1)
    lead.get_by_test_id("filter-revised").click()
    expect(lead.get_by_test_id("queue-row")).to_have_count(1)
    shot(lead, "07-kanwil-queue-revised")
    lead.get_by_test_id("queue-row").first.get_by_role("link", name="Satker Bandung").click()
    expect_chain(lead, kanwil="open", eselon1="waiting", tpi="waiting")
    expect(lead.get_by_test_id("revised-banner")).to_be_visible()
    expect(lead.get_by_test_id(f"revised-{ITEM}")).to_be_visible()
    lead.get_by_test_id("revised-filter").click()
    expect(lead.locator("form.zona-item")).to_have_count(1)
    expect(lead.get_by_test_id(f"revised-{ITEM}")).to_be_visible()
    rounds = lead.get_by_test_id("return-rounds")
    expect(rounds).to_contain_text("Lampirkan SK tim")
    expect(rounds.get_by_test_id(f"round-change-{ITEM}")).to_contain_text("12/2027")
    shot(lead, "08-kanwil-revised-since-return", full=True)
    lead.get_by_label("Teruskan ke tingkat berikutnya").check()
    lead.get_by_label("Catatan", exact=True).fill("SK sudah lengkap; layak diteruskan.")
    lead.get_by_test_id("complete-button").click()
    expect_chain(lead, kanwil="completed")
    # The round after Kanwil has not closed: Eselon I still waits.
    expect_chain(lead, eselon1="waiting", tpi="waiting")
    shot(lead, "09-kanwil-completed")

    # --- 7. The selection round: preview, confirm and close by the Kanwil lead ----------------
    # (No page a reviewer sees links the round yet: the lead opens its address, see the report.)
    lead.goto(round_url)
    row = lead.get_by_test_id(f"row-{unit_code}")
    expect(row).to_be_visible()
    shot(lead, "10-round-preview", full=True)
    if row.get_attribute("data-selected") != "1":
        # Not eligible by the rule (the mini sheet misses WBK): included with a justification.
        why = row.get_attribute("data-why")
        assert why == "predicate_failed", why
        overrides = lead.get_by_test_id("override-form")
        overrides.locator("#ov-unit").select_option(str(sheet.pk))
        overrides.locator("#ov-decision").select_option("include")
        overrides.get_by_test_id("override-submit").click()
        expect(lead.get_by_test_id("error-justification")).to_be_visible()  # required
        overrides = lead.get_by_test_id("override-form")
        overrides.locator("#ov-justification").fill(
            "Satu-satunya satker Jawa Barat; setiap wilayah terwakili."
        )
        overrides.get_by_test_id("override-submit").click()
        expect(lead.get_by_test_id(f"override-note-{unit_code}")).to_contain_text(
            "setiap wilayah terwakili"
        )
        expect(row).to_have_attribute("data-why", "included")
    expect(row).to_have_attribute("data-selected", "1")
    lead.get_by_test_id("round-confirm").click()
    expect(lead.get_by_test_id("round-status")).to_have_attribute("data-status", "confirmed")
    lead.get_by_test_id("round-close").click()
    expect(lead.get_by_test_id("round-status")).to_have_attribute("data-status", "closed")
    expect(lead.get_by_test_id(f"row-{unit_code}")).to_have_attribute("data-selected", "1")
    shot(lead, "11-round-closed", full=True)
    lead.goto(lead.base_url + review_url("kanwil"))
    expect_chain(lead, kanwil="completed", eselon1="open", tpi="waiting")

    # --- 8. Eselon I finds it in its queue, starts from Kanwil, completes ---------------------
    es1 = people("eselon1_reviewer")
    es1.goto(es1.base_url + reverse("workflow:comments_queue"))
    expect(es1.get_by_test_id("queue-row")).to_have_count(1)
    expect(es1.get_by_test_id("queue-row").first).to_contain_text("Eselon I")
    es1.get_by_test_id("queue-row").first.get_by_role("link", name="Satker Bandung").click()
    expect(es1.get_by_test_id("my-tier")).to_have_text("Eselon I")
    expect_chain(es1, kanwil="completed", eselon1="open", tpi="waiting")
    below = es1.get_by_test_id(f"from-below-{ITEM}")
    expect(below).to_contain_text("Tidak")
    expect(below).to_contain_text("Kanwil")
    shot(es1, "12-eselon1-from-kanwil")
    es1.get_by_label("Teruskan ke tingkat berikutnya").check()
    es1.get_by_label("Catatan", exact=True).fill("Diteruskan ke TPI.")
    es1.get_by_test_id("complete-button").click()
    expect_chain(es1, kanwil="completed", eselon1="completed", tpi="open")

    # --- 9. TPI stage 1: gates on the sheet, findings returned to the unit --------------------
    tpi = people("tpi_reviewer")
    tpi.goto(tpi.base_url + review_url("tpi"))
    expect_chain(tpi, kanwil="completed", eselon1="completed", tpi="open")
    panel = tpi.get_by_test_id("tpi-panel")
    expect(panel).to_be_visible()
    gate = lambda code: tpi.get_by_test_id(f"tpi-gate-{code}")  # noqa: E731
    # Hasil first: the sheet misses the WBK Hasil minimums (red), the later gates wait.
    expect(gate("hasil-minimum").locator(".badge.text-bg-danger")).to_be_visible()
    # The TPI has answered nothing yet: it sees the sheet as the tiers below do.
    kanwil_total = tpi.get_by_test_id("layer-total-kanwil").inner_text()
    assert kanwil_total == tpi.get_by_test_id("effective-score").inner_text()
    expect(tpi.get_by_test_id("layer-total-tpi")).to_have_text(kanwil_total)
    shot(tpi, "13-tpi-gates", full=True)
    gate("hasil-minimum").locator("input[name=reason]").fill(
        "Survei ulang IPAK/IPKP diterima TPI; nilai Hasil menyusul."
    )
    gate("hasil-minimum").locator("input[name=reason] ~ button").click()
    expect(gate("hasil-minimum")).to_contain_text("Survei ulang IPAK/IPKP")
    for code, value in (("tlhp", "100"), ("sakip-wbk", "BB"), ("lhkpn-lhkasn", "yes")):
        field = gate(code).locator("[name=value]")
        if code == "lhkpn-lhkasn":
            field.select_option(value)  # yes or no: a choice, in the user's language
        else:
            field.fill(value)
        gate(code).locator("input[name=source]").fill("Laporan Itjen 2027")
        gate(code).locator("form").first.locator("button[type=submit]").click()
        expect(gate(code)).to_contain_text("Laporan Itjen 2027")
    findings = tpi.get_by_test_id("tpi-findings-form")
    findings.locator("#tpi-items").fill(FINDING)
    findings.locator("#tpi-reason").fill("Lengkapi bukti seleksi anggota tim.")
    findings.locator("button[value=return_findings]").click()
    expect(tpi.get_by_test_id("sheet-status")).to_have_attribute("data-status", "returned")
    expect_chain(tpi, tpi="returned")
    expect(tpi.get_by_test_id("tpi-findings")).to_contain_text("Lengkapi bukti seleksi")
    shot(tpi, "14-tpi-findings-returned", full=True)

    # The unit sees the TPI's findings and resubmits.
    operator.goto(operator.base_url + reverse("assessments:worksheet", args=[sheet.pk]))
    expect(operator.get_by_test_id("returned-banner")).to_contain_text("Lengkapi bukti seleksi")
    submit_from_summary(head, sheet)

    # --- 10. TPI stage 2: the panel meets and proposes the unit to TPN, with minutes ---------
    tpi.goto(tpi.base_url + review_url("tpi"))
    expect_chain(tpi, tpi="open")
    # (As for the round, no page the TPI lead sees links the panels yet.)
    tpi.goto(tpi.base_url + reverse("workflow:tpi_panels", args=[period.pk]))
    form = tpi.get_by_test_id("tpi-panel-form")
    form.locator("#id_title").fill("Rapat panel TPI I")
    form.locator("#id_held_on").fill(timezone.localdate().isoformat())
    form.locator("#id_place").fill("Ruang rapat Itjen")
    form.locator("#id_chair").select_option(str(world["tpi_reviewer"].pk))
    form.locator(f"input[name=present][value='{world['tpi_reviewer'].pk}']").check()
    form.locator(f"input[name=present][value='{world['tpi_controller'].pk}']").check()
    form.locator("#id_minutes").fill("Panel membahas Satker Bandung; gerbang terpenuhi.")
    form.locator("button[type=submit]").click()
    expect(tpi.get_by_test_id("panel-status")).to_have_attribute("data-status", "draft")
    row = tpi.get_by_test_id(f"row-{unit_code}")
    expect(row.get_by_test_id("stage")).to_contain_text("2")
    row.locator(f"#p-yes-{sheet.pk}").check()
    row.locator(f"#reason-{sheet.pk}").fill("Gerbang terpenuhi; layak diusulkan ke TPN.")
    row.locator("button[type=submit]").click()
    row = tpi.get_by_test_id(f"row-{unit_code}")
    expect(row.get_by_test_id("decision").locator(".badge.text-bg-success")).to_be_visible()
    expect(row.get_by_test_id("decision")).to_contain_text("layak diusulkan ke TPN")
    tpi.get_by_test_id("panel-confirm").locator("button[type=submit]").click()
    expect(tpi.get_by_test_id("panel-status")).to_have_attribute("data-status", "confirmed")
    expect(tpi.get_by_test_id("panel-meeting")).to_contain_text("Panel membahas Satker Bandung")
    shot(tpi, "15-tpi-panel-confirmed", full=True)

    # The TPI completes its review, forwarding to TPN.
    tpi.goto(tpi.base_url + review_url("tpi"))
    tpi.get_by_label("Teruskan ke tingkat berikutnya").check()
    tpi.get_by_label("Catatan", exact=True).fill("Diusulkan ke TPN sesuai berita acara panel.")
    tpi.get_by_test_id("complete-button").click()
    expect_chain(tpi, kanwil="completed", eselon1="completed", tpi="completed")
    shot(tpi, "16-chain-completed")

    # The unit's history on the timeline page: two returns, three submissions.
    head.goto(head.base_url + reverse("workflow:sheet_timeline", args=[sheet.pk]))
    expect(head.get_by_test_id("workflow-events")).to_contain_text("Lengkapi bukti seleksi")
    steps_shown = head.get_by_test_id("workflow-events").locator("li")
    assert steps_shown.evaluate_all("items => items.map(li => li.dataset.action)") == [
        "submitted",
        "tier_review.open",  # Kanwil
        "returned",
        "tier_review.return",
        "resubmitted",
        "tier_review.resume",
        "tier_review.complete",  # Kanwil
        "tier_review.open",  # Eselon I, when the round closed
        "tier_review.complete",  # Eselon I
        "tier_review.open",  # TPI
        "returned",
        "tier_review.return",
        "tpi_stage.return_findings",
        "resubmitted",
        "tier_review.resume",
        "tpi_stage.decide",
        "tier_review.complete",  # TPI
    ]
    # Each review's step names that review's tier (not the tier of whoever opened it).
    expect(steps_shown.nth(7)).to_contain_text("Eselon I")
    expect(steps_shown.nth(9)).to_contain_text("TPI")
    shot(head, "17-timeline", full=True)

    # --- what was recorded ---------------------------------------------------------------
    sheet.refresh_from_db()
    assert sheet.status == AssessmentStatus.SUBMITTED
    reviews = {r.tier.code: r for r in TierReview.objects.filter(assessment=sheet)}
    assert {code: r.status for code, r in reviews.items()} == {
        "kanwil": "completed",
        "eselon1": "completed",
        "tpi": "completed",
    }
    assert {code: r.recommendation for code, r in reviews.items()} == {
        "kanwil": "forward",
        "eselon1": "forward",
        "tpi": "forward",
    }
    assert reviews["kanwil"].completed_by == world["kanwil_reviewer"]
    assert reviews["eselon1"].completed_by == world["eselon1_reviewer"]
    assert reviews["tpi"].completed_by == world["tpi_reviewer"]
    events = list(
        WorkflowEvent.objects.filter(assessment=sheet)
        .select_related("tier", "actor")
        .order_by("at", "pk")
    )
    sheet_events = [
        (e.action, e.from_state, e.to_state, e.actor.username, e.items)
        for e in events
        if e.subject_kind == "assessment"
    ]
    assert sheet_events == [
        ("submit", "draft", "submitted", "unit_head", []),
        ("return", "submitted", "returned", "kanwil_member", [ITEM]),
        ("submit", "returned", "submitted", "unit_head", []),
        ("return", "submitted", "returned", "tpi_reviewer", [FINDING]),
        ("submit", "returned", "submitted", "unit_head", []),
    ], sheet_events
    review_events = [
        (e.subject_id, e.action, e.to_state, e.actor.username if e.actor else None)
        for e in events
        if e.subject_kind == "tier_review"
    ]
    k, e1, t = reviews["kanwil"].pk, reviews["eselon1"].pk, reviews["tpi"].pk
    assert review_events == [
        (k, "open", "open", None),
        (k, "return", "returned", "kanwil_member"),
        (k, "resume", "open", None),
        (k, "complete", "completed", "kanwil_reviewer"),
        (e1, "open", "open", "kanwil_reviewer"),  # opened by the round's close
        (e1, "complete", "completed", "eselon1_reviewer"),
        (t, "open", "open", "eselon1_reviewer"),
        (t, "return", "returned", "tpi_reviewer"),
        (t, "resume", "open", None),
        (t, "complete", "completed", "tpi_reviewer"),
    ], review_events
    stages = [
        (e.subject_kind, e.action, e.to_state, e.actor.username)
        for e in events
        if e.subject_kind not in ("assessment", "tier_review")
    ]
    assert stages == [
        ("tpi_stage", "return_findings", "deciding", "tpi_reviewer"),
        ("tpi_stage", "decide", "decided", "tpi_reviewer"),  # the panel's confirmation
    ]
    rnd = SelectionRound.objects.get(period=period)
    assert rnd.status == "closed"
    assert list(
        WorkflowEvent.objects.filter(subject_kind="selection_round", subject_id=rnd.pk)
        .order_by("at", "pk")
        .values_list("action", "to_state", "actor__username")
    ) == [("confirm", "confirmed", "kanwil_reviewer"), ("close", "closed", "kanwil_reviewer")]
    assert [r["unit"] for r in rnd.result["rows"] if r["selected"]] == [unit_code]
    stage = TpiStage.objects.get(review=reviews["tpi"])
    assert stage.status == "decided"
    assert stage.findings_items == [FINDING]
    panel_row = TpiPanel.objects.get(period=period)
    assert panel_row.status == "confirmed"
    assert panel_row.minutes.startswith("Panel membahas Satker Bandung")
    assert list(
        WorkflowEvent.objects.filter(subject_kind="tpi_panel", subject_id=panel_row.pk).values_list(
            "action", "to_state", "actor__username"
        )
    ) == [("confirm", "confirmed", "tpi_reviewer")]
    decision = TpiDecision.objects.get(panel=panel_row, assessment=sheet)
    assert decision.propose is True
    kanwil_answer = Answer.objects.get(layer__tier=tiers["kanwil"], item_code=ITEM)
    assert kanwil_answer.value == "Tidak"
