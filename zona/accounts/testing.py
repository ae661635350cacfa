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

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import factory
from django.apps import apps as django_apps
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
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


# --- The world again, without building it again ------------------------------------------------
#
# Building the world through the services (as above) takes some 150 queries, and most tests
# start with it. The `world` fixture builds it once per test process through the services and
# notes the rows it wrote; every later test gets the same rows inserted again (one bulk insert
# per table) and a deep copy of the first World. Each test still rolls back its own rows, so
# nothing leaks from one test to the next; the rows are the services' own, byte for byte.
#
# The copy is refused, and the world built through the services as before, whenever it could
# differ: the build changed or removed a row it had not written (then never again in that
# process), a row it wrote is already there, or a row it points at is gone (a transactional
# test flushed the tables).


@dataclass
class _TableRows:
    model: type[Model]
    fields: list[str]  # attnames, in the model's order
    rows: list[tuple[Any, ...]]


@dataclass
class _Snapshot:
    tables: list[_TableRows]
    # Rows the build pointed at without writing them: (model, attname, values).
    needs: list[tuple[type[Model], str, set[Any]]]
    template: Any


def _concrete_models() -> list[type[Model]]:
    seen: set[str] = set()
    models: list[type[Model]] = []
    for model in django_apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.db_table in seen:
            continue
        seen.add(opts.db_table)
        models.append(model)
    return models


def _rows(model: type[Model]) -> tuple[list[str], dict[Any, tuple[Any, ...]]]:
    fields = [f.attname for f in model._meta.concrete_fields]
    key_at = [fields.index(f.attname) for f in model._meta.pk_fields]
    rows = model._base_manager.values_list(*fields)
    return fields, {tuple(row[i] for i in key_at): tuple(row) for row in rows}


class Snapshotter:
    """Runs `build` once through the services, then restores its rows in later tests.

    For a fixture whose build only writes rows (and returns objects the test may change):
    `instruments = Snapshotter(load_them)` then `instruments()` in the fixture.
    """

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build
        self.snapshot: _Snapshot | None = None
        self.refused = False

    def __call__(self) -> Any:
        if self.refused:
            return self.build()
        if self.snapshot is None:
            return self._capture()
        restored = self._restore(self.snapshot)
        return self.build() if restored is None else restored

    def _capture(self) -> Any:
        models = _concrete_models()
        before = {m: _rows(m)[1] for m in models}
        built = self.build()
        template = copy.deepcopy(built)
        tables: list[_TableRows] = []
        written: dict[type[Model], set[Any]] = {}
        for model in models:
            fields, after = _rows(model)
            old = before[model]
            if any(pk not in after or after[pk] != row for pk, row in old.items()):
                self.refused = True  # the build changed a row it did not write
                return built
            new = [row for key, row in after.items() if key not in old]
            if new and (model._meta.parents or len(model._meta.pk_fields) != 1):
                # A child table of another (bulk_create cannot write it) or a composite key.
                self.refused = True
                return built
            if new:
                tables.append(_TableRows(model, fields, new))
                written[model] = {pk for (pk,) in after if pk not in old}
        needs: list[tuple[type[Model], str, set[Any]]] = []
        for table in tables:
            for field in table.model._meta.concrete_fields:
                if not field.is_relation or field.related_model is None:
                    continue
                target = cast(type[Model], field.related_model)
                to_field = field.target_field.attname  # type: ignore[attr-defined]
                at = table.fields.index(field.attname)
                values = {row[at] for row in table.rows} - {None}
                if to_field == target._meta.pk.attname:
                    values -= written.get(target, set())
                if values:
                    needs.append((target, to_field, values))
        self.snapshot = _Snapshot(tables=tables, needs=needs, template=template)
        return built

    def _restore(self, snapshot: _Snapshot) -> Any:
        for model, to_field, values in snapshot.needs:
            if model._base_manager.filter(**{f"{to_field}__in": values}).count() != len(values):
                return None
        for table in snapshot.tables:
            pk_at = table.fields.index(table.model._meta.pk.attname)
            pks = [row[pk_at] for row in table.rows]
            if table.model._base_manager.filter(pk__in=pks).exists():
                return None
        try:
            with transaction.atomic():
                for table in snapshot.tables:
                    table.model._base_manager.bulk_create(
                        [
                            table.model(**dict(zip(table.fields, row, strict=True)))
                            for row in table.rows
                        ]
                    )
                with connection.cursor() as cursor:
                    models = [t.model for t in snapshot.tables]
                    for sql in connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)
        except IntegrityError:
            return None
        return copy.deepcopy(snapshot.template)


cached_world: Callable[[], World] = Snapshotter(build_world)
"""`build_world()` for the `world` fixture: built once per test process, copied after."""
