"""The path to a predicate in Chromium, in Indonesian: from the worksheet to the to-do list, a
what-if that moves the verdict without saving, at desktop and phone width.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/insight`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Answer, AnswerChange
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.insight.tests.test_planner_views import SHEET, fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sheet(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    assessment = make_assessment(period, world.bandung)
    fill(world, assessment, SHEET)
    return assessment


def verdict(page):
    return page.locator("#what-if-result [data-testid=what-if-verdict]")


def test_the_unit_follows_its_path_and_tries_an_answer(page, phone_page, login, sheet, screenshot):
    changes = AnswerChange.objects.count()
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/{sheet.pk}/")
    page.get_by_test_id("path-link").click()
    page.wait_for_url(f"**/assessments/{sheet.pk}/path/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jalan menuju predikat")
    # One condition fails (area 2 at 50% of 60%); one item closes it.
    expect(page.locator("tr[data-condition=area_2]")).to_contain_text("50,00%")
    todo = page.get_by_test_id("todo").locator("li")
    expect(todo).to_have_count(1)
    expect(todo.first).to_contain_text("A.p.t.1.b")
    expect(todo.first.get_by_test_id("todo-suggested")).to_have_text("Ya")
    expect(page.get_by_test_id("ready-failing")).to_have_text("1")
    expect(verdict(page)).to_have_attribute("data-passed", "false")
    expect(verdict(page)).to_contain_text("Belum memenuhi syarat")
    screenshot(page, "planner-desktop", full_page=True)

    # What if the SOPs were evaluated: area 2 reaches 75%, WBK passes; nothing is saved.
    page.locator("select[name='item_A.p.t.1.b']").select_option("Ya")
    expect(verdict(page)).to_have_attribute("data-passed", "true")
    expect(verdict(page)).to_contain_text("Memenuhi syarat")
    expect(page.get_by_test_id("what-if-total")).to_have_text("95,00")
    expect(page.get_by_test_id("what-if-delta")).to_contain_text("+5,00")
    screenshot(page, "planner-desktop-what-if", full_page=True)
    # And back: the verdict moves back.
    page.locator("select[name='item_A.p.t.1.b']").select_option("Tidak")
    expect(verdict(page)).to_have_attribute("data-passed", "false")
    # The same page in English.
    page.locator("#zona-language").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Path to the predicate")
    expect(verdict(page)).to_contain_text("Does not meet the conditions of Towards WBK yet")
    screenshot(page, "planner-desktop-en", full_page=True)
    page.locator("#zona-language").select_option("id")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jalan menuju predikat")

    # On a phone: the other item of area 2, inside its folded group.
    login(phone_page, "operator", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/assessments/{sheet.pk}/path/")
    screenshot(phone_page, "planner-phone", full_page=True)
    group = phone_page.locator("details[data-group='area-2']")
    group.locator("summary").click()
    group.locator("select[name='item_A.p.t.1.a']").select_option("B")
    expect(verdict(phone_page)).to_have_attribute("data-passed", "true")
    expect(
        phone_page.locator("#what-if-result li[data-condition=area_2][data-passed=true]")
    ).to_have_count(1)
    phone_page.locator("#what-if-result").scroll_into_view_if_needed()
    screenshot(phone_page, "planner-phone-what-if", full_page=False)

    unit = {a.item_code: a.value for a in Answer.objects.filter(layer__assessment=sheet)}
    assert unit["A.p.t.1.a"] == "C"
    assert unit["A.p.t.1.b"] == "Tidak"
    assert AnswerChange.objects.count() == changes
