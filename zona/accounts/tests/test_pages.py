"""The administration pages as an agency admin uses them."""

from __future__ import annotations

from typing import cast

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.accounts.testing import add_unit


@pytest.fixture
def admin(world, client):
    client.force_login(world["agency_admin"])
    return client


def error_codes(response) -> dict[str, list[str]]:
    """The refusals on the page's form, by field, as codes (not their wording)."""
    errors = response.context["form"].errors.as_data()
    return {field: [e.code for e in found] for field, found in errors.items()}


def test_unit_form_errors_are_indonesian_and_keep_the_input(admin, world):
    response = admin.post(
        reverse("accounts:unit_create"),
        {
            "parent": world.bandung.code,
            "code": "KC-BGR",
            "name": "Pos Pelayanan Dago",
            "kind": "ministry",
            "region": "Kota Bandung",
        },
    )
    assert response.status_code == 200
    assert error_codes(response) == {"code": ["duplicate_code"], "kind": ["kind_level"]}
    html = response.content.decode()
    # Shown in Indonesian: the catalogue's translation, whatever its wording.
    with translation.override("id"):
        shown = gettext("Another unit already uses this code.")
    assert shown != "Another unit already uses this code."
    assert shown in html
    assert 'value="Pos Pelayanan Dago"' in html
    assert 'value="Kota Bandung"' in html
    assert "is-invalid" in html
    assert not Unit.objects.filter(name="Pos Pelayanan Dago").exists()


