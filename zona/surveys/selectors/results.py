"""Indices computed in the database: per instrument, per item, per service and over time.

Indices never load answers into Python: each item's sum and count come from the running
totals (selectors.tallies: the folded rows plus the responses not folded yet), and the pure
functions of `indices` turn those into IPAK, IPKP and IKM. One query per page section,
whatever the number of responses. What of them may be
shown (groups of at least k) is decided in zona.surveys.reporting.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zona.accounts.models import ServiceType, Unit
from zona.surveys.indices import ItemStat, ikm, ikm_grade, perception_index, rounded
from zona.surveys.models import Campaign, InstrumentVersion
from zona.surveys.selectors import tallies
from zona.surveys.selectors.campaigns import with_instruments


@dataclass(frozen=True)
class ItemResult:
    position: int
    code: str
    text: str
    stat: ItemStat
    # Under k counted respondents: the answered count only (zona.surveys.reporting).
    withheld: bool = False

    @property
    def mean(self) -> Decimal | None:
        return None if self.withheld else self.stat.mean


@dataclass(frozen=True)
class IndexResult:
    """One instrument over a set of responses (a campaign, maybe one service of it)."""

    version: InstrumentVersion
    respondents: int
    items: list[ItemResult]
    value: Decimal | None = None
    grade: str | None = None
    title: str = ""
    # Figures held back until k counted respondents (zona.surveys.reporting.figures_from_k).
    withheld: bool = False

    @property
    def is_ikm(self) -> bool:
        return self.version.index_kind == "ikm"

    @property
    def shown(self) -> Decimal | None:
        """The index as reported: IKM to 2 decimals, IPAK/IPKP to 2 decimals (0-4)."""
        return None if self.value is None else rounded(self.value, 2)

    @property
    def answered(self) -> int:
        return sum(item.stat.answered for item in self.items)


def compute_index(
    version: InstrumentVersion, stats: list[ItemStat]
) -> tuple[Decimal | None, str | None]:
    if version.index_kind == "ikm":
        value = ikm(stats)
        return value, (ikm_grade(value) if value is not None else None)
    return perception_index(stats, scale_max=version.scale_max), None


def index_result(
    version: InstrumentVersion,
    sums: dict[int, tuple[int, int]],
    respondents: int,
    language: str,
) -> IndexResult:
    doc = version.doc
    items: list[ItemResult] = []
    for position, item in enumerate(doc.items, start=1):
        total, answered = sums.get(position, (0, 0))
        items.append(
            ItemResult(
                position, item.code, item.text.get(language), ItemStat(item.code, total, answered)
            )
        )
    value, grade = compute_index(version, [i.stat for i in items])
    return IndexResult(version, respondents, items, value, grade, version.title(language))


def campaign_results(
    campaign: Campaign, *, service_type_id: int | None = None, language: str = "id"
) -> list[IndexResult]:
    """Per instrument of the campaign: its items' means and its index, over counted answers."""
    filters: dict[str, Any] = {"campaign": campaign}
    if service_type_id is not None:
        filters["service_type_id"] = service_type_id
    sums: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for (version_id, item), stat in tallies.item_sums(
        ("instrument_version_id", "item"), **filters
    ).items():
        sums[version_id][item] = stat
    respondents = tallies.response_counts(("excluded",), **filters).get((False,), 0)
    return [
        index_result(version, sums.get(version.pk, {}), respondents, language)
        for version in campaign.ordered_versions()
    ]


@dataclass(frozen=True)
class ServiceIndex:
    service: ServiceType
    respondents: int
    results: list[IndexResult]


def results_by_service(campaign: Campaign, *, language: str = "id") -> list[ServiceIndex]:
    """Every service of the campaign with each instrument's index: two queries in all."""
    sums: dict[tuple[int, int], dict[int, tuple[int, int]]] = defaultdict(dict)
    for (sid, version_id, item), stat in tallies.item_sums(
        ("service_type_id", "instrument_version_id", "item"), campaign=campaign
    ).items():
        sums[(sid, version_id)][item] = stat
    respondents = {
        sid: n
        for (sid, excluded), n in tallies.response_counts(
            ("service_type_id", "excluded"), campaign=campaign
        ).items()
        if not excluded
    }
    versions = campaign.ordered_versions()
    out = []
    for service in campaign.services.all():
        sid = service.service_type_id
        n = respondents.get(sid, 0)
        out.append(
            ServiceIndex(
                service.service_type,
                n,
                [index_result(v, sums.get((sid, v.pk), {}), n, language) for v in versions],
            )
        )
    return out


@dataclass(frozen=True)
class TrendPoint:
    campaign: Campaign
    values: dict[str, Decimal | None]  # instrument key -> index


def unit_trend(unit: Unit) -> tuple[list[str], list[TrendPoint]]:
    """Each campaign of the unit, oldest first, with the index of each instrument it ran."""
    campaigns = list(
        with_instruments(Campaign.objects.filter(unit=unit)).order_by("opens_on", "pk")
    )
    sums: dict[tuple[int, int], dict[int, tuple[int, int]]] = defaultdict(dict)
    for (campaign_id, version_id, item), stat in tallies.item_sums(
        ("campaign_id", "instrument_version_id", "item"), campaign__unit=unit
    ).items():
        sums[(campaign_id, version_id)][item] = stat
    keys: list[str] = []
    points = []
    for campaign in campaigns:
        values: dict[str, Decimal | None] = {}
        for version in campaign.ordered_versions():
            key = version.instrument.key
            if key not in keys:
                keys.append(key)
            item_sums = sums.get((campaign.pk, version.pk), {})
            stats = [
                ItemStat(code, *item_sums.get(position, (0, 0)))
                for position, code in enumerate(version.item_codes, start=1)
            ]
            values[key] = compute_index(version, stats)[0]
        points.append(TrendPoint(campaign, values))
    return keys, points
