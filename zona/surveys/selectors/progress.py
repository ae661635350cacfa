"""How far a campaign is: counted, excluded and flagged responses per service against the
sample targets, and the kiosk share of what counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from zona.accounts.models import ServiceType
from zona.surveys.models import Campaign, CampaignService, Channel, Response


@dataclass(frozen=True)
class ServiceProgress:
    service: ServiceType
    population: int
    target: int
    counted: int = 0
    excluded: int = 0
    flagged: int = 0

    @property
    def percent(self) -> int:
        if not self.target:
            return 100
        return min(100, round(self.counted * 100 / self.target))

    @property
    def reached(self) -> bool:
        return self.counted >= self.target


@dataclass(frozen=True)
class Progress:
    services: list[ServiceProgress]

    @property
    def target(self) -> int:
        return sum(s.target for s in self.services)

    @property
    def counted(self) -> int:
        return sum(s.counted for s in self.services)

    @property
    def excluded(self) -> int:
        return sum(s.excluded for s in self.services)

    @property
    def flagged(self) -> int:
        return sum(s.flagged for s in self.services)

    @property
    def percent(self) -> int:
        if not self.target:
            return 100
        return min(100, round(self.counted * 100 / self.target))


def campaign_progress(campaign: Campaign) -> Progress:
    """Counted, excluded and still-flagged responses per service against its sample target."""
    rows = (
        Response.objects.filter(campaign=campaign)
        .values("service_type_id")
        .annotate(
            counted=Count("pk", filter=Q(excluded=False)),
            excluded_n=Count("pk", filter=Q(excluded=True)),
            flagged_n=Count("pk", filter=Q(flagged=True, excluded=False)),
        )
        .order_by()
    )
    counts: dict[int, Any] = {row["service_type_id"]: row for row in rows}
    services = []
    for service in campaign.services.all():
        row = counts.get(service.service_type_id, {})
        services.append(
            ServiceProgress(
                service=service.service_type,
                population=service.population,
                target=service.sample_target,
                counted=row.get("counted", 0),
                excluded=row.get("excluded_n", 0),
                flagged=row.get("flagged_n", 0),
            )
        )
    return Progress(services)


def progress_by_campaign(campaign_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """campaign id -> (counted responses, total sample target), in two queries for a list."""
    ids = list(campaign_ids)
    counted = dict(
        Response.objects.filter(campaign_id__in=ids, excluded=False)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("campaign_id", "n")
    )
    targets = dict(
        CampaignService.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(n=Sum("sample_target"))
        .order_by()
        .values_list("campaign_id", "n")
    )
    return {cid: (counted.get(cid, 0), targets.get(cid) or 0) for cid in ids}


@dataclass(frozen=True)
class ChannelShare:
    counted: int
    kiosk: int
    kiosk_flagged: int

    @property
    def web(self) -> int:
        return self.counted - self.kiosk

    @property
    def kiosk_percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.kiosk) * 100 / self.counted).quantize(Decimal("0.1"))


def channel_share(campaign: Campaign) -> ChannelShare:
    """Counted responses by channel: the kiosk share is shown apart from the public link's."""
    row = Response.objects.filter(campaign=campaign, excluded=False).aggregate(
        counted=Count("pk"),
        kiosk=Count("pk", filter=Q(channel=Channel.KIOSK)),
        kiosk_flagged=Count("pk", filter=Q(channel=Channel.KIOSK, flagged=True)),
    )
    return ChannelShare(row["counted"], row["kiosk"], row["kiosk_flagged"])
