"""Bad numbers in survey pages and the public form get an answer, never a 500 (issue 8, §6)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from zona.surveys.models import Response

from .test_public import post_data, url

pytestmark = pytest.mark.django_db

BAD = ["²", "١٢", "99999999999999999999", "9" * 400]


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("value", BAD)
def test_public_form_with_unicode_digits_in_answers_or_service(anon, campaign, value):
    data = post_data(campaign)
    answer = next(k for k in data if k.startswith("a-"))
    response = anon.post(url(campaign), {**data, answer: value})
    assert response.status_code == 400
    assert not Response.objects.exists()
    data = post_data(campaign)
    response = anon.post(url(campaign), {**data, "service": value})
    assert response.status_code < 500
    version = answer.split("-")[1]
    response = anon.post(
        url(campaign), {**post_data(campaign), answer.replace(version, value): "6"}
    )
    assert response.status_code < 500


@pytest.mark.parametrize("value", BAD)
def test_campaign_pages_with_bad_numbers_in_filters(world, campaign, value):
    client = Client(raise_request_exception=False)
    client.force_login(world["operator"])
    response = client.get(reverse("surveys:campaign_list"), {"year": value})
    assert response.status_code == 200
    results = reverse("surveys:campaign_results", args=[campaign.pk])
    assert client.get(results, {"service": value}).status_code == 200
