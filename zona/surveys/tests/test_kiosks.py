"""Kiosks are registered devices with a place, paced by the server, shown to reviewers, and
their share of responses is shown apart (issue 8, section 2)."""

import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied
from zona.surveys.models import Channel, Kiosk, Response
from zona.surveys.selectors import survey_indices_for
from zona.surveys.services.kiosks import kiosk_close, kiosk_open

from .conftest import service_id, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kiosk(world, campaign) -> Kiosk:
    return kiosk_open(
        actor=world["operator"], campaign=campaign, name="Tablet 1", location="Loket paspor"
    )


def kiosk_post(client, campaign, kiosk, spak):
    versions = {v.instrument.key: v for v in campaign.ordered_versions()}
    data = {
        "kiosk": kiosk.key,
        "key": uuid.uuid4().hex,
        "lang": "id",
        "served": "yes",
        "service": str(service_id(campaign)),
        "when": "today",
    }
    for code, value in zip(versions["spak"].item_codes, spak, strict=True):
        data[f"a-{versions['spak'].pk}-{code}"] = str(value)
    return client.post(
        reverse("survey_public:form", args=[campaign.public_code]),
        data,
        HTTP_ACCEPT="application/json",
    )


def test_rapid_kiosk_posts_do_not_move_the_index(client, world, campaign, kiosk):
    # The unit's own figure before: 3.33 on the IPAK scale, under a 3.5 bar.
    for _ in range(4):
        submit(campaign, spak=[5] * 5)
    before = survey_indices_for(world.bandung, campaign.year)["ipak"]
    assert before is not None
    assert before < Decimal("3.50")
    codes = [kiosk_post(client, campaign, kiosk, [6] * 5).status_code for _ in range(100)]
    assert codes[0] == 201
    assert codes.count(429) == 99
    refused = kiosk_post(client, campaign, kiosk, [6] * 5)
    assert refused.json()["error"]["code"] == "kiosk_pace"
    assert 0 < int(refused["Retry-After"]) <= 45
    after = survey_indices_for(world.bandung, campaign.year)["ipak"]
    assert after is not None
    assert after < Decimal("3.50")
    assert Response.objects.filter(channel=Channel.KIOSK).count() == 1
    kiosk.refresh_from_db()
    assert kiosk.responses == 1


def test_a_kiosk_at_human_pace_is_counted_and_flagged_past_its_hourly_share(
    client, campaign, kiosk, settings, monkeypatch
):
    settings.ZONA_SURVEY_KIOSK_FLAG_AFTER = 2
    now = [1_000_000.0]
    monkeypatch.setattr("zona.surveys.throttle.time.time", lambda: now[0])
    answers = ([5, 6, 5, 6, 5], [6, 5, 6, 5, 6], [4, 5, 6, 5, 4])
    for spak in answers:
        assert kiosk_post(client, campaign, kiosk, spak).status_code == 201
        now[0] += 60
    # Minutes apart is human: stored. Past two an hour, flagged for the reviewers.
    flags = [r.flags for r in Response.objects.filter(channel=Channel.KIOSK)]
    assert sorted(flags) == [[], [], ["burst"]]


def test_a_closed_kiosk_is_refused(client, world, campaign, kiosk):
    kiosk_close(actor=world["operator"], kiosk=kiosk)
    response = kiosk_post(client, campaign, kiosk, [5] * 5)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "kiosk_retired"
    page = client.get(reverse("survey_public:kiosk", args=[campaign.public_code, kiosk.key]))
    assert page.status_code == 404
    assert AuditEvent.objects.filter(action="survey.kiosk_opened").count() == 1
    assert AuditEvent.objects.filter(action="survey.kiosk_closed").count() == 1


def test_only_managers_open_kiosks(world, campaign):
    with pytest.raises(PermissionDenied):
        kiosk_open(actor=world["tpi_reviewer"], campaign=campaign, name="T", location="L")
    with pytest.raises(PermissionDenied):
        kiosk_open(actor=world["other_operator"], campaign=campaign, name="T", location="L")


def test_kiosk_page_for_managers_reviewers_and_others(client_for, world, campaign, kiosk):
    url = reverse("surveys:kiosks", args=[campaign.pk])
    submit(campaign, spak=[5] * 5, channel=Channel.KIOSK)
    submit(campaign, spak=[6, 5, 6, 5, 6])
    html = client_for(world["operator"]).get(url).content.decode()
    assert "Tablet 1" in html
    assert kiosk.key in html
    reviewer = client_for(world["tpi_reviewer"]).get(url)
    text = reviewer.content.decode()
    assert reviewer.status_code == 200
    assert "Tablet 1" in text
    assert "Loket paspor" in text
    assert kiosk.key not in text
    assert 'data-testid="channel-share"' in text
    share = reviewer.context["share"]
    assert (share.kiosk, share.counted, share.kiosk_percent) == (1, 2, Decimal("50.0"))
    assert client_for(world["other_operator"]).get(url).status_code == 404
    # Opening through the page; a reviewer may not.
    client_for(world["operator"]).post(url, {"name": "Tablet 2", "location": "Loket izin"})
    assert Kiosk.objects.filter(campaign=campaign).count() == 2
    assert (
        client_for(world["tpi_reviewer"]).post(url, {"name": "X", "location": "Y"}).status_code
        == 404
    )
    close = reverse("surveys:kiosk_close", args=[campaign.pk, kiosk.pk])
    assert client_for(world["other_operator"]).post(close).status_code == 404
    assert client_for(world["tpi_reviewer"]).post(close).status_code == 404
    client_for(world["operator"]).post(close)
    kiosk.refresh_from_db()
    assert not kiosk.is_open
    # The validation and results pages show the kiosk share apart too.
    for name in ("validation", "campaign_results"):
        page = client_for(world["tpi_reviewer"]).get(reverse(f"surveys:{name}", args=[campaign.pk]))
        assert 'data-testid="channel-share"' in page.content.decode()
