"""Factories and named personas for tests.

A small agency tree that every test can build in one call:

    Kementerian Contoh (agency, root)
    ├── Ditjen Pelayanan (echelon I)
    │   ├── Kanwil Jawa Barat (regional office)
    │   │   ├── Satker Bandung      <- "our" unit
    │   │   └── Satker Bogor        <- the "other unit" in the same region
    │   └── Kanwil Jawa Timur
    │       └── Satker Surabaya
    └── Inspektorat Jenderal
    Kementerian Lain (another agency)
        └── Satker Lain

Personas (username → role):
- sysadmin: system admin (global)
- agency_admin: agency admin of Kementerian Contoh, covering the subtree
- operator: unit operator of Satker Bandung
- wg_member: working-group member of Satker Bandung, LKE areas 1 and 2
- unit_head: unit head of Satker Bandung
- kanwil_reviewer: reviewer (tier "kanwil", rank 10) on Kanwil Jawa Barat subtree
- tpi_reviewer: reviewer (tier "tpi", rank 30) on the agency subtree
- tpn: national evaluator (global, TPN tier rank 90)
- viewer: viewer of Satker Bandung
- other_operator: unit operator of Satker Bogor (another unit)
- outsider: unit operator of Satker Lain (another agency)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import factory
from factory.django import DjangoModelFactory

from zona.accounts.models import ReviewTier, Role, RoleAssignment, ServiceType, Unit, User

DEFAULT_PASSWORD = "zona-test-Pa55"  # noqa: S105 (test personas only)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    full_name = factory.LazyAttribute(lambda o: o.username.replace("_", " ").title())
    password = factory.django.Password(DEFAULT_PASSWORD)


def add_unit(parent: Unit | None, *, code: str, name: str, kind: str, **extra) -> Unit:
    fields = {"code": code, "name": name, "kind": kind, **extra}
    if parent is None:
        return Unit.objects.add_root(create_kwargs=fields)
    return Unit.objects.add_child(parent, create_kwargs=fields)


def assign(user: User, role: str, unit: Unit | None, **extra) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, unit=unit, **extra)


@dataclass
class World:
    agency: Unit
    eselon1: Unit
    kanwil_jabar: Unit
    kanwil_jatim: Unit
    bandung: Unit
    bogor: Unit
    surabaya: Unit
    itjen: Unit
    other_agency: Unit
    other_satker: Unit
    tier_kanwil: ReviewTier
    tier_tpi: ReviewTier
    tier_tpn: ReviewTier
    users: dict[str, User]

    def __getitem__(self, username: str) -> User:
        return self.users[username]


def build_world() -> World:
    agency = add_unit(None, code="KC", name="Kementerian Contoh", kind="ministry")
    es1 = add_unit(agency, code="KC-DJP", name="Ditjen Pelayanan", kind="echelon_i", echelon=1)
    jabar = add_unit(
        es1, code="KC-JABAR", name="Kanwil Jawa Barat", kind="regional_office", echelon=2
    )
    jatim = add_unit(
        es1, code="KC-JATIM", name="Kanwil Jawa Timur", kind="regional_office", echelon=2
    )
    bandung = add_unit(
        jabar, code="KC-BDG", name="Satker Bandung", kind="satker", echelon=3, region="Bandung"
    )
    bogor = add_unit(
        jabar, code="KC-BGR", name="Satker Bogor", kind="satker", echelon=3, region="Bogor"
    )
    surabaya = add_unit(jatim, code="KC-SBY", name="Satker Surabaya", kind="satker", echelon=3)
    itjen = add_unit(agency, code="KC-ITJ", name="Inspektorat Jenderal", kind="echelon_i")
    other = add_unit(None, code="KL", name="Kementerian Lain", kind="ministry")
    other_satker = add_unit(other, code="KL-SAT", name="Satker Lain", kind="satker", echelon=3)
    for unit in (bandung, bogor, surabaya, other_satker):
        ServiceType.objects.create(unit=unit, code="PASPOR", name="Layanan Paspor")
        ServiceType.objects.create(unit=unit, code="IZIN", name="Layanan Izin Tinggal")
    # Refresh: adding children changes the parents' numchild.
    agency.refresh_from_db()
    tier_kanwil = ReviewTier.objects.create(agency=agency, code="kanwil", name="Kanwil", rank=10)
    tier_tpi = ReviewTier.objects.create(agency=agency, code="tpi", name="TPI", rank=30)
    tier_tpn = ReviewTier.objects.create(agency=None, code="tpn", name="TPN", rank=90)

    def user(username: str, home: Unit | None) -> User:
        return cast(User, UserFactory(username=username, home_unit=home))

    users = {
        "sysadmin": user("sysadmin", None),
        "agency_admin": user("agency_admin", agency),
        "operator": user("operator", bandung),
        "wg_member": user("wg_member", bandung),
        "unit_head": user("unit_head", bandung),
        "kanwil_reviewer": user("kanwil_reviewer", jabar),
        "tpi_reviewer": user("tpi_reviewer", itjen),
        "tpn": user("tpn", None),
        "viewer": user("viewer", bandung),
        "other_operator": user("other_operator", bogor),
        "outsider": user("outsider", other_satker),
    }
    assign(users["sysadmin"], Role.SYSTEM_ADMIN, None)
    assign(users["agency_admin"], Role.AGENCY_ADMIN, agency, covers_subtree=True)
    assign(users["operator"], Role.UNIT_OPERATOR, bandung)
    assign(users["wg_member"], Role.WORKING_GROUP, bandung, lke_areas=["1", "2"])
    assign(users["unit_head"], Role.UNIT_HEAD, bandung)
    assign(
        users["kanwil_reviewer"],
        Role.REVIEWER,
        jabar,
        covers_subtree=True,
        review_tier=tier_kanwil,
    )
    assign(users["tpi_reviewer"], Role.REVIEWER, agency, covers_subtree=True, review_tier=tier_tpi)
    assign(users["tpn"], Role.NATIONAL_EVALUATOR, None, review_tier=tier_tpn)
    assign(users["viewer"], Role.VIEWER, bandung)
    assign(users["other_operator"], Role.UNIT_OPERATOR, bogor)
    assign(users["outsider"], Role.UNIT_OPERATOR, other_satker)
    return World(
        agency=agency,
        eselon1=es1,
        kanwil_jabar=jabar,
        kanwil_jatim=jatim,
        bandung=bandung,
        bogor=bogor,
        surabaya=surabaya,
        itjen=itjen,
        other_agency=other,
        other_satker=other_satker,
        tier_kanwil=tier_kanwil,
        tier_tpi=tier_tpi,
        tier_tpn=tier_tpn,
        users=users,
    )
