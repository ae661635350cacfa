"""Which campaigns a user sees, and a campaign with what its pages and public form need."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Prefetch, QuerySet

from zona.accounts.access import Perm, filter_by_unit_scope
from zona.accounts.models import Unit
from zona.surveys.models import (
    Campaign,
    CampaignInstrument,
    CampaignService,
    InstrumentVersion,
    Response,
)


def campaigns_for(user: Any, perm: Perm = Perm.SURVEY_VIEW) -> QuerySet[Campaign]:
    return filter_by_unit_scope(Campaign.objects.all(), user, perm).select_related("unit")


def with_instruments(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.prefetch_related(
        Prefetch(
            "instrument_links",
            queryset=CampaignInstrument.objects.select_related(
                "instrument_version", "instrument_version__instrument"
            ),
        )
    )


def campaign_with_details(campaign_id: int) -> Campaign | None:
    return (
        with_instruments(Campaign.objects.select_related("unit"))
        .prefetch_related(
            Prefetch("services", queryset=CampaignService.objects.select_related("service_type"))
        )
        .filter(pk=campaign_id)
        .first()
    )


def instrument_versions_for(unit: Unit) -> list[InstrumentVersion]:
    """The latest version of every instrument a unit may use: Zona's own and its agency's."""
    agency_path = unit.agency_path
    versions = InstrumentVersion.objects.select_related(
        "instrument", "instrument__agency"
    ).order_by("instrument__key", "-version")
    latest: dict[int, InstrumentVersion] = {}
    for version in versions:
        owner = version.instrument.agency
        if owner is not None and owner.path != agency_path:
            continue
        latest.setdefault(version.instrument_id, version)
    return list(latest.values())


def response_stored(idempotency_key: str) -> bool:
    return Response.objects.filter(idempotency_key=idempotency_key).exists()


# The public form's campaign structure (instruments, services) per process, keyed by the
# campaign's id and `updated_at`: every service that changes instruments or services saves the
# campaign, so a changed round gets a new key at once. The TTL bounds how long a renamed
# service type (edited elsewhere) can show its old name.
_FORM_PARTS: dict[tuple[int, Any], tuple[float, list[Any], list[Any]]] = {}
_FORM_PARTS_TTL = 60.0
_FORM_PARTS_MAX = 512


def public_campaign(public_code: str) -> Campaign | None:
    """The campaign behind a short link, with what its public form needs.

    One query for the campaign; its instruments and services come from a per-process cache
    (two more queries when it is cold). A submission under load spends half its time here
    without it.
    """
    campaign = (
        Campaign.objects.select_related("unit").filter(public_code=public_code.lower()).first()
    )
    if campaign is None:
        return None
    key = (campaign.pk, campaign.updated_at)
    now = time.monotonic()
    cached = _FORM_PARTS.get(key)
    if cached is None or cached[0] < now:
        links = list(
            CampaignInstrument.objects.filter(campaign=campaign).select_related(
                "instrument_version", "instrument_version__instrument"
            )
        )
        services = list(
            CampaignService.objects.filter(campaign=campaign).select_related("service_type")
        )
        if len(_FORM_PARTS) >= _FORM_PARTS_MAX:
            _FORM_PARTS.clear()
        cached = (now + _FORM_PARTS_TTL, links, services)
        _FORM_PARTS[key] = cached
    _, links, services = cached
    _attach_prefetched(campaign, "instrument_links", links)
    _attach_prefetched(campaign, "services", services)
    return campaign


def _attach_prefetched(instance: Any, name: str, rows: list[Any]) -> None:
    """Attach rows as if prefetch_related(name) had loaded them (as Django itself does in
    prefetch_one_level), so `instance.<name>.all()` uses them without a query."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
