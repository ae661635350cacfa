"""The agency list: 50 a page, a search by name or code, only the agencies one administers."""

import pytest
from django.urls import reverse

from zona.accounts.testing import add_unit

URL = reverse("accounts:agency_list")


def _names(response) -> list[str]:
    return [a.name for a in response.context["agencies"]]


@pytest.fixture
def many(world):
    # 60 more agencies: with the world's two, 62 roots, two pages of 50.
    return [
        add_unit(None, code=f"AG{i:03d}", name=f"Badan Contoh {i:03d}", kind="ministry")
        for i in range(60)
    ]


@pytest.mark.django_db
def test_pages_of_fifty_in_name_order(world, many, client_for):
    client = client_for(world["sysadmin"])
    first = client.get(URL)
    assert first.status_code == 200
    page = first.context["page"]
    assert page.paginator.count == 62
    assert len(_names(first)) == 50
    assert _names(first) == sorted(_names(first))
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(_names(second)) == 12
    assert not set(_names(first)) & set(_names(second))
    # A page out of range or not a number shows a page, never an error.
    assert client.get(URL, {"page": "999"}).context["page"].number == 2
    assert client.get(URL, {"page": "abc"}).context["page"].number == 1


@pytest.mark.django_db
def test_search_by_name_or_code_keeps_the_query_in_the_page_links(world, many, client_for):
    client = client_for(world["sysadmin"])
    by_code = client.get(URL, {"q": "ag007"})
    assert _names(by_code) == ["Badan Contoh 007"]
    by_name = client.get(URL, {"q": "Badan Contoh 00"})
    assert len(_names(by_name)) == 10
    assert client.get(URL, {"q": world.agency.name}).context["page"].paginator.count == 1
    nothing = client.get(URL, {"q": "tidak ada yang begini"})
    assert _names(nothing) == []
    assert "page=2" not in nothing.content.decode()  # no pages to link
    assert "Tidak ada instansi yang cocok dengan pencarian." in nothing.content.decode()
    # A long query is cut, not an error; the page links carry the search.
    assert client.get(URL, {"q": "x" * 5000}).status_code == 200
    paged = client.get(URL, {"q": "Badan"})
    assert paged.context["page"].paginator.count == 60
    assert "?q=Badan&page=2" in paged.content.decode()


@pytest.mark.django_db
def test_an_agency_admin_finds_only_their_own_agency(world, many, client_for):
    client = client_for(world["agency_admin"])
    response = client.get(URL)
    assert _names(response) == [world.agency.name]
    assert _names(client.get(URL, {"q": world.other_agency.name})) == []
    assert _names(client.get(URL, {"q": "AG007"})) == []


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["operator", "outsider"])
def test_users_without_the_right_get_404(world, client_for, username):
    assert client_for(world[username]).get(URL, {"q": "a", "page": 2}).status_code == 404
