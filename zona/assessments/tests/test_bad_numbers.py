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
