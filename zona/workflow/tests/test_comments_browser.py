"""In Chromium: a Kanwil reviewer finds the sheet in the work queue, writes a must-fix
comment and marks an evidence file on the review page (htmx); the unit head reads it on
the feedback page (on a phone) and replies; the reviewer resolves it.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser <this file>`; screenshots
with ZONA_SCREENSHOTS=<folder>.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.workflow.models import ItemComment
from zona.workflow.tests.comments_fixtures import answer, build_sheets, open_chain, open_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "A.p.m.1.a"


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


def test_must_fix_from_queue_to_feedback_and_back(browser, live_server, login, world, screenshot):
    sheets = build_sheets(world)
    open_review(open_chain(sheets.period, world.tier_kanwil), sheets.assessment)
    answer(sheets.assessment, world.tier_kanwil, "A.p.m.1.b", "B")

    # The reviewer's queue: one sheet, one item differing; the filter swaps the table.
    page = new_page(browser, live_server)
    login(page, "kanwil_reviewer", DEFAULT_PASSWORD)
    page.goto(page.base_url + reverse("workflow:comments_queue"))
    rows = page.locator("[data-testid=queue-row]")
    expect(rows).to_have_count(1)
    page.locator("[data-testid=filter-revised]").click()
    expect(page.locator("[data-testid=queue-empty]")).to_be_visible()
    page.locator("[data-testid=filter-differing]").click()
    expect(rows).to_have_count(1)
    screenshot(page, "comments-queue")
    small = new_page(browser, live_server, phone=True)
    login(small, "kanwil_reviewer", DEFAULT_PASSWORD)
    small.goto(small.base_url + reverse("workflow:comments_queue"))
    expect(small.locator("[data-testid=queue-row]")).to_have_count(1)
    screenshot(small, "comments-queue-phone")
    page.get_by_role("link", name="Satker Bandung").click()

    # On the review page: a must-fix comment on the item, through htmx.
    block = page.locator(f"[data-testid='comments-{ITEM}']")
    block.locator("summary", has_text="Tambah komentar").click()
    block.locator("input[name=kind][value=must_fix]").check()
    block.locator("textarea[name=body]").fill("SK tim belum ditandatangani kepala kantor.")
    block.get_by_role("button", name="Tambahkan komentar").click()
    thread = page.locator(f"[data-testid='comments-{ITEM}'] [data-testid=thread]")
    expect(thread).to_have_attribute("data-kind", "must_fix")
    expect(thread).to_contain_text("SK tim belum ditandatangani")
    # Mark the evidence file insufficient.
    block = page.locator(f"[data-testid='comments-{ITEM}']")
    block.locator("summary", has_text="Nilai berkas ini").click()
    block.locator("select[name=verdict]").select_option("insufficient")
    block.locator("input[name=note]").first.fill("Belum ada tanda tangan.")
    block.get_by_role("button", name="Simpan penilaian").click()
    expect(
        page.locator(f"[data-testid='comments-{ITEM}'] [data-verdict=insufficient]")
    ).to_be_visible()
    page.locator(f"[data-testid='comments-{ITEM}']").scroll_into_view_if_needed()
    screenshot(page, "comments-review-item", full_page=False)
    # An item without evidence files: its comment form is no longer swallowed by the
    # card's autosave form (a form inside a form); the comment is saved, not sent as a GET.
    other = "A.p.m.1.b"
    block = page.locator(f"[data-testid='comments-{other}']")
    block.locator("summary", has_text="Tambah komentar").click()
    block.locator("input[name=kind][value=internal]").check()  # the unit's page stays as is
    block.locator("textarea[name=body]").fill("Mohon lampirkan notulen rapat.")
    block.get_by_role("button", name="Tambahkan komentar").click()
    expect(page.locator(f"[data-testid='comments-{other}'] [data-testid=thread]")).to_contain_text(
        "Mohon lampirkan notulen"
    )
    assert "body=" not in page.url
    assert ItemComment.objects.filter(item_code=other).count() == 1

    # The unit head, on a phone: the worksheet links the feedback page; reply there.
    phone = new_page(browser, live_server, phone=True)
    login(phone, "unit_head", DEFAULT_PASSWORD)
    phone.goto(phone.base_url + reverse("assessments:worksheet", args=[sheets.assessment.pk]))
    href = phone.locator("[data-testid=feedback-link]").get_attribute("href")
    assert href == reverse("workflow:comments_feedback", args=[sheets.assessment.pk])
    phone.goto(phone.base_url + href)
    expect(phone.locator("[data-testid=feedback-must-fix]")).to_be_visible()
    expect(phone.locator("[data-testid=feedback-item]")).to_contain_text("Belum ada tanda tangan.")
    phone.locator("summary", has_text="Balas").click()
    phone.locator("textarea[name=body]").fill("Sudah kami unggah ulang dengan tanda tangan.")
    phone.get_by_role("button", name="Kirim balasan").click()
    expect(phone.locator("[data-testid=reply]")).to_contain_text("Sudah kami unggah ulang")
    expect(phone.locator("[data-testid=resolve]")).to_have_count(0)
    screenshot(phone, "comments-feedback-phone")

    # Back with the reviewer: resolve.
    page.reload()
    block = page.locator(f"[data-testid='comments-{ITEM}']")
    expect(block.locator("[data-testid=reply]")).to_contain_text("Sudah kami unggah ulang")
    block.locator("[data-testid=resolve]").click()
    expect(page.locator(f"[data-testid='comments-{ITEM}'] [data-testid=thread]")).to_have_attribute(
        "data-resolved", "1"
    )
    comment = ItemComment.objects.get(parent__isnull=True, item_code=ITEM)
    assert comment.resolved_by == world["kanwil_reviewer"]
