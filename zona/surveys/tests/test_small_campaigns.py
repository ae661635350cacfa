"""A campaign under k counted responses shows counts, never figures (issue 8 §3): with 1-4
responses a counter officer could read the answers of the people just served. The LKE's
survey index is not a shown figure and is not affected."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from zona.surveys.selectors import survey_indices_for
from zona.surveys.tests.conftest import submit


def _summary(client, campaign) -> list[dict[str, str]]:
    response = client.get(reverse("surveys:export_summary", args=[campaign.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_figures_appear_from_k_responses(client_for, world, campaign, settings):
    settings.ZONA_SURVEY_MIN_GROUP = 5
    for _ in range(4):
        submit(campaign, spak=[6, 1, 6, 1, 6])
    operator = client_for(world["operator"])
    url = reverse("surveys:campaign_results", args=[campaign.pk])
    page = operator.get(url)
    spak = next(r for r in page.context["results"] if r.version.instrument.key == "spak")
    assert spak.respondents == 4
    assert spak.withheld
    assert spak.shown is None
    assert all(i.mean is None for i in spak.items)
    assert [i.stat.answered for i in spak.items] == [4] * 5  # the counts stay
    assert 'data-testid="withheld-spak"' in page.content.decode()
    assert all(v is None for p in page.context["trend"] for v in p.values.values())

    rows = [r for r in _summary(operator, campaign) if r["instrument"] == "spak"]
    assert rows
    assert all(r["mean"] == "" for r in rows)
    assert {r["answered"] for r in rows if r["item"] != "INDEX"} == {"4"}

    api = operator.get(f"/api/v1/surveys/campaigns/{campaign.pk}/results/").json()
    api_spak = next(r for r in api["results"] if r["instrument"] == "spak")
    assert api_spak["index"] is None

    # The LKE's index is taken as it is, whatever k says.
    assert survey_indices_for(campaign.unit, campaign.year)["ipak"] is not None

    submit(campaign, spak=[6, 1, 6, 1, 6])
    page = operator.get(url)
    spak = next(r for r in page.context["results"] if r.version.instrument.key == "spak")
    assert not spak.withheld
    assert spak.shown is not None
    assert [i.mean for i in spak.items][:2] == [6, 1]
    assert any(v is not None for p in page.context["trend"] for v in p.values.values())
