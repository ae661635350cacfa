"""In Chromium: the agency administrator opens the period's review chain from the period page,
adds Kanwil and TPI steps (a window past the period is refused with the reason), forms a
team and sees its load, then assigns a region's units to another team in bulk.

Run with `DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser zona/workflow`.
Screenshots for review: set ZONA_SCREENSHOTS to a folder (see conftest.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.tests.factories import make_assessment
from zona.workflow.models import ChainStep, ReviewTeam
from zona.workflow.tests.chain_fixtures import bare_chain, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_step(page, tier: str, start: int, end: int) -> None:
    opens, closes = window(start, end)
    form = page.get_by_test_id("step-form")
    form.locator("#id_tier").select_option(label=tier)
    form.locator("#id_opens_on").fill(opens.isoformat())
    form.locator("#id_closes_on").fill(closes.isoformat())
    form.get_by_role("button").click()


def test_the_admin_configures_a_chain_and_a_team(page, phone_page, login, world, screenshot):
    bare = bare_chain(world)
    make_assessment(bare.period, world.bandung)
    login(page, "agency_admin", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/assessments/periods/{bare.period.pk}/")
    page.locator("a[href$='/chain/']").first.click()
    expect(page.get_by_test_id("chain-empty")).to_be_visible()
    screenshot(page, "chain-empty", full_page=False)

    # A window past the period's closing is refused beside the field, nothing is added.
    add_step(page, "TPI", 0, 90)
    expect(page.get_by_test_id("error-closes_on")).to_be_visible()
    assert not ChainStep.objects.exists()
    screenshot(page, "chain-step-refused")
    add_step(page, "TPI", 0, 40)
    expect(page.get_by_test_id("step-tpi")).to_be_visible()
    add_step(page, "Kanwil", -5, 20)
    # Kanwil comes first whatever the order they were added in.
    cards = page.locator("section[data-testid^=step-]")
    expect(cards.first).to_have_attribute("data-testid", "step-kanwil")

    page.get_by_test_id("step-kanwil").get_by_role("link", name="Tambah tim").click()
    form = page.get_by_test_id("team-form")
    form.locator("#id_name").fill("Tim Jabar")
    form.locator("#id_lead").select_option(str(world["kanwil_reviewer"].pk))
    form.locator("#id_members").select_option([str(world["kanwil_member"].pk)])
    form.locator("#id_units").select_option([str(world.kanwil_jabar.pk)])
    screenshot(page, "chain-team-form")
    form.get_by_role("button", name="Simpan tim").click()
    team = page.get_by_test_id("step-kanwil").locator("tr[data-testid^=team-]")
    expect(team).to_contain_text("Tim Jabar")
    expect(team.get_by_test_id("load-sheets")).to_have_text("1")
    assert ReviewTeam.objects.get().units.get() == world.kanwil_jabar
    screenshot(page, "chain-configured")

    # Bulk: every unit of the Bogor region to a new Kanwil team.
    page.get_by_role("link", name="Tugaskan penilai sekaligus").click()
    form = page.get_by_test_id("assign-form")
    form.locator("#id_step").select_option(label="1. Kanwil")
    form.locator("#id_team_name").fill("Tim Bogor")
    form.locator("#id_region").select_option("Bogor")
    form.locator("#id_lead").select_option(str(world["kanwil_member"].pk))
    screenshot(page, "chain-assign")
    form.get_by_role("button", name="Tugaskan").click()
    expect(page.get_by_test_id("step-kanwil")).to_contain_text("Tim Bogor")
    assert list(ReviewTeam.objects.get(name="Tim Bogor").units.values_list("code", flat=True)) == [
        "KC-BGR"
    ]

    login(phone_page, "agency_admin", DEFAULT_PASSWORD)
    phone_page.goto(phone_page.base_url + reverse("workflow:chain", args=[bare.period.pk]))
    expect(phone_page.get_by_test_id("step-kanwil")).to_be_visible()
    screenshot(phone_page, "chain-phone")
