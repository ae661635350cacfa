"""The public form on a phone, and the kiosk through a network loss, in Chromium."""

import json
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.surveys.models import Channel, Response


@pytest.fixture
def shot(screenshot):
    return lambda page, name, full_page=True: screenshot(
        page, f"surveys-{name}", full_page=full_page
    )


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def answer_all(page):
    """Tap an answer for every question (by its visible label, as a person would)."""
    for fieldset in page.locator("#questions fieldset").all():
        labels = fieldset.locator("label")
        labels.nth(labels.count() - 2).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_form_on_a_phone(phone_page, campaign, shot):
    page = phone_page
    page.goto(f"{page.base_url}/s/{campaign.public_code}")
    assert page.locator("html").get_attribute("lang") == "id"
    shot(page, "public-phone-start")
    # Screening first: the questions appear only to someone who was served.
    assert not page.locator("#questions").is_visible()
    page.get_by_text("Tidak", exact=True).click()
    assert page.locator("#not-eligible").is_visible()
    page.get_by_text("Ya", exact=True).click()
    assert page.locator("#questions").is_visible()
    page.get_by_text("Layanan Paspor").click()
    page.get_by_text("Hari ini").click()
    answer_all(page)
    # Keyboard: the radios are real inputs, so arrow keys move the choice.
    first = page.locator("#questions input[type=radio]").first
    first.focus()
    page.keyboard.press("ArrowRight")
    shot(page, "public-phone-filled")
    # No horizontal scrolling on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Kirim jawaban saya").click()
    page.wait_for_url("**/thanks/")
    assert "Terima kasih" in page.content()
    shot(page, "public-phone-thanks")
    response = Response.objects.get()
    assert response.channel == Channel.WEB
    assert response.answers.count() == 22


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_english_switch_on_a_phone(phone_page, campaign, shot):
    page = phone_page
    page.goto(f"{page.base_url}/s/{campaign.public_code}?s=IZIN")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_text("Yes", exact=True).click()
    assert page.locator("input[name=service][checked]").count() == 1
    shot(page, "public-phone-english")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_kiosk_keeps_answers_through_a_network_loss(phone_page, campaign, world, settings, shot):
    from zona.surveys.models import Contact, ContactDrop
    from zona.surveys.services.kiosks import kiosk_open

    # The server paces a kiosk; a second response within the interval waits on the tablet
    # (429 + Retry-After) and goes through after it.
    settings.ZONA_SURVEY_KIOSK_MIN_INTERVAL_SECONDS = 2
    kiosk = kiosk_open(
        actor=world["operator"], campaign=campaign, name="Tablet 1", location="Loket izin"
    )
    page = phone_page
    page.set_viewport_size({"width": 800, "height": 1280})  # a tablet
    page.goto(f"{page.base_url}/s/{campaign.public_code}/kiosk/{kiosk.key}/")
    queue = f"zona-kiosk-{campaign.public_code}-{kiosk.pk}"
    page.context.set_offline(True)
    for i in range(2):
        page.get_by_text("Ya", exact=True).click()
        page.get_by_text("Layanan Izin Tinggal").click()
        page.get_by_text("Hari ini").click()
        answer_all(page)
        if i == 0:
            page.locator("#contact").fill("0812-5555-0001")
        page.get_by_role("button", name="Kirim jawaban saya").click()
        assert page.locator("#kiosk-thanks").is_visible()
        page.locator("#kiosk-thanks").wait_for(state="hidden", timeout=6000)
        # Reset for the next person.
        assert page.locator("input[name=served]:checked").count() == 0
    stored = json.loads(page.evaluate(f"localStorage.getItem('{queue}')"))
    assert len(stored) == 2
    assert Response.objects.count() == 0
    # The contact waits in its own queue, with no key: nothing ties it to the answers.
    assert "0812-5555-0001" not in json.dumps(stored)
    contacts = json.loads(page.evaluate(f"localStorage.getItem('{queue}:contacts')"))
    assert contacts == [[["contact", "0812-5555-0001"]]]
    shot(page, "kiosk-offline", full_page=False)
    # A resend of an item the server may already have (same key) must not duplicate it.
    page.evaluate(
        f"var q = JSON.parse(localStorage.getItem('{queue}')); q.push(q[0]);"
        f"localStorage.setItem('{queue}', JSON.stringify(q));"
    )
    # The answers go first (paced by the server), then the contact on its own.
    status = page.locator("#kiosk-status")
    with page.expect_response(
        lambda r: r.ok and "contact_only=1" in (r.request.post_data or ""), timeout=30_000
    ):
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(status.locator("[data-kiosk-queue]")).to_have_text(
            status.get_attribute("data-sent") or "", timeout=30_000
        )
    assert json.loads(page.evaluate(f"localStorage.getItem('{queue}')")) == []
    assert Response.objects.count() == 2
    assert Contact.objects.count() + ContactDrop.objects.count() == 1
    assert set(Response.objects.values_list("channel", flat=True)) == {Channel.KIOSK}
    shot(page, "kiosk-sent", full_page=False)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_pages_render(page, phone_page, login, world, campaign, shot):
    from .conftest import submit

    for i in range(12):
        submit(
            campaign,
            spak=[6, 5, 6, 4, 6],
            spkp=[5, 5, 4, 5, 6, 5, 5, 4],
            skm=[3, 3, 4, 2, 3, 3, 4, 3, 3],
            contact=f"0812{i}",
        )
        submit(
            campaign,
            service="IZIN",
            spak=[5, 6, 6, 5, 6],
            skm=[4, 3, 3, 3, 3, 4, 4, 2, 3],
            duration_seconds=2,
        )
    login(page, "operator", DEFAULT_PASSWORD)
    for name, path in [
        ("list", "/surveys/"),
        ("detail", f"/surveys/{campaign.pk}/"),
        ("results", f"/surveys/{campaign.pk}/results/"),
        ("edit", f"/surveys/{campaign.pk}/edit/"),
        ("new", "/surveys/new/"),
        ("instruments", "/surveys/instruments/"),
    ]:
        page.goto(page.base_url + path)
        shot(page, f"staff-{name}")
    # Charts drew (ECharts renders SVG into each chart box).
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/results/")
    page.wait_for_selector(".zona-chart svg")
    assert page.locator(".zona-chart svg").count() == 5
    login(phone_page, "tpi_reviewer", DEFAULT_PASSWORD)
    for name in ("", "results/", "flagged/", "validation/"):
        phone_page.goto(f"{phone_page.base_url}/surveys/{campaign.pk}/{name}")
        # Wide tables scroll inside their box; the page itself never scrolls sideways.
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, name
    phone_page.goto(f"{phone_page.base_url}/surveys/{campaign.pk}/flagged/")
    shot(phone_page, "staff-flagged-phone")
    page = phone_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/flagged/")
    shot(page, "staff-flagged")
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/validation/")
    page.get_by_label("Jumlah kontak yang diundi").fill("3")
    page.get_by_role("button", name="Undian", exact=True).click()
    expect(page.locator("[data-testid=call-table] tbody tr")).to_have_count(3)
    shot(page, "staff-draw")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_back_after_sending_shows_the_questions_of_the_chosen_answer(campaign, phone_page, shot):
    page = phone_page
    page.goto(f"{page.base_url}/s/{campaign.public_code}")
    page.get_by_text("Ya", exact=True).click()
    page.get_by_text("Layanan Paspor").click()
    page.get_by_text("Hari ini").click()
    answer_all(page)
    page.get_by_role("button", name="Kirim jawaban saya").click()
    page.wait_for_url("**/thanks/")
    page.go_back()
    page.wait_for_load_state("load")
    served = page.locator("input[name=served]:checked")
    # Either nothing is chosen (a fresh form) or what is chosen shows its questions.
    if served.count():
        assert served.get_attribute("value") == "yes"
        assert page.locator("#questions").is_visible()
    else:
        assert not page.locator("#questions").is_visible()
    shot(page, "public-phone-back")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_layouts_tooltips_and_numbers(world, campaign, instruments, page, phone_page, login, shot):
    from zona.surveys.models import InstrumentVersion

    from .conftest import submit

    spak = instruments["spak"]
    doc = dict(spak.document)
    items = [dict(item) for item in doc["items"]]
    items[0] = {**items[0], "text": {"id": "<img src=x id=pwned>", "en": "<b>x</b>"}}
    doc["items"] = items
    InstrumentVersion.objects.filter(pk=spak.pk).update(document=doc)
    for _ in range(6):
        submit(campaign, spak=[6, 5, 6, 4, 6], skm=[3, 3, 4, 2, 3, 3, 4, 3, 3])
    # A big office: six-digit populations and a long service name widen every column.
    campaign.services.update(population=125000, sample_target=383)
    campaign.services.first().service_type.__class__.objects.filter(
        pk=campaign.services.first().service_type_id
    ).update(
        name="Layanan Penerbitan Dokumen Perjalanan Republik Indonesia",
        code="PENERBITAN-DOKUMEN-PERJALANAN-RI-ELEKTRONIK",
    )
    login(page, "operator", DEFAULT_PASSWORD)
    # A 1366 px laptop screen less a desktop browser's 15 px scroll bar.
    page.set_viewport_size({"width": 1351, "height": 768})
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/")
    shot(page, "staff-detail-1366")
    # The last column of the progress table is inside the page at 1366 px.
    table = page.locator("[data-testid=progress-table]")
    box = table.locator("thead th").last.bounding_box()
    wrapper = table.locator("xpath=..").bounding_box()
    assert box is not None
    assert wrapper is not None
    assert box["x"] + box["width"] <= wrapper["x"] + wrapper["width"] + 1
    # Results: tooltips show instrument texts as text, numbers with a decimal comma.
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/results/")
    page.wait_for_selector(".zona-chart svg")
    chart = page.locator("[data-chart-kind=items]").first
    chart.hover(position={"x": 60, "y": 150})
    expect(chart).to_contain_text(re.compile(r"5,33|6,00"))
    assert page.locator("#pwned").count() == 0
    shot(page, "staff-results-tooltip", full_page=False)
    # Kiosks: opened with a place, listed with their share.
    page.goto(f"{page.base_url}/surveys/{campaign.pk}/kiosks/")
    page.get_by_label("Nama perangkat").fill("Tablet 1")
    page.get_by_label("Lokasi perangkat").fill("Loket paspor, lantai dasar")
    page.get_by_role("button", name="Buka kios", exact=True).click()
    expect(page.locator("[data-testid=kiosk-table] tbody tr")).to_have_count(1)
    shot(page, "kiosks-1366")
    # The instrument page fits a phone, hash and all.
    login(phone_page, "operator", DEFAULT_PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/surveys/{campaign.pk}/kiosks/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone_page, "kiosks-phone")
    phone_page.goto(f"{phone_page.base_url}/surveys/instruments/{spak.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone_page, "instrument-phone")
