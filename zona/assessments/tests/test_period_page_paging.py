"""The period page pages its sheets and says when the units offered for new sheets are cut."""

from django.urls import reverse

from zona.assessments.tests.factories import make_assessment
from zona.assessments.views import periods as period_views


def test_the_period_page_shows_one_page_of_sheets(client_for, world, period, monkeypatch):
    monkeypatch.setattr(period_views, "SHEETS_PER_PAGE", 1)
    make_assessment(period, world.bandung)
    make_assessment(period, world.bogor)
    client = client_for(world["agency_admin"])
    url = reverse("assessments:period_detail", args=[period.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    # Sheets go in tree order, one per page; the count is the period's.
    sheets = [("Satker Bandung" in page, "Satker Bogor" in page) for page in (first, second)]
    assert sorted(sheets) == [(False, True), (True, False)]
    assert "2 penilaian" in first
    assert "Halaman 1 dari 2" in first
    # A unit with a sheet on another page is still not offered again.
    offered = client.get(url, {"kind": ""}).context["candidates"]
    assert {world.bandung.pk, world.bogor.pk}.isdisjoint(u.pk for u in offered)
    assert client_for(world["outsider"]).get(url, {"page": 2}).status_code == 404


def test_a_cut_list_of_units_says_so(client_for, world, period, monkeypatch):
    monkeypatch.setattr(period_views, "CANDIDATES_SHOWN", 1)
    client = client_for(world["agency_admin"])
    url = reverse("assessments:period_detail", args=[period.pk])
    r = client.get(url, {"kind": ""})
    assert len(r.context["candidates"]) == 1
    assert 'data-testid="candidates-more"' in r.content.decode()
    r = client.get(url, {"kind": "", "q": "Bandung"})
    assert [u.pk for u in r.context["candidates"]] == [world.bandung.pk]
    assert 'data-testid="candidates-more"' not in r.content.decode()
