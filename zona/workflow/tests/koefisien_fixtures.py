"""Builders for the koefisien tests, on the chain world (zona/workflow/tests/conftest.py):
two kinds of Kementerian Contoh (a factor 0.9 and 5 points) and a helper that records an
event through the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zona.accounts.models import User
from zona.assessments.models import Assessment, StoredScore
from zona.assessments.selectors.scores import EFFECTIVE_KEY
from zona.workflow.models import KoefisienEvent, KoefisienKind
from zona.workflow.services.koefisien import (
    EventInput,
    KindInput,
    koefisien_kind_create,
    koefisien_record,
)
from zona.workflow.tests.conftest import ChainWorld


def make_kinds(cw: ChainWorld) -> dict[str, KoefisienKind]:
    admin = cw["agency_admin"]
    agency = cw.world.agency
    return {
        "kkn": koefisien_kind_create(
            actor=admin,
            agency=agency,
            data=KindInput(name="Kasus KKN pegawai", code="kkn", mode="factor", value="0.9"),
        ),
        "viral": koefisien_kind_create(
            actor=admin,
            agency=agency,
            data=KindInput(name="Berita viral", code="viral", mode="points", value="5"),
        ),
    }


def event_input(chosen: KoefisienKind, **overrides: Any) -> EventInput:
    fields: dict[str, Any] = {
        "kind": chosen.pk,
        "occurred_on": timezone.localdate() - dt.timedelta(days=1),
        "source": "https://berita.example.id/kasus",
        "note": "Catatan untuk unit",
        "internal_note": "Catatan internal penilai",
    }
    fields.update(overrides)
    return EventInput(**fields)


def record(
    cw: ChainWorld,
    chosen: KoefisienKind,
    *,
    user: str = "kanwil_reviewer",
    tier: str = "kanwil",
    **overrides: Any,
) -> KoefisienEvent:
    actor: User = cw[user]
    return koefisien_record(
        actor=actor,
        assessment=cw.assessment,
        tier=cw.tiers[tier],
        data=event_input(chosen, **overrides),
    )


def effective(assessment: Assessment) -> StoredScore:
    return StoredScore.objects.get(assessment=assessment, key=EFFECTIVE_KEY)


def totals(assessment: Assessment) -> tuple[Decimal, Decimal | None]:
    row = effective(assessment)
    return row.total, row.total_after_deductions
