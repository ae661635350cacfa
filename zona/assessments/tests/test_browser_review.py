"""End to end in Chromium: a reviewer answers in their layer and returns an item; the unit
revises it and resubmits.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/assessments`.
Screenshots for review go to /tmp/zona-shots/review-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer, AssessmentStatus
from zona.assessments.services import answer_save, assessment_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/zona-shots")  # noqa: S108 (screenshots for review, never committed)

ITEM = "A.I.1.i.a"


def shot(page, name: str, *, full: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-{name}.png"), full_page=full)


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
        ("A.I.1.i.b", "A", "Anggota dipilih melalui seleksi terbuka."),
        ("A.I.1.ii.a", "B", ""),
    ):
        answer_save(
            actor=world["operator"],
            assessment=assessment,
            item_code=code,
            revision=0,
            value=value,
            note=note,
        )
    return assessment_submit(actor=world["unit_head"], assessment=assessment)


def test_a_reviewer_answers_returns_an_item_and_the_unit_resubmits(
    page, browser, live_server, login, world, submitted
):
    # The reviewer lands on the review page from the list.
    login(page, "tpi_reviewer", DEFAULT_PASSWORD)
    page.goto(page.base_url + "/assessments/")
    page.get_by_role("link", name="Satker Bandung").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=my-tier]").inner_text() == "TPI"
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
    compare = page.locator("#compare-A-I-1-i-a")
    assert compare.locator("[data-layer=tpi][data-differs]").count() == 1
    assert compare.locator("[data-layer=unit]").inner_text().count("Ya") == 1
    assert "dari TPI" in compare.locator("[data-testid='effective-A.I.1.i.a']").inner_text()
    assert side.locator("[data-testid=effective-score]").inner_text() == "7,23"
    assert side.locator("[data-testid=layer-total-unit]").inner_text() == "12,23"
    assert side.locator("[data-testid=layer-total-tpi]").inner_text() == "0,00"
    tpi = Answer.objects.get(layer__tier=world.tier_tpi, item_code=ITEM)
    assert tpi.value == "Tidak" and tpi.note.startswith("SK tim")
    assert Answer.objects.get(layer__tier__isnull=True, item_code=ITEM).value == "Ya"
    item.scroll_into_view_if_needed()
    shot(page, "laptop-reviewer-answered")

    # Return that one item with a reason.
    item.locator(f"[data-testid='return-{ITEM}']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#ret-A-I-1-i-a").is_checked()
    assert page.locator("[data-zona-return-count]").inner_text() == "1"
    page.get_by_label(re.compile("^Alasan")).fill("Lampirkan SK tim yang sudah ditandatangani.")
    shot(page, "laptop-return-form")
    page.locator("[data-testid=return-submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=sheet-status]").inner_text() == "Dikembalikan untuk perbaikan"
    assert page.locator("form[data-zona-autosave]").count() == 0
    shot(page, "laptop-reviewer-after-return")
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED and submitted.returned_items == [ITEM]

    # The operator sees what came back and why, and may change exactly that item.
    operator = new_page(browser, live_server)
    login(operator, "operator", DEFAULT_PASSWORD)
    operator.goto(f"{operator.base_url}/assessments/{submitted.pk}/")
    operator.wait_for_load_state("networkidle")
    banner = operator.locator("[data-testid=returned-banner]")
    assert "Lampirkan SK tim" in banner.inner_text() and ITEM in banner.inner_text()
    returned = card(operator, ITEM)
    assert returned.locator(f"[data-testid='returned-{ITEM}']").is_visible()
    assert "SK tim belum ditandatangani" in returned.inner_text()  # the reviewer's note
    other = card(operator, "A.I.1.i.b")
    assert other.get_attribute("data-zona-autosave") is None
    assert other.locator("input[type=radio]").first.is_disabled()
    unit_note = returned.get_by_label("Uraian kondisi (catatan)")
    unit_note.fill("SK Kepala Kantor Nomor 12/2026 sudah ditandatangani dan dilampirkan.")
    unit_note.blur()
    wait_saved(operator, ITEM)
    shot(operator, "laptop-unit-returned-item")
    # The unit compares the layers too, read-only.
    operator.locator("[data-testid=layers-link]").click()
    operator.wait_for_load_state("networkidle")
    assert operator.locator("form[data-zona-autosave]").count() == 0
    assert card(operator, ITEM).locator("[data-layer=tpi][data-differs]").count() == 1
    shot(operator, "laptop-unit-compare")
    operator.context.close()

    # The unit head resubmits within the revision window.
    head = new_page(browser, live_server)
    login(head, "unit_head", DEFAULT_PASSWORD)
    head.goto(f"{head.base_url}/assessments/{submitted.pk}/submit/")
    assert "Lampirkan SK tim" in head.locator("[data-testid=workflow-events]").inner_text()
    head.get_by_label(re.compile("Saya mengonfirmasi jumlah")).check()
    head.locator("[data-testid=submit-button]").click()
    head.wait_for_load_state("networkidle")
    assert head.locator("[data-testid=sheet-status]").inner_text() == "Sudah dikirim"
    head.context.close()
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    unit = Answer.objects.get(layer__tier__isnull=True, item_code=ITEM)
    assert unit.note.startswith("SK Kepala Kantor Nomor 12/2026")

    # The reviewer may answer again; the history shows both submissions and the return.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert card(page, ITEM).get_attribute("data-zona-autosave") is not None
    page.locator(".zona-events-card > summary").click()
    events = page.locator("[data-testid=workflow-events] li")
    assert events.count() == 3
    assert "dikirim ulang oleh Unit Head" in events.nth(2).inner_text()
    shot(page, "laptop-reviewer-resubmitted")


def test_the_review_works_on_a_phone(phone_page, login, world, submitted):
    page = phone_page
    login(page, "tpi_reviewer", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{submitted.pk}/review/")
    page.wait_for_load_state("networkidle")
    shot(page, "phone-review")
    item = card(page, ITEM)
    item.get_by_label(re.compile("^Tidak")).check()
    wait_saved(page, ITEM)
    assert page.locator("#zona-phone-total").inner_text() == "7,23"
    item.scroll_into_view_if_needed()
    shot(page, "phone-review-answered")
    page.get_by_role("button", name=re.compile("Area dan nilai")).click()
    page.wait_for_selector("#zona-sheet-side.show")
    page.wait_for_timeout(400)
    shot(page, "phone-review-scores")
    page.goto(f"{page.base_url}/assessments/{submitted.pk}/return/?items={ITEM}")
    page.wait_for_load_state("networkidle")
    shot(page, "phone-return-form")
    page.get_by_role("button", name=re.compile("Centang 1 butir")).click()
    assert page.locator("[data-zona-return-count]").inner_text() == "1"
    page.get_by_label(re.compile("^Seluruh lembar kerja")).check()
    assert page.locator("#ret-A-I-1-i-a").is_disabled()


def test_the_unit_takes_the_skm_rounds_with_one_click(page, login, world, monkeypatch):
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
    page.wait_for_load_state("networkidle")
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
    assert answer.value == "B" and answer.updated_by == world["operator"]
    # The card still autosaves after the swap: the unit may change its mind.
    card(page, "A.I.6.iv.a").get_by_label(re.compile("^A ")).check()
    wait_saved(page, "A.I.6.iv.a")
    assert Answer.objects.get(item_code="A.I.6.iv.a").value == "A"
