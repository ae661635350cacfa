"""The shell: home page with the units in scope, navigation by role, language switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zona.accounts.models import Unit

IN_SCOPE = {
    "sysadmin": None,  # every unit
    # The TPN sees nominated units only (none in the bare world).
    "tpn": set(),
    "agency_admin": {
        "KC",
        "KC-DJP",
        "KC-JABAR",
        "KC-JATIM",
        "KC-BDG",
        "KC-BGR",
        "KC-SBY",
        "KC-ITJ",
    },
    "tpi_reviewer": {
        "KC",
        "KC-DJP",
        "KC-JABAR",
        "KC-JATIM",
        "KC-BDG",
        "KC-BGR",
        "KC-SBY",
        "KC-ITJ",
    },
    "kanwil_reviewer": {"KC-JABAR", "KC-BDG", "KC-BGR"},
    "operator": {"KC-BDG"},
    "wg_member": {"KC-BDG"},
    "unit_head": {"KC-BDG"},
    "viewer": {"KC-BDG"},
    "other_operator": {"KC-BGR"},
    "outsider": {"KL-SAT"},
}


@pytest.mark.parametrize("persona", sorted(IN_SCOPE))
def test_home_shows_exactly_the_units_in_scope(world, client, persona):
    client.force_login(world[persona])
    response = client.get(reverse("home:home"))
    shown = {u.code for u in response.context["page"]}
    scope = IN_SCOPE[persona]
    expected = set(Unit.objects.values_list("code", flat=True)) if scope is None else scope
    assert shown == expected
    html = response.content.decode()
    for code in set(Unit.objects.values_list("code", flat=True)) - expected:
        assert f">{code}<" not in html


NAV = {
    "sysadmin": {"Beranda", "Unit kerja", "Pengguna", "Log audit"},
    "agency_admin": {"Beranda", "Unit kerja", "Pengguna", "Log audit"},
    "operator": {"Beranda"},
    "viewer": {"Beranda"},
}


@pytest.mark.parametrize("persona", sorted(NAV))
def test_navigation_by_role(world, client, persona):
    client.force_login(world[persona])
    items = {str(i["label"]) for i in client.get(reverse("home:home")).context["nav_items"]}
    admin_pages = {"Unit kerja", "Pengguna", "Log audit"}
    assert items & (admin_pages | {"Beranda"}) == NAV[persona]


def test_indonesian_by_default_and_english_on_request(world, client):
    client.force_login(world["agency_admin"])
    html = client.get(reverse("home:home")).content.decode()
    assert '<html lang="id">' in html
    assert "Unit dalam cakupan Anda" in html
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:unit_list")}
    )
    assert response.status_code == 302
    html = client.get(reverse("accounts:unit_list")).content.decode()
    assert '<html lang="en">' in html
    assert "New unit" in html
    assert "Unit baru" not in html
    html = client.get(reverse("home:home")).content.decode()
    assert "Units in your scope" in html
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Unit baru" in client.get(reverse("accounts:unit_list")).content.decode()


def test_login_page_in_both_languages(client, db):
    assert "Masuk ke Zona" in client.get(reverse("account_login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in to Zona" in client.get(reverse("account_login")).content.decode()


def test_pages_carry_no_inline_scripts_or_styles(world, client):
    client.force_login(world["agency_admin"])
    for name in ("home:home", "accounts:unit_list", "accounts:user_list", "audit:event_list"):
        html = client.get(reverse(name)).content.decode()
        assert "<style" not in html
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith("src="), name
    response = client.get(reverse("home:home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
