"""The public form as a respondent (and a retrying phone or kiosk) uses it: no login."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from zona.surveys.models import Channel, Contact, Kiosk, Response
from zona.surveys.services.intake import form_token
from zona.surveys.services.kiosks import kiosk_open
from zona.surveys.views.public import DEVICE_COOKIE

from .conftest import make_campaign, open_contacts, service_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def url(campaign, name="form", *args):
    return reverse(f"survey_public:{name}", args=[campaign.public_code, *args])


def post_data(campaign, *, key=None, spak=(6, 5, 6, 4, 6), **extra):
    versions = {v.instrument.key: v for v in campaign.ordered_versions()}
    key = key or uuid.uuid4().hex
    data = {
        "t": form_token(campaign, key),
        "key": key,
        "lang": "id",
        "served": "yes",
        "service": str(service_id(campaign)),
        "when": "today",
    }
    for code, value in zip(versions["spak"].item_codes, spak, strict=False):
        if value is not None:
            data[f"a-{versions['spak'].pk}-{code}"] = str(value)
    data.update(extra)
    return data


def test_form_is_public_small_and_indonesian(client, campaign):
    response = client.get(url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Apakah Anda baru saja menyelesaikan layanan" in html
    assert "Petugas memperlakukan setiap pengguna layanan sama" in html  # SPAK Q1 text
    assert "bootstrap" not in html
    assert "htmx" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # no inline script
    assert "<style" not in html
    assert len(response.content) < 60_000
    assert response.cookies[DEVICE_COOKIE]["httponly"]
    # Every radio has a label.
    radios = re.findall(r'<input type="radio"[^>]*id="([^"]+)"', html)
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    assert radios
    assert set(radios) <= labels


def test_english_switch(client, campaign):
    html = client.get(url(campaign) + "?lang=en").content.decode()
    assert '<html lang="en">' in html
    assert "Staff treated every service user the same" in html
    assert "Did you just complete a service at" in html
    assert 'href="/s/' in html
    assert "Bahasa Indonesia" in html
    # A phone set to English still gets Indonesian unless the respondent switches.
    html = client.get(url(campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="id">' in html


def test_per_service_link_preselects_the_service(client, campaign):
    html = client.get(url(campaign) + "?s=izin").content.decode()
    izin = service_id(campaign, "IZIN")
    assert re.search(rf'value="{izin}"\s+checked', html)


def test_submit_then_thanks(client, campaign):
    response = client.post(url(campaign), post_data(campaign, contact="ani@example.com"))
    assert response.status_code == 302
    assert response["Location"] == url(campaign, "thanks")
    assert Response.objects.get().channel == Channel.WEB
    assert open_contacts() == 1
    assert Contact.objects.get().contact == "ani@example.com"
    page = client.get(response["Location"])
    assert "Terima kasih" in page.content.decode()


def test_double_click_stores_once(client, campaign):
    data = post_data(campaign)
    assert client.post(url(campaign), data).status_code == 302
    assert client.post(url(campaign), data).status_code == 302
    assert Response.objects.count() == 1


def test_json_clients_get_status_codes(client, campaign):
    data = post_data(campaign)
    first = client.post(url(campaign), data, HTTP_ACCEPT="application/json")
    again = client.post(url(campaign), data, HTTP_ACCEPT="application/json")
    assert (first.status_code, first.json()) == (201, {"status": "stored"})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    bad = client.post(url(campaign), post_data(campaign, spak=(9,)), HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["field"] == "spak.Q1"


def test_errors_keep_the_answers_and_point_to_the_field(client, campaign):
    data = post_data(campaign, spak=(6, 5))
    del data["service"]
    response = client.post(url(campaign), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert re.search(r'role="alert"[^>]*data-error="required"', html)
    spak = next(v for v in campaign.ordered_versions() if v.instrument.key == "spak")
    assert re.search(rf'name="a-{spak.pk}-Q1" id="a-{spak.pk}-Q1-6" value="6"\s+checked', html)
    assert f'value="{data["key"]}"' in html  # same key: a corrected send is still one response
    assert not Response.objects.exists()


def test_not_served_stores_nothing(client, campaign):
    response = client.post(url(campaign), post_data(campaign, served="no"))
    assert response.status_code == 200
    assert "hanya untuk orang yang telah menggunakan layanan" in response.content.decode()
    assert not Response.objects.exists()


def test_expired_or_forged_token_asks_to_send_again(client, campaign):
    response = client.post(url(campaign), post_data(campaign, t="forged"))
    assert response.status_code == 400
    assert 'data-error="expired"' in response.content.decode()
    assert not Response.objects.exists()


def test_too_fast_is_flagged_from_the_token_time(client, campaign):
    client.post(url(campaign), post_data(campaign))
    assert Response.objects.get().flags == ["too_fast"]


def test_closed_campaign(client, campaign):
    campaign.opens_on = timezone.localdate() + timedelta(days=1)
    campaign.closes_on = timezone.localdate() + timedelta(days=5)
    campaign.save()
    assert 'data-error="closed"' in client.get(url(campaign)).content.decode()
    response = client.post(url(campaign), post_data(campaign))
    assert response.status_code == 400
    assert re.search(r'data-error="[^"]*\bclosed\b', response.content.decode())
    assert not Response.objects.exists()


def test_unknown_code_is_404(client, campaign):
    assert client.get("/s/nope1234").status_code == 404


def test_rate_limit_per_address_and_bursts_per_device(client, campaign, settings):
    settings.ZONA_SURVEY_NETWORK_FLAG_AFTER = 3
    settings.ZONA_SURVEY_NETWORK_REFUSE_AFTER = 4
    settings.ZONA_SURVEY_DEVICE_FLAG_AFTER = 10
    client.get(url(campaign))  # gets a device cookie
    codes = [client.post(url(campaign), post_data(campaign)).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 302, 429]
    flags = sorted(len(r.flags) and "burst" in r.flags for r in Response.objects.all())
    assert flags == [False, False, False, True]
    # A retry of a stored response is never refused.
    stored_key = Response.objects.order_by("?")[0].idempotency_key
    assert client.post(url(campaign), post_data(campaign, key=stored_key)).status_code == 302


def test_kiosk(client, campaign, world, instruments):
    kiosk = kiosk_open(
        actor=world["operator"], campaign=campaign, name="Tablet 1", location="Loket paspor"
    )
    page = client.get(url(campaign, "kiosk", kiosk.key))
    assert page.status_code == 200
    html = page.content.decode()
    assert "kiosk.js" in html
    assert "data-kiosk" in html
    assert client.get(url(campaign, "kiosk", "wrong")).status_code == 404
    assert "Tablet 1" in html
    assert "Loket paspor" in html
    # A kiosk opens only on its own campaign.
    other = make_campaign(world, instruments, period_label="Semester II")
    assert client.get(url(other, "kiosk", kiosk.key)).status_code == 404
    data = post_data(campaign, kiosk=kiosk.key, t="")
    response = client.post(url(campaign), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    stored = Response.objects.get()
    assert stored.channel == Channel.KIOSK
    assert stored.flags == []
    kiosk.refresh_from_db()
    assert kiosk.responses == 1
    retired = client.post(
        url(campaign),
        post_data(campaign, kiosk="old-key", elapsed="95"),
        HTTP_ACCEPT="application/json",
    )
    assert retired.status_code == 403
    assert retired.json()["error"]["code"] == "kiosk_retired"


def test_public_results_only_when_published(client, campaign):
    assert client.get(url(campaign, "results")).status_code == 404
    campaign.results_public = True
    campaign.save()
    for _ in range(3):
        client.post(url(campaign), post_data(campaign, service=str(service_id(campaign, "IZIN"))))
    # The campaign's figures appear from k (5) responses; each service stays under k.
    for _ in range(2):
        client.post(url(campaign), post_data(campaign))
    html = client.get(url(campaign, "results")).content.decode()
    # (6 + 5 + 6 + 4 + 6) / 5 x 4 / 6 = 3.60, written the Indonesian way.
    assert re.search(r"IPAK:\s*<strong>3,60</strong> / 4", html)
    # Too few responses per service to show that service.
    assert "Layanan Izin Tinggal" not in html


def test_the_form_is_a_few_kilobytes_on_the_wire(client, campaign):
    response = client.get(url(campaign), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 8_000  # three instruments, 22 questions
    # The kiosk page carries the kiosk key and is never compressed (no BREACH oracle).
    device = Kiosk.objects.create(campaign=campaign, name="T", location="L")
    kiosk = client.get(url(campaign, "kiosk", device.key), HTTP_ACCEPT_ENCODING="gzip")
    assert kiosk.status_code == 200
    assert "Content-Encoding" not in kiosk


def test_a_changed_campaign_shows_at_once_despite_the_form_cache(client, campaign, world):
    from zona.surveys.services import campaign_update

    from .test_services import fields_of

    assert "Layanan Izin Tinggal" in client.get(url(campaign)).content.decode()
    paspor = service_id(campaign, "PASPOR")
    campaign_update(
        actor=world["operator"],
        campaign=campaign,
        fields=fields_of(campaign, populations={paspor: 50}),
    )
    assert "Layanan Izin Tinggal" not in client.get(url(campaign)).content.decode()


def test_a_submission_is_a_handful_of_queries(client, campaign, django_assert_max_num_queries):
    client.post(url(campaign), post_data(campaign), HTTP_ACCEPT="application/json")  # warm
    # campaign, stored-key check, response insert, answers insert (+ transaction statements)
    data = post_data(campaign)
    with django_assert_max_num_queries(6):
        response = client.post(url(campaign), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 201


def test_a_form_token_serves_one_submission(client, campaign):
    data = post_data(campaign)
    assert client.post(url(campaign), data).status_code == 302
    # The same token with a new response key is refused: a token names its one response.
    again = dict(data, key=uuid.uuid4().hex)
    response = client.post(url(campaign), again, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "expired"
    # Sending the same form again stores nothing new.
    assert client.post(url(campaign), data).status_code == 302
    assert Response.objects.count() == 1


def test_the_duration_is_measured_by_the_server(client, campaign):
    # A client's "elapsed" is ignored: the form was served just now, so this was too fast.
    client.post(url(campaign), post_data(campaign, elapsed="600"))
    assert Response.objects.get().flags == ["too_fast"]


def test_every_required_item_must_be_answered(client, campaign):
    skm = next(v for v in campaign.ordered_versions() if v.instrument.key == "skm")
    one = post_data(campaign, spak=(6,))
    response = client.post(url(campaign), one, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    fields = {p["field"] for p in response.json()["error"]["problems"]}
    assert fields == {"spak.Q2", "spak.Q3", "spak.Q4", "spak.Q5"}
    eight = post_data(campaign, **{f"a-{skm.pk}-Q{i}": "3" for i in range(1, 9)})
    response = client.post(url(campaign), eight, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert [p["field"] for p in response.json()["error"]["problems"]] == ["skm.Q9"]
    assert not Response.objects.exists()
    nine = dict(eight, **{f"a-{skm.pk}-Q9": "4"})
    assert client.post(url(campaign), nine, HTTP_ACCEPT="application/json").status_code == 201


def test_repeated_answer_patterns_are_flagged(client, campaign, settings):
    settings.ZONA_SURVEY_REPEAT_FLAG_AFTER = 2
    for i in range(3):
        client.cookies[DEVICE_COOKIE] = f"phone-{i}"
        client.post(
            url(campaign), post_data(campaign, spak=(6, 6, 5, 6, 6)), REMOTE_ADDR=f"10.0.0.{i}"
        )
    flags = sorted("repeated" in r.flags for r in Response.objects.all())
    assert flags == [False, False, True]


def test_a_service_hall_on_one_address_is_not_refused(client, campaign):
    """About 18 submissions from one address were refused; a hall sends many more."""
    for i in range(150):
        client.cookies[DEVICE_COOKIE] = f"phone-{i}"
        spak = (4 + i % 3, 5, 4 + i % 2, 6, 5)
        response = client.post(
            url(campaign), post_data(campaign, spak=spak), REMOTE_ADDR="10.9.9.9"
        )
        assert response.status_code == 302, i
    assert Response.objects.count() == 150
    # Past ZONA_SURVEY_NETWORK_FLAG_AFTER (120 an hour) they are flagged for review, not lost.
    assert sum("burst" in r.flags for r in Response.objects.all()) == 30


def test_the_refusal_keeps_the_answers_and_says_what_to_do(client, campaign, settings):
    settings.ZONA_SURVEY_NETWORK_REFUSE_AFTER = 1
    client.post(url(campaign), post_data(campaign), REMOTE_ADDR="10.1.1.1")
    data = post_data(campaign, spak=(4, 5, 6, 5, 4))
    refused = client.post(url(campaign), data, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    html = refused.content.decode()
    spak = next(v for v in campaign.ordered_versions() if v.instrument.key == "spak")
    assert re.search(rf'name="a-{spak.pk}-Q1" id="a-{spak.pk}-Q1-4" value="4"\s+checked', html)
    assert 'role="alert"' in html
    assert 'value="{}"'.format(data["key"]) in html
