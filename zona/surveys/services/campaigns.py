"""Campaigns (survey rounds) and their one-time codes."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.accounts.models import ServiceType, Unit
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.surveys.indices import SAMPLE_METHODS, TABLE_MARGIN
from zona.surveys.models import (
    SHORT_ALPHABET,
    Campaign,
    CampaignInstrument,
    CampaignService,
    CodeBatch,
    InstrumentVersion,
    OneTimeCode,
)
from zona.surveys.selectors import instrument_versions_for
from zona.surveys.services.common import check_perm
from zona.surveys.services.lke_feed import check_feed_change, record_feed_switches

# --- campaigns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFields:
    year: int
    period_label: str
    opens_on: date
    closes_on: date
    instrument_versions: Sequence[InstrumentVersion]
    # service type id -> estimated number of users in the period
    populations: Mapping[int, int]
    sample_method: str = Campaign.Method.KREJCIE_MORGAN
    margin: Decimal = Decimal("0.05")
    requires_code: bool = False
    feeds_lke: bool = False
    is_test: bool = False
    asks_profile: bool = False
    collects_suggestions: bool = False


def _check_campaign(
    unit: Unit, fields: CampaignFields, *, campaign: Campaign | None
) -> list[Problem]:
    problems: list[Problem] = []
    if not 2000 <= fields.year <= 2100:
        problems.append(Problem("invalid", _("Enter a year such as 2026."), "year"))
    if not fields.period_label.strip():
        problems.append(Problem("required", _("Name the period, e.g. Semester I."), "period_label"))
    if fields.closes_on < fields.opens_on:
        problems.append(
            Problem("invalid", _("The closing date is before the opening date."), "closes_on")
        )
    if fields.sample_method not in SAMPLE_METHODS:
        problems.append(Problem("invalid", _("Unknown sample size method."), "sample_method"))
    elif fields.sample_method == Campaign.Method.KREJCIE_MORGAN_TABLE and fields.margin != (
        TABLE_MARGIN
    ):
        problems.append(
            Problem("invalid", _("The printed table is for a margin of error of 0.05."), "margin")
        )
    if not Decimal("0.01") <= fields.margin <= Decimal("0.20"):
        problems.append(
            Problem("invalid", _("The margin of error must be from 0.01 to 0.20."), "margin")
        )
    if not fields.instrument_versions:
        problems.append(Problem("required", _("Choose at least one instrument."), "instruments"))
    allowed = {v.pk for v in instrument_versions_for(unit)}
    keys = [v.instrument_id for v in fields.instrument_versions]
    if len(set(keys)) != len(keys):
        problems.append(Problem("invalid", _("Choose each instrument once."), "instruments"))
    measures = [v.instrument.measures for v in fields.instrument_versions]
    for measure in ("ipak", "ipkp", "ikm"):
        if measures.count(measure) > 1:
            problems.append(
                Problem(
                    "invalid",
                    _("Choose one instrument per index (two measure %(measure)s).")
                    % {"measure": measure.upper()},
                    "instruments",
                )
            )
    current = set()
    if campaign is not None:
        current = set(campaign.instrument_links.values_list("instrument_version_id", flat=True))
    for version in fields.instrument_versions:
        # A version already in the campaign stays allowed when a newer one is loaded.
        if version.pk not in allowed and version.pk not in current:
            problems.append(
                Problem(
                    "invalid",
                    _("%(name)s is not available to this unit.") % {"name": version},
                    "instruments",
                )
            )
    if not fields.populations:
        problems.append(Problem("required", _("Survey at least one service."), "services"))
    services = {s.pk: s for s in ServiceType.objects.filter(unit=unit)}
    for service_id, population in fields.populations.items():
        service = services.get(service_id)
        if service is None:
            problems.append(Problem("invalid", _("Unknown service of this unit."), "services"))
        elif population < 1:
            problems.append(
                Problem(
                    "invalid",
                    _("Estimate at least 1 user for %(service)s.") % {"service": service.name},
                    f"population_{service_id}",
                )
            )
    if fields.feeds_lke and fields.is_test:
        problems.append(Problem("invalid", _("A test round cannot feed the LKE."), "feeds_lke"))
    if fields.feeds_lke:
        others = Campaign.objects.filter(unit=unit, year=fields.year, feeds_lke=True)
        if campaign is not None:
            others = others.exclude(pk=campaign.pk)
        other = others.first()
        if other is not None:
            problems.append(
                Problem(
                    "conflict",
                    _("%(other)s already feeds the %(year)s LKE; only one round per year can.")
                    % {"other": other.period_label, "year": fields.year},
                    "feeds_lke",
                )
            )
    return problems


def _set_services(campaign: Campaign, populations: Mapping[int, int]) -> None:
    existing = {s.service_type_id: s for s in campaign.services.all()}
    used = set(campaign.responses.values_list("service_type_id", flat=True).distinct())
    for service_id, row in existing.items():
        if service_id not in populations:
            if service_id in used:
                raise StateError(
                    _("%(service)s already has responses and stays in the campaign.")
                    % {"service": row.service_type.name}
                )
            row.delete()
    for service_id, population in populations.items():
        row = existing.get(service_id) or CampaignService(
            campaign=campaign, service_type_id=service_id
        )
        row.campaign = campaign
        row.population = population
        row.sample_target = row.compute_target()
        row.save()


def campaign_create(*, actor: Any, unit: Unit, fields: CampaignFields) -> Campaign:
    check_perm(actor, Perm.SURVEY_MANAGE, unit)
    problems = _check_campaign(unit, fields, campaign=None)
    if problems:
        raise ValidationFailed(_("The campaign has problems."), problems=problems)
    with transaction.atomic():
        switches = check_feed_change(
            unit=unit, campaign=None, year=fields.year, feeds_lke=fields.feeds_lke
        )
        campaign = Campaign.objects.create(
            unit=unit,
            year=fields.year,
            period_label=fields.period_label.strip(),
            opens_on=fields.opens_on,
            closes_on=fields.closes_on,
            sample_method=fields.sample_method,
            margin=fields.margin,
            requires_code=fields.requires_code,
            feeds_lke=fields.feeds_lke,
            is_test=fields.is_test,
            asks_profile=fields.asks_profile,
            collects_suggestions=fields.collects_suggestions,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        CampaignInstrument.objects.bulk_create(
            CampaignInstrument(campaign=campaign, instrument_version=v, position=i)
            for i, v in enumerate(fields.instrument_versions)
        )
        _set_services(campaign, fields.populations)
        audit_record(
            actor=actor,
            action="survey.campaign_created",
            target=campaign,
            unit=unit,
            details=_campaign_details(campaign),
        )
        record_feed_switches(actor=actor, campaign=campaign, switches=switches)
    return campaign


def campaign_update(*, actor: Any, campaign: Campaign, fields: CampaignFields) -> Campaign:
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    problems = _check_campaign(campaign.unit, fields, campaign=campaign)
    if problems:
        raise ValidationFailed(_("The campaign has problems."), problems=problems)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = _campaign_details(campaign)
        switches = check_feed_change(
            unit=campaign.unit, campaign=campaign, year=fields.year, feeds_lke=fields.feeds_lke
        )
        new_versions = [v.pk for v in fields.instrument_versions]
        old_versions = list(
            campaign.instrument_links.order_by("position").values_list(
                "instrument_version_id", flat=True
            )
        )
        if new_versions != old_versions:
            if campaign.responses.exists():
                raise StateError(
                    _("The campaign has responses; its instruments can no longer change.")
                )
            campaign.instrument_links.all().delete()
            CampaignInstrument.objects.bulk_create(
                CampaignInstrument(campaign=campaign, instrument_version=v, position=i)
                for i, v in enumerate(fields.instrument_versions)
            )
        campaign.year = fields.year
        campaign.period_label = fields.period_label.strip()
        campaign.opens_on = fields.opens_on
        campaign.closes_on = fields.closes_on
        campaign.sample_method = fields.sample_method
        campaign.margin = fields.margin
        campaign.requires_code = fields.requires_code
        campaign.feeds_lke = fields.feeds_lke
        campaign.is_test = fields.is_test
        campaign.asks_profile = fields.asks_profile
        campaign.collects_suggestions = fields.collects_suggestions
        campaign.save()
        _set_services(campaign, fields.populations)
        audit_record(
            actor=actor,
            action="survey.campaign_updated",
            target=campaign,
            unit=campaign.unit,
            details={"before": before, "after": _campaign_details(campaign)},
        )
        record_feed_switches(actor=actor, campaign=campaign, switches=switches)
    return campaign


def _campaign_details(campaign: Campaign) -> dict[str, Any]:
    return {
        "year": campaign.year,
        "period": campaign.period_label,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "instruments": [
            str(link.instrument_version)
            for link in campaign.instrument_links.select_related("instrument_version")
        ],
        "services": {
            s.service_type.code: {"population": s.population, "target": s.sample_target}
            for s in campaign.services.select_related("service_type")
        },
        "sample_method": campaign.sample_method,
        "margin": campaign.margin,
        "requires_code": campaign.requires_code,
        "feeds_lke": campaign.feeds_lke,
        "is_test": campaign.is_test,
        "asks_profile": campaign.asks_profile,
        "collects_suggestions": campaign.collects_suggestions,
    }


def campaign_publish_results(*, actor: Any, campaign: Campaign, public: bool) -> Campaign:
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    with transaction.atomic():
        campaign.results_public = public
        campaign.save(update_fields=["results_public", "updated_at"])
        audit_record(
            actor=actor,
            action="survey.results_published" if public else "survey.results_unpublished",
            target=campaign,
            unit=campaign.unit,
        )
    return campaign


# --- one-time codes -----------------------------------------------------------------------

MAX_BATCH = 2000


def code_batch_create(*, actor: Any, campaign: Campaign, size: int, label: str = "") -> CodeBatch:
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    if not 1 <= size <= MAX_BATCH:
        raise ValidationFailed(
            _("A batch has from 1 to %(max)s codes.") % {"max": MAX_BATCH},
            problems=[Problem("invalid", _("Out of range."), "size")],
        )
    with transaction.atomic():
        batch = CodeBatch.objects.create(
            campaign=campaign, label=label.strip(), size=size, created_by=actor
        )
        taken = set(OneTimeCode.objects.filter(campaign=campaign).values_list("code", flat=True))
        codes: set[str] = set()
        while len(codes) < size:
            code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(8))
            if code not in taken:
                codes.add(code)
        OneTimeCode.objects.bulk_create(
            OneTimeCode(batch=batch, campaign=campaign, code=code) for code in sorted(codes)
        )
        audit_record(
            actor=actor,
            action="survey.codes_created",
            target=campaign,
            unit=campaign.unit,
            details={"batch": batch.pk, "size": size, "label": batch.label},
        )
    return batch
