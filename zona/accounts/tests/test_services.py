"""The rules the services enforce, whatever page or import calls them."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import transaction

from zona.accounts import services
from zona.accounts.access import Perm, manageable_users, units_visible_to, user_can
from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.accounts.testing import UserFactory, assign
from zona.core.errors import PermissionDenied, ValidationFailed


def codes(problems_error: ValidationFailed) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems_error.problems}


def test_unit_create_writes_the_unit_and_its_audit_event(world):
    unit = services.unit_create(
        actor=world["agency_admin"],
        parent=world.bandung,
        code=" kc-bdg-01 ",
        name="Pos Layanan Dago",
        kind="other",
    )
    assert unit.code == "KC-BDG-01"
    assert Unit.objects.get_parent(unit) == world.bandung
    event = world.new_events().get(action="unit.created")
    assert (event.unit, event.actor, event.target_id) == (unit, world["agency_admin"], str(unit.pk))


def test_unit_create_refuses_a_parent_outside_the_whole_subtree_scope(world):
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=world["agency_admin"],
            parent=world.other_satker,
            code="X",
            name="X",
            kind="satker",
        )
    # An admin of one unit only (no sub-units) cannot create units below it.
    admin = cast(User, UserFactory(username="bdg_admin", home_unit=world.bandung))
    assign(admin, Role.AGENCY_ADMIN, world.bandung)
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=admin, parent=world.bandung, code="X", name="X", kind="satker")
    assert not Unit.objects.filter(code="X").exists()
    assert not world.new_events().exists()


def test_unit_rules(world):
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(
            actor=world["sysadmin"], parent=world.bandung, code="KC-BGR", name="", kind="ministry"
        )
    assert codes(exc.value) == {
        ("code", "duplicate_code"),
        ("name", "required"),
        ("kind", "kind_level"),
    }
    with pytest.raises(ValidationFailed) as exc:
        services.unit_create(
            actor=world["sysadmin"], parent=None, code="KZ", name="Z", kind="satker"
        )
    assert codes(exc.value) == {("kind", "kind_level")}
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=world["agency_admin"], parent=None, code="KZ", name="Z", kind="ministry"
        )


def test_unit_move_keeps_the_tree_and_scope_right(world):
    unit = services.unit_update(
        actor=world["agency_admin"],
        unit=world.bogor,
        parent=world.kanwil_jatim,
        code=world.bogor.code,
        name=world.bogor.name,
        kind=world.bogor.kind,
        echelon=3,
        region="Bogor",
    )
    assert Unit.objects.get_parent(unit) == world.kanwil_jatim
    # The operator of Bogor still holds their role on the moved unit; the Jabar reviewer no longer
    # sees it, the Jatim tree does.
    assert user_can(world["other_operator"], Perm.UNIT_VIEW, unit)
    assert unit not in units_visible_to(world["kanwil_reviewer"])
    assert not any(Unit.objects.find_problems())
    assert world.new_events().filter(action="unit.moved").count() == 1
    with pytest.raises(ValidationFailed) as exc:
        services.unit_update(
            actor=world["sysadmin"],
            unit=world.eselon1,
            parent=world.bandung,
            code=world.eselon1.code,
            name=world.eselon1.name,
            kind=world.eselon1.kind,
        )
    assert codes(exc.value) == {("parent", "move_cycle")}
    with pytest.raises(ValidationFailed):
        services.unit_update(
            actor=world["sysadmin"],
            unit=world.bandung,
            parent=world.other_agency,
            code="KC-BDG",
            name="Satker Bandung",
            kind="satker",
        )


def test_unit_update_without_changes_writes_no_event(world):
    services.unit_update(
        actor=world["agency_admin"],
        unit=world.bandung,
        parent=world.kanwil_jabar,
        code=world.bandung.code,
        name=world.bandung.name,
        kind=world.bandung.kind,
        echelon=world.bandung.echelon,
        region=world.bandung.region,
    )
    assert not world.new_events().exists()


def test_service_types_are_upserted_by_code(world):
    services.unit_update(
        actor=world["agency_admin"],
        unit=world.bandung,
        parent=world.kanwil_jabar,
        code="KC-BDG",
        name="Satker Bandung",
        kind="satker",
        echelon=3,
        region="Bandung",
        service_types=[
            services.ServiceTypeInput("paspor", "Layanan Paspor", is_active=False),
            services.ServiceTypeInput("VISA", "Layanan Visa"),
        ],
    )
    types = {s.code: s.is_active for s in world.bandung.service_types.all()}
    assert types == {"PASPOR": False, "IZIN": True, "VISA": True}
    event = world.new_events().get(action="unit.updated")
    assert event.details == {"service_types": ["PASPOR", "VISA"]}


def test_mfa_setting_only_on_agencies_by_their_admins(world):
    services.agency_set_mfa_required(
        actor=world["agency_admin"], agency=world.agency, required=True
    )
    world.agency.refresh_from_db()
    assert world.agency.mfa_required_for_reviewers
    assert world.new_events().filter(action="agency.mfa_required_changed").count() == 1
    with pytest.raises(PermissionDenied):
        services.agency_set_mfa_required(
            actor=world["agency_admin"], agency=world.other_agency, required=True
        )
    with pytest.raises(ValidationFailed):
        services.agency_set_mfa_required(
            actor=world["sysadmin"], agency=world.bandung, required=True
        )


def test_user_create_and_update(world):
    admin = world["agency_admin"]
    user = services.user_create(
        actor=admin,
        username="Rina.W",
        email="Rina@Example.go.id",
        home_unit=world.bandung,
        full_name="Rina W",
        send_welcome=False,
    )
    assert (user.username, user.email) == ("rina.w", "rina@example.go.id")
    assert not user.has_usable_password()
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            actor=admin,
            username="RINA.W",
            email="rina@example.go.id",
            home_unit=world.bandung,
            send_welcome=False,
        )
    assert codes(exc.value) == {("username", "duplicate_username"), ("email", "duplicate_email")}
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(
            actor=admin,
            username="x",
            email="x@example.go.id",
            home_unit=world.other_satker,
            send_welcome=False,
        )
    assert codes(exc.value) == {("home_unit", "out_of_scope")}
    with pytest.raises(ValidationFailed) as exc:
        services.user_update(
            actor=admin,
            user=user,
            email="rina@example.go.id",
            home_unit=world.bandung,
            password="123",
        )
    assert ("password", "weak_password") in codes(exc.value)
    services.user_update(
        actor=admin,
        user=user,
        email="rina@example.go.id",
        home_unit=world.bogor,
        full_name="Rina Wulandari",
        password="Kata-sandi-yang-kuat-2026",
    )
    user.refresh_from_db()
    assert user.check_password("Kata-sandi-yang-kuat-2026")
    event = world.new_events().get(action="user.updated")
    assert event.details == {
        "full_name": {"old": "Rina W", "new": "Rina Wulandari"},
        "home_unit": {"old": "KC-BDG", "new": "KC-BGR"},
    }
    assert "Kata-sandi" not in str(list(world.new_events().values_list("details", flat=True)))
    assert world.new_events().filter(action="user.password_set").count() == 1


def test_admins_cannot_deactivate_themselves(world):
    admin = world["agency_admin"]
    with pytest.raises(ValidationFailed):
        services.user_update(
            actor=admin, user=admin, email=admin.email, home_unit=world.agency, is_active=False
        )


def test_accounts_with_roles_elsewhere_are_not_manageable(world):
    # Bandung's operator also reviews in another agency: the agency admin may no longer
    # change the account (changing its e-mail would hand over the other agency's role).
    assign(world["operator"], Role.VIEWER, world.other_satker)
    assert world["operator"] not in manageable_users(world["agency_admin"])
    assert world["operator"] in manageable_users(world["sysadmin"])
    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=world["agency_admin"],
            user=world["operator"],
            email="evil@example.com",
            home_unit=world.bandung,
        )


def test_role_rules(world):
    admin, user = world["agency_admin"], world["operator"]

    def problems(**kwargs):
        with pytest.raises(ValidationFailed) as exc:
            services.role_assign(actor=admin, user=user, **kwargs)
        return codes(exc.value)

    assert problems(role=Role.REVIEWER, unit=world.bandung) == {("review_tier", "tier_required")}
    assert problems(role=Role.REVIEWER, unit=world.bandung, review_tier=world.tier_tpn) == {
        ("review_tier", "tier_agency")
    }
    assert problems(role=Role.VIEWER, unit=world.bandung, review_tier=world.tier_tpi) == {
        ("review_tier", "tier_not_allowed")
    }
    assert problems(role=Role.WORKING_GROUP, unit=world.bandung) == {
        ("lke_areas", "areas_required")
    }
    assert problems(role=Role.WORKING_GROUP, unit=world.bandung, lke_areas=["7"]) == {
        ("lke_areas", "invalid_areas")
    }
    assert problems(role=Role.VIEWER, unit=world.bandung, lke_areas=["1"]) == {
        ("lke_areas", "areas_not_allowed")
    }
    assert problems(role=Role.UNIT_OPERATOR, unit=world.bandung) == {("role", "duplicate_role")}
    assert problems(role=Role.VIEWER, unit=world.other_satker) == {("unit", "out_of_scope")}
    assert problems(role=Role.NATIONAL_EVALUATOR, unit=None) == {("unit", "out_of_scope")}
    assert not world.new_events().exists()

    a = services.role_assign(
        actor=admin,
        user=user,
        role=Role.WORKING_GROUP,
        unit=world.bandung,
        lke_areas=["b", "3", "1"],
    )
    assert a.lke_areas == ["1", "3", "B"]
    event = world.new_events().get(action="role.assigned")
    assert (event.target_id, event.unit) == (str(user.pk), world.bandung)


def test_sub_tree_roles_only_within_own_sub_tree(world):
    bdg_admin = cast(User, UserFactory(username="bdg_admin", home_unit=world.bandung))
    assign(bdg_admin, Role.AGENCY_ADMIN, world.bandung)
    with pytest.raises(ValidationFailed):
        services.role_assign(
            actor=bdg_admin,
            user=world["viewer"],
            role=Role.VIEWER,
            unit=world.bandung,
            covers_subtree=True,
        )
    services.role_assign(
        actor=bdg_admin, user=world["viewer"], role=Role.UNIT_HEAD, unit=world.bandung
    )


def test_role_revoke(world):
    admin = world["agency_admin"]
    assignment = world["operator"].role_assignments.get()
    services.role_revoke(actor=admin, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert world.new_events().get(action="role.revoked").details["role"] == Role.UNIT_OPERATOR
    own = admin.role_assignments.get()
    with pytest.raises(ValidationFailed):
        services.role_revoke(actor=admin, assignment=own)
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=admin, assignment=world["tpn"].role_assignments.get())


def test_review_tiers(world):
    admin = world["agency_admin"]
    tier = services.review_tier_create(
        actor=admin, agency=world.agency, code="TPM", name="TPM", rank=20
    )
    assert tier.code == "tpm"
    with pytest.raises(ValidationFailed):
        services.review_tier_create(actor=admin, agency=world.agency, code="tpm", name="X", rank=5)
    with pytest.raises(PermissionDenied):
        services.review_tier_create(actor=admin, agency=None, code="x", name="X", rank=5)
    services.review_tier_update(
        actor=admin, tier=tier, code="tpm", name="Tim Penilai Mandiri", rank=25
    )
    with pytest.raises(ValidationFailed):
        services.review_tier_delete(actor=admin, tier=world.tier_kanwil)  # still assigned
    services.review_tier_delete(actor=admin, tier=tier)
    actions = list(world.new_events().order_by("id").values_list("action", flat=True))
    assert actions == ["review_tier.created", "review_tier.updated", "review_tier.deleted"]


def test_audit_event_rolls_back_with_the_change(world):
    def create_then_fail() -> None:
        with transaction.atomic():
            services.unit_create(
                actor=world["agency_admin"],
                parent=world.bandung,
                code="KC-Q",
                name="Q",
                kind="other",
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        create_then_fail()
    assert not Unit.objects.filter(code="KC-Q").exists()
    assert not world.new_events().exists()
