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
from typing import Any, cast

import factory
from factory.django import DjangoModelFactory

from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.accounts.services import (
    ServiceTypeInput,
    review_tier_create,
    role_assign,
    unit_create,
    user_create,
)
from zona.audit.models import AuditEvent, AuditEventQuerySet

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
    # The last audit event of the build: the services that built the world wrote events, and
    # a test that counts events counts those after this one (`new_events`).
    audit_mark: int

    def new_events(self) -> AuditEventQuerySet:
        """The audit events written after the world was built."""
        return AuditEvent.objects.filter(pk__gt=self.audit_mark)

    def __getitem__(self, username: str) -> User:
        return self.users[username]


def build_world() -> World:
    """Build the tree, tiers, accounts and roles through the services, as an admin would.

    Two writes are direct: the first system administrator (no one could create it) and the
    working-group role (see below). The services' audit events are part of the world: a test
    counts its own with `new_events`.
    """
    sysadmin = cast(User, UserFactory(username="sysadmin", home_unit=None))
    assign(sysadmin, Role.SYSTEM_ADMIN, None)
    services = [
        ServiceTypeInput("PASPOR", "Layanan Paspor"),
        ServiceTypeInput("IZIN", "Layanan Izin Tinggal"),
    ]

    def unit(parent: Unit | None, code: str, name: str, kind: str, **extra: Any) -> Unit:
        return unit_create(actor=sysadmin, parent=parent, code=code, name=name, kind=kind, **extra)

    agency = unit(None, "KC", "Kementerian Contoh", "ministry")
    es1 = unit(agency, "KC-DJP", "Ditjen Pelayanan", "echelon_i", echelon=1)
    jabar = unit(es1, "KC-JABAR", "Kanwil Jawa Barat", "regional_office", echelon=2)
    jatim = unit(es1, "KC-JATIM", "Kanwil Jawa Timur", "regional_office", echelon=2)

    def satker(parent: Unit, code: str, name: str, region: str = "") -> Unit:
        return unit(parent, code, name, "satker", echelon=3, region=region, service_types=services)

    bandung = satker(jabar, "KC-BDG", "Satker Bandung", region="Bandung")
    bogor = satker(jabar, "KC-BGR", "Satker Bogor", region="Bogor")
    surabaya = satker(jatim, "KC-SBY", "Satker Surabaya")
    itjen = unit(agency, "KC-ITJ", "Inspektorat Jenderal", "echelon_i")
    other = unit(None, "KL", "Kementerian Lain", "ministry")
    other_satker = satker(other, "KL-SAT", "Satker Lain")
    # Refresh: adding children changes the parents' numchild.
    for parent in (agency, es1, jabar, jatim, other):
        parent.refresh_from_db()
    # The national tier first: an agency's tiers rank below it.
    tier_tpn = review_tier_create(actor=sysadmin, agency=None, code="tpn", name="TPN", rank=90)
    tier_kanwil = review_tier_create(
        actor=sysadmin, agency=agency, code="kanwil", name="Kanwil", rank=10
    )
    tier_tpi = review_tier_create(actor=sysadmin, agency=agency, code="tpi", name="TPI", rank=30)

    def user(username: str, home: Unit | None) -> User:
        return user_create(
            actor=sysadmin,
            username=username,
            email=f"{username}@example.go.id",
            full_name=username.replace("_", " ").title(),
            home_unit=home,
            password=DEFAULT_PASSWORD,
            send_welcome=False,
        )

    users = {
        "sysadmin": sysadmin,
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

    def role(username: str, name: str, on: Unit | None, **extra: Any) -> None:
        role_assign(actor=sysadmin, user=users[username], role=name, unit=on, **extra)

    role("agency_admin", Role.AGENCY_ADMIN, agency, covers_subtree=True)
    role("operator", Role.UNIT_OPERATOR, bandung)
    # Written directly: the service accepts only areas a loaded framework declares, accounts
    # sits below frameworks and cannot load one, and the world is also built where no
    # framework is loaded (the backup test, the benches). test_working_group_areas proves
    # role_assign accepts these areas once the tiny framework is loaded.
    assign(users["wg_member"], Role.WORKING_GROUP, bandung, lke_areas=["1", "2"])
    role("unit_head", Role.UNIT_HEAD, bandung)
    role("kanwil_reviewer", Role.REVIEWER, jabar, covers_subtree=True, review_tier=tier_kanwil)
    role("tpi_reviewer", Role.REVIEWER, agency, covers_subtree=True, review_tier=tier_tpi)
    role("tpn", Role.NATIONAL_EVALUATOR, None, review_tier=tier_tpn)
    role("viewer", Role.VIEWER, bandung)
    role("other_operator", Role.UNIT_OPERATOR, bogor)
    role("outsider", Role.UNIT_OPERATOR, other_satker)
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
        audit_mark=AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )
