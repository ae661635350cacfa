"""Who sees and changes what: every persona of the `world` against every page and endpoint
of accounts, audit and home. Missing and forbidden both answer 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.accounts.testing import World
from zona.audit.models import AuditEvent

PERSONAS = [
    "sysadmin",
    "agency_admin",
    "operator",
    "wg_member",
    "unit_head",
    "kanwil_reviewer",
    "tpi_reviewer",
    "tpn",
    "viewer",
    "other_operator",
    "outsider",
]
EVERYONE = frozenset(PERSONAS)
ADMINS = frozenset({"sysadmin", "agency_admin"})
SYSADMIN = frozenset({"sysadmin"})
# Who may see Satker Bandung: its own roles, the reviewers above it, the agency, the system
# administrator. The TPN sees a unit only once it is nominated (test_tpn_sees_a_unit_once_
# nominated).
SEE_BANDUNG = frozenset(
    {
        "sysadmin",
        "agency_admin",
        "operator",
        "wg_member",
        "unit_head",
        "kanwil_reviewer",
        "tpi_reviewer",
        "viewer",
    }
)
SEE_OTHER_AGENCY = frozenset({"sysadmin", "outsider"})

# (name, url builder, personas that get 200; everyone else gets 404)
PAGES: list[tuple[str, Callable[[World], str], frozenset[str]]] = [
    ("home", lambda w: reverse("home:home"), EVERYONE),
    ("profile", lambda w: reverse("accounts:profile"), EVERYONE),
    ("unit_list", lambda w: reverse("accounts:unit_list"), ADMINS),
    ("unit_create", lambda w: reverse("accounts:unit_create"), ADMINS),
    (
        "unit_create_under_bandung",
        lambda w: reverse("accounts:unit_create") + f"?parent={w.bandung.pk}",
        ADMINS,
    ),
    (
        "unit_create_under_other_agency",
        lambda w: reverse("accounts:unit_create") + f"?parent={w.other_satker.pk}",
        SYSADMIN,
    ),
    ("unit_edit_bandung", lambda w: reverse("accounts:unit_edit", args=[w.bandung.pk]), ADMINS),
    (
        "unit_edit_other_agency",
        lambda w: reverse("accounts:unit_edit", args=[w.other_satker.pk]),
        SYSADMIN,
    ),
    ("unit_edit_missing", lambda w: reverse("accounts:unit_edit", args=[999999]), frozenset()),
    (
        "unit_list_under_other_agency",
        lambda w: reverse("accounts:unit_list") + f"?under={w.other_agency.pk}",
        SYSADMIN,
    ),
    ("user_list", lambda w: reverse("accounts:user_list"), ADMINS),
    ("user_create", lambda w: reverse("accounts:user_create"), ADMINS),
    (
        "user_edit_operator",
        lambda w: reverse("accounts:user_edit", args=[w["operator"].pk]),
        ADMINS,
    ),
    (
        "user_edit_outsider",
        lambda w: reverse("accounts:user_edit", args=[w["outsider"].pk]),
        SYSADMIN,
    ),
    # A national evaluator holds a global role: only a system admin manages that account.
    ("user_edit_tpn", lambda w: reverse("accounts:user_edit", args=[w["tpn"].pk]), SYSADMIN),
    ("user_edit_missing", lambda w: reverse("accounts:user_edit", args=[999999]), frozenset()),
    ("agency_list", lambda w: reverse("accounts:agency_list"), ADMINS),
    (
        "agency_settings_own",
        lambda w: reverse("accounts:agency_settings", args=[w.agency.pk]),
        ADMINS,
    ),
    (
        "agency_settings_other",
        lambda w: reverse("accounts:agency_settings", args=[w.other_agency.pk]),
        SYSADMIN,
    ),
    (
        "agency_settings_not_an_agency",
        lambda w: reverse("accounts:agency_settings", args=[w.bandung.pk]),
        frozenset(),
    ),
    ("tier_edit_kanwil", lambda w: reverse("accounts:tier_edit", args=[w.tier_kanwil.pk]), ADMINS),
    ("tier_edit_tpn", lambda w: reverse("accounts:tier_edit", args=[w.tier_tpn.pk]), SYSADMIN),
    ("import_units", lambda w: reverse("accounts:import_start", args=["units"]), ADMINS),
    ("import_users", lambda w: reverse("accounts:import_start", args=["users"]), ADMINS),
    ("import_unknown_kind", lambda w: reverse("accounts:import_start", args=["x"]), frozenset()),
    (
        "template_units",
        lambda w: reverse("accounts:import_template", args=["units"]),
        ADMINS,
    ),
    (
        "template_users",
        lambda w: reverse("accounts:import_template", args=["users"]),
        ADMINS,
    ),
    ("audit", lambda w: reverse("audit:event_list"), ADMINS),
    ("api_units", lambda w: reverse("api-unit-list"), EVERYONE),
    ("api_me", lambda w: reverse("api-me"), EVERYONE),
    ("api_unit_bandung", lambda w: reverse("api-unit-detail", args=[w.bandung.pk]), SEE_BANDUNG),
    (
        "api_unit_other_agency",
        lambda w: reverse("api-unit-detail", args=[w.other_satker.pk]),
        SEE_OTHER_AGENCY,
    ),
    ("api_unit_missing", lambda w: reverse("api-unit-detail", args=[999999]), frozenset()),
]


@pytest.mark.parametrize(("name", "url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_page_access(world, client, name, url, allowed):
    # One world per page, every persona in turn (a world per persona x page was most of
    # this file's time); a failure names every persona that got the wrong answer.
    wrong = {}
    for persona in PERSONAS:
        client.force_login(world[persona])
        status = client.get(url(world)).status_code
        expected = 200 if persona in allowed else 404
        if status != expected:
            wrong[persona] = f"{status}, expected {expected}"
    assert wrong == {}, name


def test_tpn_sees_a_unit_once_nominated(world, client):
    from zona.assessments.tests.factories import load_mini, make_assessment, make_period
    from zona.national.tests.tpn_fixtures import nominate

    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    nominate(make_assessment(period, world.bandung), by=world["agency_admin"])
    client.force_login(world["tpn"])
    assert client.get(reverse("api-unit-detail", args=[world.bandung.pk])).status_code == 200
    assert client.get(reverse("api-unit-detail", args=[world.bogor.pk])).status_code == 404
    assert client.get(reverse("api-unit-detail", args=[world.other_satker.pk])).status_code == 404


@pytest.mark.parametrize(("name", "url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(world, client, name, url, allowed):
    response = client.get(url(world))
    if name.startswith("api_"):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_authenticated"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def _unit_post(unit: Unit, **changes) -> dict:
    parent = Unit.objects.get_parent(unit)
    data = {
        "parent": parent.code if parent else "",
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "echelon": unit.echelon or "",
        "region": unit.region,
        "is_active": "on",
        "svc-TOTAL_FORMS": "0",
        "svc-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def _snapshot() -> tuple:
    """Everything these pages could change."""
    return (
        list(Unit.objects.order_by("pk").values_list("pk", "code", "name", "path", "is_active")),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "full_name", "is_active", "home_unit_id", "password"
            )
        ),
        list(
            RoleAssignment.objects.order_by("pk").values_list(
                "pk", "user_id", "role", "unit_id", "covers_subtree", "lke_areas"
            )
        ),
        list(Unit.objects.filter(depth=1).values_list("pk", "mfa_required_for_reviewers")),
        AuditEvent.objects.count(),
    )


# (name, persona, url builder, data builder): each a change outside the persona's scope.
OUT_OF_SCOPE_POSTS = [
    *[
        (
            f"rename_bandung_by_{p}",
            p,
            lambda w: reverse("accounts:unit_edit", args=[w.bandung.pk]),
            lambda w: _unit_post(w.bandung, name="Renamed"),
        )
        for p in sorted(EVERYONE - ADMINS)
    ],
    (
        "rename_other_agency_unit_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:unit_edit", args=[w.other_satker.pk]),
        lambda w: _unit_post(w.other_satker, name="Renamed"),
    ),
    (
        "create_unit_by_operator",
        "operator",
        lambda w: reverse("accounts:unit_create"),
        lambda w: {"parent": w.bandung.code, "code": "NEW-1", "name": "Baru", "kind": "satker"},
    ),
    (
        "create_unit_in_other_agency_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:unit_create"),
        lambda w: {"parent": w.other_satker.code, "code": "NEW-1", "name": "B", "kind": "satker"},
    ),
    (
        "create_user_by_unit_head",
        "unit_head",
        lambda w: reverse("accounts:user_create"),
        lambda w: {"username": "new", "email": "new@example.go.id", "home_unit": w.bandung.code},
    ),
    (
        "create_user_in_other_agency_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:user_create"),
        lambda w: {"username": "new", "email": "new@x.go.id", "home_unit": w.other_satker.code},
    ),
    (
        "edit_operator_by_other_operator",
        "other_operator",
        lambda w: reverse("accounts:user_edit", args=[w["operator"].pk]),
        lambda w: {"email": "evil@example.com", "home_unit": w.bandung.code, "is_active": "on"},
    ),
    (
        "edit_outsider_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:user_edit", args=[w["outsider"].pk]),
        lambda w: {"email": "evil@example.com", "home_unit": w.agency.code, "is_active": "on"},
    ),
    (
        "edit_tpn_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:user_edit", args=[w["tpn"].pk]),
        lambda w: {"email": "evil@example.com", "home_unit": w.agency.code, "is_active": "on"},
    ),
    (
        "give_role_to_operator_by_unit_head",
        "unit_head",
        lambda w: reverse("accounts:role_add", args=[w["operator"].pk]),
        lambda w: {"role": Role.AGENCY_ADMIN, "unit": w.agency.code, "covers_subtree": "on"},
    ),
    (
        "give_role_to_outsider_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:role_add", args=[w["outsider"].pk]),
        lambda w: {"role": Role.VIEWER, "unit": w.bandung.code},
    ),
    (
        "give_role_on_other_agency_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:role_add", args=[w["operator"].pk]),
        lambda w: {"role": Role.VIEWER, "unit": w.other_satker.code},
    ),
    (
        "give_global_role_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:role_add", args=[w["operator"].pk]),
        lambda w: {"role": Role.SYSTEM_ADMIN, "unit": ""},
    ),
    (
        "revoke_outsider_role_by_agency_admin",
        "agency_admin",
        lambda w: reverse(
            "accounts:role_revoke",
            args=[w["outsider"].pk, w["outsider"].role_assignments.get().pk],
        ),
        lambda w: {},
    ),
    (
        "revoke_operator_role_by_viewer",
        "viewer",
        lambda w: reverse(
            "accounts:role_revoke",
            args=[w["operator"].pk, w["operator"].role_assignments.get().pk],
        ),
        lambda w: {},
    ),
    (
        "mfa_other_agency_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:agency_mfa", args=[w.other_agency.pk]),
        lambda w: {"mfa_required_for_reviewers": "on"},
    ),
    (
        "mfa_own_agency_by_tpi_reviewer",
        "tpi_reviewer",
        lambda w: reverse("accounts:agency_mfa", args=[w.agency.pk]),
        lambda w: {"mfa_required_for_reviewers": "on"},
    ),
    (
        "delete_national_tier_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:tier_delete", args=[w.tier_tpn.pk]),
        lambda w: {},
    ),
    (
        "add_tier_to_other_agency_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:tier_create"),
        lambda w: {"agency": w.other_agency.pk, "code": "x", "name": "X", "rank": 5},
    ),
    (
        "add_national_tier_by_agency_admin",
        "agency_admin",
        lambda w: reverse("accounts:tier_create"),
        lambda w: {"code": "x", "name": "X", "rank": 5},
    ),
    (
        "import_confirm_by_operator",
        "operator",
        lambda w: reverse("accounts:import_confirm", args=["units"]),
        lambda w: {"sha256": "x"},
    ),
]


@pytest.mark.parametrize(
    ("name", "persona", "url", "data"), OUT_OF_SCOPE_POSTS, ids=[p[0] for p in OUT_OF_SCOPE_POSTS]
)
def test_changes_outside_scope_write_nothing(world, client, name, persona, url, data):
    client.force_login(world[persona])
    target, payload = url(world), data(world)
    before = _snapshot()
    response = client.post(target, payload)
    # Either the object does not exist for this persona (404) or the form refuses the unit
    # (it is not among the choices): never a redirect that signals success.
    assert response.status_code in (404, 200), name
    if response.status_code == 200:
        assert b"is-invalid" in response.content or b"alert-danger" in response.content
    assert _snapshot() == before, name


@pytest.mark.parametrize(
    ("persona", "unit_attr"),
    [("sysadmin", "other_satker"), ("agency_admin", "bandung"), ("agency_admin", "surabaya")],
)
def test_changes_inside_scope_are_saved_and_audited(world, client, persona, unit_attr):
    unit = getattr(world, unit_attr)
    client.force_login(world[persona])
    response = client.post(
        reverse("accounts:unit_edit", args=[unit.pk]), _unit_post(unit, name="Nama Baru")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Nama Baru"
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.actor == world[persona]
    assert event.details["name"]["new"] == "Nama Baru"
    assert event.unit == unit
