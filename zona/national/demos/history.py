"""The demo's earlier years (runs before the proposal demo): the predicates KPM's units were
awarded before 2026 (cast.HISTORY, recorded through predicate_grant as on their decree
date), the revocation of KPM-PZN-GWA's WBK (decided 2025-08-20 after a media report of a
corruption case), and who monitors KPM's predicates: WBBM the TPI (Inspectorate General),
WBK the compliance unit of the Directorate General AHU. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils import timezone

from zona.accounts.demo import DEMO_PASSWORD
from zona.accounts.models import Role, RoleAssignment, User
from zona.national.demos.cast import HISTORY
from zona.national.models import MonitorAssignment, Predicate, PredicateStatus
from zona.national.services.monitoring import monitor_assign
from zona.national.services.predicates import RevocationInput, predicate_revoke
from zona.national.services.register import predicate_grant

COMPLIANCE_USER = ("kepatuhan.ahu", "Ratna Sari", "KPM-DJAH")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())


def _compliance_monitor(ctx: Any) -> User:
    """The compliance officer of the DG AHU: sees the DG's units (to pick their sheets)."""
    username, full_name, unit_code = COMPLIANCE_USER
    unit = ctx.units[unit_code]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            full_name=full_name,
            email=f"{username}@demo.zona.go.id",
            home_unit=unit,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.VIEWER, unit=unit, defaults={"covers_subtree": True}
    )
    ctx.users[username] = user
    return user


def load(ctx: Any) -> None:
    admin = ctx.users["admin"]
    history = cast(dict[str, list[tuple[str, int, str, str | None]]], HISTORY)
    for code, entries in history.items():
        unit = ctx.units[code]
        for kind, year, decree_iso, revoked_iso in entries:
            decree = dt.date.fromisoformat(decree_iso)
            predicate = Predicate.objects.filter(unit=unit, kind=kind, year=year).first()
            if predicate is None:
                predicate = predicate_grant(
                    actor=admin,
                    unit=unit,
                    kind=kind,
                    year=year,
                    decree_number=f"SK MenPAN-RB No. {decree.month:02d}/{year}/{unit.code}",
                    decree_date=decree,
                    now=_at(decree),
                )
            if revoked_iso and predicate.status == PredicateStatus.HELD:
                decided = dt.date.fromisoformat(revoked_iso)
                predicate_revoke(
                    actor=ctx.users["tpn"],
                    predicate=predicate,
                    data=RevocationInput(
                        grounds="corruption-suspect",
                        grounds_note=(
                            "Kepala kantor ditetapkan sebagai tersangka pungutan liar "
                            "perizinan oleh kejaksaan negeri."
                        ),
                        source="media",
                        source_reference="Berita daring, 12 Agustus 2025",
                        confirmed_by="Inspektur Jenderal KPM",
                        confirmed_on=decided - dt.timedelta(days=2),
                        decided_on=decided,
                    ),
                    now=_at(decided),
                )
    agency = ctx.agency
    monitor = _compliance_monitor(ctx)
    if not MonitorAssignment.objects.filter(agency=agency, kind="WBBM").exists():
        monitor_assign(
            actor=ctx.users["admin.kpm"],
            agency=agency,
            kind="WBBM",
            monitor_unit=agency,
            users=[ctx.users["reviewer.tpi"]],
        )
    if not MonitorAssignment.objects.filter(agency=agency, kind="WBK").exists():
        monitor_assign(
            actor=ctx.users["admin.kpm"],
            agency=agency,
            kind="WBK",
            monitor_unit=ctx.units["KPM-DJAH"],
            users=[monitor],
        )