def test_unit_create_under_a_parent_then_edit_service_types(admin, world):
    page = admin.get(reverse("accounts:unit_create"), {"parent": world.bandung.pk})
    assert page.context["form"].initial["parent"] == world.bandung
    response = admin.post(
        reverse("accounts:unit_create"),
        {
            "parent": world.bandung.code,
            "code": "kc-dago",
            "name": "Pos Dago",
            "kind": "other",
            "echelon": "4",
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(code="KC-DAGO")
    assert response["Location"] == reverse("accounts:unit_edit", args=[unit.pk])
    response = admin.post(
        reverse("accounts:unit_edit", args=[unit.pk]),
        {
            "parent": world.bandung.code,
            "code": "KC-DAGO",
            "name": "Pos Dago",
            "kind": "other",
            "echelon": "4",
            "is_active": "on",
            "svc-TOTAL_FORMS": "2",
            "svc-INITIAL_FORMS": "0",
            "svc-0-code": "sim",
            "svc-0-name": "Layanan SIM",
            "svc-0-is_active": "on",
            "svc-1-code": "",
            "svc-1-name": "",
        },
    )
    assert response.status_code == 302
    assert list(unit.service_types.values_list("code", "name")) == [("SIM", "Layanan SIM")]


def test_unit_list_tree_search_and_subtree(admin, world):
    response = admin.get(reverse("accounts:unit_list"))
    codes = [r["unit"].code for r in response.context["rows"]]
    assert codes[0] == "KC"
    assert "KL" not in codes
    assert len(codes) == 8
    indents = {r["unit"].code: r["indent"] for r in response.context["rows"]}
    assert indents["KC"] == 0
    assert indents["KC-BDG"] == 3
    response = admin.get(reverse("accounts:unit_list"), {"q": "satker"})
    rows = response.context["rows"]
    assert [r["unit"].code for r in rows] == ["KC-BDG", "KC-BGR", "KC-SBY"]
    assert rows[0]["parent"] == world.kanwil_jabar
    response = admin.get(reverse("accounts:unit_list"), {"under": world.kanwil_jatim.pk})
    assert [r["unit"].code for r in response.context["rows"]] == ["KC-JATIM", "KC-SBY"]


def test_unit_list_is_paginated_with_constant_queries(admin, world, django_assert_max_num_queries):
    for i in range(120):
        add_unit(world.kanwil_jatim, code=f"KC-J{i:03}", name=f"Satker J{i:03}", kind="satker")
    with django_assert_max_num_queries(12):
        response = admin.get(reverse("accounts:unit_list"), {"page": 2})
    assert response.context["page"].paginator.count == 128
    assert len(response.context["rows"]) == 50
    with django_assert_max_num_queries(12):
        admin.get(reverse("accounts:unit_list"), {"q": "J0"})


def test_user_list_queries_do_not_grow_with_users(admin, world, django_assert_max_num_queries):
    from zona.accounts.testing import UserFactory, assign

    for i in range(30):
        u = cast(User, UserFactory(username=f"staf{i}", home_unit=world.surabaya))
        assign(u, Role.VIEWER, world.surabaya)
    with django_assert_max_num_queries(10):
        response = admin.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    names = [u.username for u in response.context["page"]]
    assert "outsider" not in names
    assert "tpn" not in names
    assert "sysadmin" not in names
    response = admin.get(reverse("accounts:user_list"), {"role": "working_group"})
    assert [u.username for u in response.context["page"]] == ["wg_member"]


def test_create_user_then_give_roles(admin, world):
    response = admin.post(
        reverse("accounts:user_create"),
        {
            "username": "dewi",
            "full_name": "Dewi",
            "email": "dewi@example.go.id",
            "home_unit": world.bandung.code,
            "is_active": "on",
            "password1": "Rahasia-Zona-2026",
            "password2": "Rahasia-Zona-2026",
        },
    )
    dewi = User.objects.get(username="dewi")
    assert response["Location"] == reverse("accounts:user_edit", args=[dewi.pk])
    assert dewi.check_password("Rahasia-Zona-2026")
    # A reviewer without a tier: the error is shown and the choices stay as entered.
    response = admin.post(
        reverse("accounts:role_add", args=[dewi.pk]),
        {"role": Role.REVIEWER, "unit": world.kanwil_jabar.code, "covers_subtree": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Penilai memerlukan tingkat penilaian." in html
    assert response.context["role_form"]["covers_subtree"].value() is True
    assert not RoleAssignment.objects.filter(user=dewi).exists()
    response = admin.post(
        reverse("accounts:role_add", args=[dewi.pk]),
        {
            "role": Role.REVIEWER,
            "unit": world.kanwil_jabar.code,
            "covers_subtree": "on",
            "review_tier": world.tier_kanwil.pk,
        },
    )
    assert response.status_code == 302
    response = admin.post(
        reverse("accounts:role_add", args=[dewi.pk]),
        {"role": Role.WORKING_GROUP, "unit": world.bandung.code, "lke_areas": ["3", "B"]},
    )
    assert response.status_code == 302
    assert sorted(dewi.role_assignments.values_list("role", flat=True)) == [
        Role.REVIEWER,
        Role.WORKING_GROUP,
    ]
    a = dewi.role_assignments.get(role=Role.REVIEWER)
    response = admin.post(reverse("accounts:role_revoke", args=[dewi.pk, a.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()


def test_user_edit_errors_keep_the_input(admin, world):
    user = world["operator"]
    response = admin.post(
        reverse("accounts:user_edit", args=[user.pk]),
        {
            "full_name": "Nama Baru",
            "email": "viewer@example.go.id",
            "nip": "1975",
            "home_unit": world.bandung.code,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert error_codes(response) == {"email": ["duplicate_email"]}
    html = response.content.decode()
    assert 'value="Nama Baru"' in html
    assert 'value="1975"' in html
    user.refresh_from_db()
    assert user.full_name != "Nama Baru"


def test_agency_settings_and_tiers(admin, world):
    response = admin.post(
        reverse("accounts:tier_create"),
        {"agency": world.agency.pk, "code": "tpm", "name": "TPM Itjen", "rank": 20},
    )
    assert response.status_code == 302
    assert world.agency.review_tiers.filter(code="tpm").exists()
    response = admin.post(
        reverse("accounts:tier_create"),
        {"agency": world.agency.pk, "code": "Bad Code", "name": "", "rank": 0},
    )
    assert response.status_code == 200
    assert response.context["tier_form"].errors
    response = admin.post(reverse("accounts:tier_delete", args=[world.tier_kanwil.pk]), follow=True)
    assert "masih" in response.content.decode()  # still assigned: refused with a message
    assert world.agency.review_tiers.filter(code="kanwil").exists()
    # Last: the switch covers the agency's administrators too, this one included.
    response = admin.post(
        reverse("accounts:agency_mfa", args=[world.agency.pk]),
        {"mfa_required_for_reviewers": "on"},
    )
    assert response.status_code == 302
    world.agency.refresh_from_db()
    assert world.agency.mfa_required_for_reviewers
