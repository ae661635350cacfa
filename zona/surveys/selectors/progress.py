"""How far a campaign is: counted, excluded and flagged responses per service against the
sample targets, and the kiosk share of what counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from zona.accounts.models import ServiceType
from zona.surveys.models import Campaign, CampaignService, Channel
from zona.surveys.selectors import tallies


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
    counts: dict[int, dict[str, int]] = {}
    for (sid, excluded, flagged), n in tallies.response_counts(
        ("service_type_id", "excluded", "flagged"), campaign=campaign
    ).items():
        row = counts.setdefault(sid, {"counted": 0, "excluded_n": 0, "flagged_n": 0})
        if excluded:
            row["excluded_n"] += n
        else:
            row["counted"] += n
            if flagged:
                row["flagged_n"] += n
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
    counted: dict[int, int] = {}
    for (cid, excluded), n in tallies.response_counts(
        ("campaign_id", "excluded"), campaign_id__in=ids
    ).items():
        if not excluded:
            counted[cid] = counted.get(cid, 0) + n
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
    counted = kiosk = kiosk_flagged = 0
    for (channel, flagged, excluded), n in tallies.response_counts(
        ("channel", "flagged", "excluded"), campaign=campaign
    ).items():
        if excluded:
            continue
        counted += n
        if channel == Channel.KIOSK:
            kiosk += n
            kiosk_flagged += n if flagged else 0
    return ChannelShare(counted, kiosk, kiosk_flagged)
