"""Profile, suggestions and the small-group rule, seen in Chromium (issue 8 §3, §8)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.surveys.models import Response, Suggestion
from zona.surveys.tasks import sealed_drops_flush
from zona.surveys.tests.conftest import make_campaign, submit


@pytest.fixture
def shot(screenshot):
    return lambda page, name, full_page=True: screenshot(
        page, f"surveys-{name}", full_page=full_page
    )


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def full(**extra):
    return {"spak": [5] * 5, "spkp": [5] * 8, "skm": [4] * 9, **extra}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_profile_and_suggestion_on_a_phone(phone_page, world, instruments, settings, shot):
    settings.ZONA_SURVEY_SUGGESTION_BATCH = 1
    campaign = make_campaign(world, instruments, asks_profile=True, collects_suggestions=True)
    page = phone_page
    page.goto(f"{page.base_url}/s/{campaign.public_code}")
    page.get_by_text("Ya", exact=True).click()
    page.get_by_text("Layanan Paspor").click()
    page.get_by_text("Hari ini").click()
    for fieldset in page.locator("#questions fieldset").all():
        labels = fieldset.locator("label")
        labels.nth(labels.count() - 2).click()
    page.select_option("#p-age_group", "25-34")
    page.select_option("#p-sex", "f")
    page.fill("#suggestion", "Ruang tunggu perlu kipas angin.")
    page.locator("#h-profile").scroll_into_view_if_needed()
    shot(page, "profile-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Kirim jawaban saya").click()
    page.wait_for_url("**/thanks/")
    response = Response.objects.get()
    assert (response.age_group, response.sex, response.education) == ("25-34", "f", "")
    sealed_drops_flush.call()  # the worker, on its own clock
    assert Suggestion.objects.get().text == "Ruang tunggu perlu kipas angin."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_results_profile_and_suggestions_pages(page, login, world, instruments, settings, shot):
    settings.ZONA_SURVEY_SUGGESTION_BATCH = 1
    campaign = make_campaign(world, instruments, asks_profile=True, collects_suggestions=True)
    for _ in range(6):
        submit(campaign, **full(), profile={"sex": "f", "age_group": "25-34"})
    for i in range(2):
        submit(
            campaign,
            service="IZIN",
            **full(),
            profile={"sex": "m"},
            suggestion=f"Saran {i}: Pak Budi di loket 2 lambat" if i else "Antrean rapi",
        )
    sealed_drops_flush.call()
    login(page, "operator", DEFAULT_PASSWORD)
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/results/")
    profile = page.locator("[data-profile=sex]")
    assert profile.is_visible()
    # 6 women shown would give away the 2 men as all minus 6: both hidden.
    assert "\u2013" in profile.inner_text()  # the hidden mark
    page.locator("[data-profile=sex]").scroll_into_view_if_needed()
    shot(page, "results-profile-desktop")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    page.goto(f"{page.base_url}/surveys/{campaign.pk}/suggestions/")
    assert "Antrean rapi" in page.content()
    shot(page, "suggestions-moderate-desktop")
    item = page.locator("li.list-group-item", has_text="Pak Budi")
    item.locator("input[name=reason]").fill("Menyebut nama petugas")
    # Each decision posts the form and comes back to the list.
    with page.expect_navigation():
        item.get_by_role("button", name="Sembunyikan").click()
    with page.expect_navigation():
        page.locator("li.list-group-item", has_text="Antrean rapi").get_by_role(
            "button", name="Setujui"
        ).click()
    shot(page, "suggestions-desktop")
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"approved", "hidden"}

    page.goto(f"{page.base_url}/surveys/{campaign.pk}/edit/")
    assert page.locator("input[name=asks_profile]").is_checked()
    page.select_option("select[name=sample_method]", "krejcie-morgan-table")
    page.locator("input[name=collects_suggestions]").scroll_into_view_if_needed()
    shot(page, "campaign-form-desktop", full_page=False)
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("body")).to_contain_text("tabel cetak Krejcie & Morgan")
    shot(page, "campaign-table-method-desktop")

    reviewer = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="id-ID"
    ).new_page()
    reviewer.base_url = page.base_url
    login(reviewer, "kanwil_reviewer", DEFAULT_PASSWORD)
    reviewer.goto(f"{page.base_url}/surveys/{campaign.pk}/suggestions/")
    html = reviewer.content()
    assert "Antrean rapi" in html
    assert "Pak Budi" not in html
    assert "Menyebut nama" in html
    shot(reviewer, "suggestions-reviewer-phone")
    assert reviewer.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_keeps_the_suggestion_apart(phone_page, world, instruments, settings):
    import json

    from zona.surveys.services.kiosks import kiosk_open

    settings.ZONA_SURVEY_SUGGESTION_BATCH = 1
    campaign = make_campaign(world, instruments, asks_profile=True, collects_suggestions=True)
    kiosk = kiosk_open(
        actor=world["operator"], campaign=campaign, name="Tablet 1", location="Loket izin"
    )
    page = phone_page
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"{page.base_url}/s/{campaign.public_code}/kiosk/{kiosk.key}/")
    queue = f"zona-kiosk-{campaign.public_code}-{kiosk.pk}"
    page.context.set_offline(True)
    page.get_by_text("Ya", exact=True).click()
    page.get_by_text("Layanan Izin Tinggal").click()
    page.get_by_text("Hari ini").click()
    for fieldset in page.locator("#questions fieldset").all():
        labels = fieldset.locator("label")
        labels.nth(labels.count() - 2).click()
    page.select_option("#p-sex", "m")
    page.fill("#suggestion", "Tolong sediakan kursi roda.")
    page.get_by_role("button", name="Kirim jawaban saya").click()
    stored = json.loads(page.evaluate(f"localStorage.getItem('{queue}')"))
    assert len(stored) == 1
    assert "kursi roda" not in json.dumps(stored)
    apart = json.loads(page.evaluate(f"localStorage.getItem('{queue}:contacts')"))
    assert apart == [[["suggestion", "Tolong sediakan kursi roda."]]]
    # The answers go first, then the suggestion on its own.
    status = page.locator("#kiosk-status")
    with page.expect_response(
        lambda r: r.ok and "contact_only=1" in (r.request.post_data or ""), timeout=30_000
    ):
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(status.locator("[data-kiosk-queue]")).to_have_text(
            status.get_attribute("data-sent") or "", timeout=30_000
        )
    assert Response.objects.get().sex == "m"
    sealed_drops_flush.call()
    assert Suggestion.objects.get().text == "Tolong sediakan kursi roda."
