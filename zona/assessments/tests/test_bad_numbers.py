"""Bad numbers in assessment pages give an answer, never a 500 (issue 8, §6)."""

import pytest
from django.test import Client
from django.urls import reverse

from zona.assessments.models import Assessment


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999", "9" * 400])
def test_adding_units_to_a_period_ignores_ids_that_are_not_ids(world, period, value):
    client = Client(raise_request_exception=False)
    client.force_login(world["agency_admin"])
    response = client.post(
        reverse("assessments:period_detail", args=[period.pk]),
        {"units": [value, world.bandung.pk]},
    )
    assert response.status_code == 302
    assert list(Assessment.objects.filter(period=period).values_list("unit", flat=True)) == [
        world.bandung.pk
    ]


API = "/api/v1"
BAD = ["²", "١٢", "99999999999999999999", "9" * 400]


@pytest.mark.parametrize("value", BAD)
def test_api_writes_with_bad_numbers_never_give_a_500(world, assessment, value):
    client = Client(raise_request_exception=False)
    client.force_login(world["operator"])
    base = f"{API}/assessments/{assessment.pk}"
    # Arabic-Indic digits are digits to int(), and DRF reads them as a number; the other
    # values are refused. A revision only matters once the answer exists.
    refuse = value != "١٢"
    writes = [
        (client.put, f"{base}/answers/A.p.m.1.b/", {"value": "A", "revision": value}, False),
        (
            client.put,
            f"{base}/answers/A.r.m.1.a/",
            {"value": {"change_agents": value, "changes_made": 1}, "revision": 0},
            value == "²",  # how large a count may be is the framework's bound
        ),
        (client.put, f"{base}/answers/B.1.a/", {"value": value, "revision": 0}, refuse),
        (client.post, f"{base}/evidence-links/", {"evidence": value, "item": "A.p.m.1.b"}, True),
    ]
    for method, path, body, must_refuse in writes:
        response = method(path, body, content_type="application/json")
        assert response.status_code < 500, (path, response.status_code)
        if must_refuse:
            assert response.status_code >= 400, (path, body)
