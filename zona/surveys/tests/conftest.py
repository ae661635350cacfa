"""Survey fixtures on top of the `world` personas: Zona's instruments and an open campaign of
Satker Bandung (services PASPOR and IZIN) with SPAK, SPKP and SKM on one form."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from zona.accounts.testing import Snapshotter
from zona.surveys.models import Campaign, InstrumentVersion
from zona.surveys.services import (
    CampaignFields,
    Submission,
    campaign_create,
    instrument_load_files,
    response_submit,
)

SHIPPED = Path(settings.BASE_DIR) / "surveys"


def load_instruments() -> dict[str, InstrumentVersion]:
    results = instrument_load_files(paths=sorted(SHIPPED.glob("*.yaml")))
    return {r.key: r.instrument_version for r in results}


# Loaded through the service once per test process; later tests get the same rows again.
_instruments = Snapshotter(load_instruments)


@pytest.fixture
def instruments(db) -> dict[str, InstrumentVersion]:
    return _instruments()


def make_campaign(
    world, instruments, *, unit=None, keys=("spak", "spkp", "skm"), **overrides
) -> Campaign:
    unit = unit or world.bandung
    today = timezone.localdate()
    services = {s.code: s for s in unit.service_types.all()}
    fields = {
        "year": today.year,
        "period_label": "Semester I",
        "opens_on": today - timedelta(days=10),
        "closes_on": today + timedelta(days=20),
        "instrument_versions": [instruments[k] for k in keys],
        "populations": {services["PASPOR"].pk: 1000, services["IZIN"].pk: 100},
        **overrides,
    }
    return campaign_create(
        actor=world["operator"] if unit == world.bandung else None,
        unit=unit,
        fields=CampaignFields(**fields),
    )


@pytest.fixture
def campaign(world, instruments) -> Campaign:
    return make_campaign(world, instruments)


def service_id(campaign: Campaign, code: str = "PASPOR") -> int:
    return next(s.service_type_id for s in campaign.services.all() if s.service_type.code == code)


def answers_for(campaign: Campaign, **by_key: list[int | None]) -> dict[int, dict[str, int]]:
    """answers_for(c, spak=[6, 5, 6, 4, 6]) -> {version id: {"Q1": 6, ...}} (None = skipped)."""
    out: dict[int, dict[str, int]] = {}
    for version in campaign.ordered_versions():
        values = by_key.get(version.instrument.key)
        if values is None:
            continue
        out[version.pk] = {
            code: value
            for code, value in zip(version.item_codes, values, strict=False)
            if value is not None
        }
    return out


def submit(campaign: Campaign, *, service: str = "PASPOR", key: str | None = None, **kwargs):
    extra = {k: kwargs.pop(k) for k in list(kwargs) if k in Submission.__dataclass_fields__}
    return response_submit(
        campaign=campaign,
        submission=Submission(
            service_type_id=service_id(campaign, service),
            served_when=extra.pop("served_when", "today"),
            answers=answers_for(campaign, **kwargs),
            idempotency_key=key or uuid.uuid4().hex,
            duration_seconds=extra.pop("duration_seconds", 120.0),
            **extra,
        ),
    )


def open_contacts() -> int:
    """What the worker does on its clock: write every waiting contact (test_anonymity checks
    the batches)."""
    from zona.surveys.services.sealed import CONTACTS

    return CONTACTS.open(force=True)
