"""One tier after another in the browser: the Kanwil lead completes its review, Eselon I
opens and starts from Kanwil's answers, and sends the sheet back.

Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.services import answer_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "A.p.m.1.a"


def test_kanwil_completes_and_eselon1_starts_from_kanwil(
    page, phone_page, login, chain_world, screenshot
):
    cw = chain_world
    answer_save(
        actor=cw["kanwil_reviewer"],
        assessment=cw.assessment,
        item_code=ITEM,
        revision=0,
        value="Tidak",
        note="SK belum ditandatangani.",
        tier=cw.tiers["kanwil"],
    )
    login(page, "kanwil_reviewer", DEFAULT_PASSWORD)
    page.goto(page.base_url + reverse("workflow:review", args=[cw.assessment.pk]))
    chain = page.get_by_test_id("review-chain")
    expect(chain.get_by_test_id("chain-kanwil")).to_have_attribute("data-status", "open")
    screenshot(page, "reviews-laptop-kanwil-open", full_page=False)
    page.get_by_label("Teruskan ke tingkat berikutnya").check()
    page.get_by_label("Catatan", exact=True).fill("Layak diteruskan.")
    page.get_by_test_id("complete-button").click()
    expect(page.get_by_test_id("chain-kanwil")).to_have_attribute("data-status", "completed")
    expect(page.get_by_test_id("chain-eselon1")).to_have_attribute("data-status", "open")

    login(phone_page, "eselon1_reviewer", DEFAULT_PASSWORD)
    phone_page.goto(
        phone_page.base_url + reverse("workflow:review_tier", args=[cw.assessment.pk, "eselon1"])
    )
    below = phone_page.get_by_test_id(f"from-below-{ITEM}")
    expect(below).to_contain_text("Tidak")
    expect(below).to_contain_text("Kanwil")
    screenshot(phone_page, "reviews-phone-eselon1-from-kanwil", full_page=False)
    phone_page.get_by_test_id("send-back").locator("summary").click()
    phone_page.get_by_label("Alasan tingkat di bawahnya perlu memeriksa lagi").fill(
        "Periksa lagi SK tim."
    )
    phone_page.get_by_test_id("send-back-button").click()
    expect(phone_page.get_by_test_id("chain-eselon1")).to_have_attribute("data-status", "waiting")
    expect(phone_page.get_by_test_id("chain-kanwil")).to_have_attribute("data-status", "open")
    screenshot(phone_page, "reviews-phone-sent-back", full_page=True)
