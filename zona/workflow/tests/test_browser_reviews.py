"""End to end in Chromium: a reviewer answers in their layer and returns an item; the unit
revises it and resubmits.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/assessments`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer, AssessmentStatus
from zona.assessments.services import answer_save
from zona.workflow.services.sheet import sheet_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "A.p.m.1.a"


@pytest.fixture
def shot(screenshot):
    return lambda page, name: screenshot(page, f"review-{name}", full_page=False)


def card(page, code: str):
    return page.locator(f"#item-{code.replace('.', '-')}")


def wait_saved(page, code: str) -> None:
    page.wait_for_selector(f"#status-{code.replace('.', '-')}[data-state=saved]")


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


@pytest.fixture
def submitted(world, assessment):
    for code, value, note in (
        (ITEM, "Ya", "Tim ZI ditetapkan dengan SK Kepala Kantor."),
        ("A.p.m.1.b", "A", "Anggota dipilih melalui seleksi terbuka."),
        ("A.p.m.2.a", "B", ""),
    ):
        answer_save(
            actor=world["operator"],
            assessment=assessment,
            item_code=code,
            revision=0,
            value=value,
            note=note,
        )
    return sheet_submit(actor=world["unit_head"], assessment=assessment)


def test_a_reviewer_answers_returns_an_item_and_the_unit_resubmits(
    page, browser, live_server, login, world, submitted, shot
):
    # The reviewer lands on the review page from the list.
    login(page, "tpi_reviewer", DEFAULT_PASSWORD)
    page.goto(page.base_url + "/assessments/")
    page.get_by_role("link", name="Satker Bandung").click()
    expect(page.locator("[data-testid=my-tier]")).to_have_text("TPI")
    side = page.locator("#zona-side")
    # 10 for the team sub-area, plus B (0,67) on one of the three work-plan items.
    assert side.locator("[data-testid=effective-score]").inner_text() == "12,23"

    # An answer in the TPI layer: the unit's answer stays, the difference and the effective
    # score follow at once.
    item = card(page, ITEM)
    item.get_by_label(re.compile("^Tidak")).check()
    wait_saved(page, ITEM)
    note = item.get_by_label("Catatan Anda")
    note.fill("SK tim belum ditandatangani kepala kantor.")
    note.blur()
    wait_saved(page, ITEM)
    compare = page.locator("#compare-A-p-m-1-a")
    assert compare.locator("[data-layer=tpi][data-differs]").count() == 1
    assert compare.locator("[data-layer=unit]").inner_text().count("Ya") == 1
    assert "dari TPI" in compare.locator("[data-testid='effective-A.p.m.1.a']").inner_text()
    assert side.locator("[data-testid=effective-score]").inner_text() == "7,23"
    assert side.locator("[data-testid=layer-total-unit]").inner_text() == "12,23"
    # TPI's score is the sheet as TPI sees it (its answer over the unit's others).
    assert side.locator("[data-testid=layer-total-tpi]").inner_text() == "7,23"
    tpi = Answer.objects.get(layer__tier=world.tier_tpi, item_code=ITEM)
    assert tpi.value == "Tidak"
    assert tpi.note.startswith("SK tim")
    assert Answer.objects.get(layer__tier__isnull=True, item_code=ITEM).value == "Ya"
    item.scroll_into_view_if_needed()
    shot(page, "laptop-reviewer-answered")

    # Return that one item with a reason.
    item.locator(f"[data-testid='return-{ITEM}']").click()
    expect(page.locator("#ret-A-p-m-1-a")).to_be_checked()
    assert page.locator("[data-zona-return-count]").inner_text() == "1"
    page.get_by_label(re.compile("^Alasan")).fill("Lampirkan SK tim yang sudah ditandatangani.")
    shot(page, "laptop-return-form")
    page.locator("[data-testid=return-submit]").click()
    expect(page.locator("[data-testid=sheet-status]")).to_have_text("Dikembalikan untuk perbaikan")
    assert page.locator("form[data-zona-autosave]").count() == 0
    shot(page, "laptop-reviewer-after-return")
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED
    assert submitted.returned_items == [ITEM]

    # The operator sees what came back and why, and may change exactly that item.
    operator = new_page(browser, live_server)
    login(operator, "operator", DEFAULT_PASSWORD)
    operator.goto(f"{operator.base_url}/assessments/{submitted.pk}/")
    banner = operator.locator("[data-testid=returned-banner]")
    assert "Lampirkan SK tim" in banner.inner_text()
    assert ITEM in banner.inner_text()
    returned = card(operator, ITEM)
    assert returned.locator(f"[data-testid='returned-{ITEM}']").is_visible()
    assert "SK tim belum ditandatangani" in returned.inner_text()  # the reviewer's note
    other = card(operator, "A.p.m.1.b")
    assert other.get_attribute("data-zona-autosave") is None
    assert other.locator("input[type=radio]").first.is_disabled()
    unit_note = returned.get_by_label("Uraian kondisi (catatan)")
    unit_note.fill("SK Kepala Kantor Nomor 12/2026 sudah ditandatangani dan dilampirkan.")
    unit_note.blur()
    wait_saved(operator, ITEM)
    shot(operator, "laptop-unit-returned-item")
    # The unit compares the layers too, read-only.
    operator.locator("[data-testid=layers-link]").click()
    # The worksheet has the returned item's autosave form; the comparison has none.
    expect(operator.locator("form[data-zona-autosave]")).to_have_count(0)
    assert card(operator, ITEM).locator("[data-layer=tpi][data-differs]").count() == 1
    shot(operator, "laptop-unit-compare")
    operator.context.close()

    # The unit head resubmits within the revision window.
    head = new_page(browser, live_server)
    login(head, "unit_head", DEFAULT_PASSWORD)
    head.goto(head.base_url + reverse("workflow:sheet_submit", args=[submitted.pk]))
    assert "Lampirkan SK tim" in head.locator("[data-testid=workflow-events]").inner_text()
    head.get_by_label(re.compile("Saya mengonfirmasi jumlah")).check()
    head.locator("[data-testid=submit-button]").click()
    expect(head.locator("[data-testid=sheet-status]")).to_have_text("Sudah dikirim")
    head.context.close()
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    unit = Answer.objects.get(layer__tier__isnull=True, item_code=ITEM)
    assert unit.note.startswith("SK Kepala Kantor Nomor 12/2026")

    # The reviewer may answer again; the history shows both submissions and the return.
    page.reload()
    assert card(page, ITEM).get_attribute("data-zona-autosave") is not None
    page.locator(".zona-events-card > summary").click()
    events = page.locator("[data-testid=workflow-events] li")
    assert events.count() == 3
    assert "dikirim ulang oleh Unit Head" in events.nth(2).inner_text()
    shot(page, "laptop-reviewer-resubmitted")


def test_the_review_works_on_a_phone(phone_page, login, world, submitted, shot):
    page = phone_page
    login(page, "tpi_reviewer", DEFAULT_PASSWORD)
    page.goto(page.base_url + reverse("workflow:review", args=[submitted.pk]))
    shot(page, "phone-review")
    item = card(page, ITEM)
    item.get_by_label(re.compile("^Tidak")).check()
    wait_saved(page, ITEM)
    assert page.locator("#zona-phone-total").inner_text() == "7,23"
    item.scroll_into_view_if_needed()
    shot(page, "phone-review-answered")
    page.get_by_role("button", name=re.compile("Area dan nilai")).click()
    page.wait_for_selector("#zona-sheet-side.show")
    expect(page.locator("#zona-sheet-side [data-testid=effective-score]")).to_be_visible()
    shot(page, "phone-review-scores")
    page.goto(
        page.base_url + reverse("workflow:sheet_return", args=[submitted.pk]) + f"?items={ITEM}"
    )
    shot(page, "phone-return-form")
    page.get_by_role("button", name=re.compile("Centang 1 butir")).click()
    assert page.locator("[data-zona-return-count]").inner_text() == "1"
    page.get_by_label(re.compile("^Seluruh lembar kerja")).check()
    assert page.locator("#ret-A-p-m-1-a").is_disabled()


def test_the_unit_takes_the_skm_rounds_with_one_click(page, login, world, monkeypatch, shot):
    from zona.assessments.tests.factories import REAL, make_assessment, make_period
    from zona.frameworks.services import framework_load_file

    real = framework_load_file(path=REAL).framework
    sheet = make_assessment(make_period(world.agency, real, title="PMPZI LKE"), world.bandung)
    monkeypatch.setattr(
        "zona.surveys.feed.survey_indices_for",
        lambda unit, year: {"ipak": None, "ipkp": None, "skm_rounds": 3},
    )
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{sheet.pk}/?s=A.I.6")
    item = card(page, "A.I.6.iv.a")
    offer = item.locator("[data-testid=survey-suggestion]")
    assert "3 kali pada 2026" in offer.inner_text()
    assert not Answer.objects.filter(item_code="A.I.6.iv.a").exists()  # offered, not applied
    item.scroll_into_view_if_needed()
    shot(page, "laptop-skm-suggestion")
    item.locator("[data-testid=take-survey-suggestion]").click()
    page.wait_for_selector("#item-A-I-6-iv-a input[value=B]:checked")
    assert card(page, "A.I.6.iv.a").locator("[data-testid=survey-suggestion]").count() == 0
    assert page.locator("#zona-side [data-testid=total-score]").inner_text() != "0,00"
    answer = Answer.objects.get(item_code="A.I.6.iv.a")
    assert answer.value == "B"
    assert answer.updated_by == world["operator"]
    # The card still autosaves after the swap: the unit may change its mind.
    card(page, "A.I.6.iv.a").get_by_label(re.compile("^A ")).check()
    wait_saved(page, "A.I.6.iv.a")
    assert Answer.objects.get(item_code="A.I.6.iv.a").value == "A"
