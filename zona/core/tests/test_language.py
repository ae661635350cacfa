import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_indonesian_even_when_the_browser_asks_for_english(client: Client) -> None:
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


@pytest.mark.django_db
def test_the_switch_changes_the_language(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="id")
    assert 'lang="en"' in response.content.decode()
