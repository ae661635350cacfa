"""The menu by role: agency pages are linked for the user's own agency, national pages only
for national users, and nobody gets an entry for a page they cannot open."""

from __future__ import annotations

from django.urls import reverse

from zona.home.nav import nav_for


def urls(user) -> set[str]:
    return {entry["url"] for entry in nav_for(user)}


def test_agency_admin_gets_their_agencys_pages(world) -> None:
    got = urls(world["agency_admin"])
    assert reverse("insight:agency_dashboard", args=[world.agency.pk]) in got
    assert reverse("national:proposals", args=[world.agency.pk]) in got
    assert reverse("national:zi_home") in got
    assert reverse("insight:national") not in got
    assert reverse("national:settings") not in got


def test_a_reviewer_lower_in_the_tree_gets_the_agency_root(world) -> None:
    got = urls(world["kanwil_reviewer"])
    assert reverse("insight:agency_dashboard", args=[world.agency.pk]) in got
    assert reverse("national:proposals", args=[world.agency.pk]) not in got


def test_unit_people_get_no_agency_or_national_pages(world) -> None:
    got = urls(world["operator"])
    assert not any(u.startswith("/agencies/") or u.startswith("/national") for u in got)
    assert reverse("national:tpn_queue") not in got
    assert reverse("national:zi_home") in got


def test_national_users(world) -> None:
    tpn = urls(world["tpn"])
    assert {reverse("national:tpn_queue"), reverse("insight:national")} <= tpn
    assert reverse("national:settings") not in tpn
    assert not any(u.startswith("/agencies/") for u in tpn)
    admin = urls(world["sysadmin"])
    assert reverse("national:settings") in admin
