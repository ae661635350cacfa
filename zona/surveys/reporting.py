"""Results by group, only for groups large enough to show (issue 8 §3 and §8).

Per service and per respondent-profile band, a figure is shown only when the group holds at
least k counted responses (`ZONA_SURVEY_MIN_GROUP`), and when the hidden groups together
could be worked out from the total (all responses minus the shown groups), the next
smallest group is hidden too (zona.surveys.anonymity.small_groups_hidden).

The same holds for a campaign as a whole: with 1 to k-1 counted responses its per-item
figures and indices would be the answers of the few people just served, so pages and exports
show them only from k responses (`figures_from_k`); before that, the counts. The LKE's
survey index (selectors.survey_indices_for) is not a figure shown here and is not affected.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from zona.surveys.anonymity import small_groups_hidden
from zona.surveys.indices import ItemStat
from zona.surveys.models import Campaign
from zona.surveys.profile import PROFILE_FIELDS, min_group, profile_questions
from zona.surveys.selectors import (
    IndexResult,
    ServiceIndex,
    TrendPoint,
    index_result,
    progress_by_campaign,
    tallies,
)


def figures_from_k(results: Sequence[IndexResult], *, k: int = 0) -> list[IndexResult]:
    """The results as shown: an instrument's item means and index only from k counted
    respondents; under that, the counts alone (`withheld`)."""
    k = k or min_group()
    return [
        result
        if result.respondents >= k
        else dataclasses.replace(
            result,
            value=None,
            grade=None,
            withheld=True,
            items=[
                dataclasses.replace(
                    item, stat=ItemStat(item.code, 0, item.stat.answered), withheld=True
                )
                for item in result.items
            ],
        )
        for result in results
    ]


def trend_from_k(points: Sequence[TrendPoint], *, k: int = 0) -> list[TrendPoint]:
    """The unit's trend with the indices of campaigns under k counted responses left out."""
    k = k or min_group()
    counted = {
        cid: n for cid, (n, _target) in progress_by_campaign(p.campaign.pk for p in points).items()
    }
    return [
        point
        if counted.get(point.campaign.pk, 0) >= k
        else TrendPoint(point.campaign, dict.fromkeys(point.values))
        for point in points
    ]


def shown_services(services: Sequence[ServiceIndex], *, k: int = 0) -> set[str]:
    """The codes of the services whose figures may be shown."""
    k = k or min_group()
    counts = {s.service.code: s.respondents for s in services}
    hidden = small_groups_hidden(counts, k=k, total=sum(counts.values()))
    return {code for code, n in counts.items() if n and code not in hidden}


@dataclass(frozen=True)
class BandCount:
    code: str
    label: str
    respondents: int | None  # None: hidden, a group under k


@dataclass(frozen=True)
class ProfileBreakdown:
    field: str
    label: str
    bands: list[BandCount]
    not_stated: int | None
    hidden: int | None  # respondents in hidden bands together, when at least k


def _counts(campaign: Campaign, field: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (band, excluded), n in tallies.response_counts(
        (field, "excluded"), campaign=campaign
    ).items():
        if not excluded:
            counts[band] = counts.get(band, 0) + n
    return counts


def profile_breakdown(
    campaign: Campaign, *, language: str = "id", k: int = 0
) -> list[ProfileBreakdown]:
    """Per profile question: the counted respondents per band; small bands hidden."""
    k = k or min_group()
    out = []
    for question in profile_questions():
        counts = _counts(campaign, question.key)
        total = sum(counts.values())
        not_stated = counts.pop("", 0)
        hidden = small_groups_hidden(counts, k=k, total=total)
        bands = [
            BandCount(
                choice.code,
                choice.label(language),
                None if choice.code in hidden else counts.get(choice.code, 0),
            )
            for choice in question.choices
        ]
        hidden_total = sum(counts.get(code, 0) for code in hidden)
        out.append(
            ProfileBreakdown(
                question.key,
                question.label(language),
                bands,
                not_stated if not_stated == 0 or not_stated >= k else None,
                hidden_total if hidden_total >= k else None,
            )
        )
    return out


@dataclass(frozen=True)
class BandResult:
    field: str
    code: str
    label: str
    respondents: int
    results: list[IndexResult]


def profile_results(campaign: Campaign, *, language: str = "id", k: int = 0) -> list[BandResult]:
    """Each instrument's index per profile band, for the bands that may be shown."""
    k = k or min_group()
    out: list[BandResult] = []
    versions = campaign.ordered_versions()
    for question in profile_questions():
        counts = _counts(campaign, question.key)
        total = sum(counts.values())
        counts.pop("", None)
        hidden = small_groups_hidden(counts, k=k, total=total)
        visible = [
            c for c in question.choices if counts.get(c.code, 0) >= k and c.code not in hidden
        ]
        if not visible:
            continue
        sums: dict[tuple[str, int], dict[int, tuple[int, int]]] = defaultdict(dict)
        for (_campaign, band, version_id, item), stat in tallies.band_sums(
            question.key, [c.code for c in visible], campaign=campaign
        ).items():
            sums[(band, version_id)][item] = stat
        for choice in visible:
            n = counts[choice.code]
            out.append(
                BandResult(
                    question.key,
                    choice.code,
                    choice.label(language),
                    n,
                    [
                        index_result(v, sums.get((choice.code, v.pk), {}), n, language)
                        for v in versions
                    ],
                )
            )
    return out


__all__ = [
    "PROFILE_FIELDS",
    "BandCount",
    "BandResult",
    "ProfileBreakdown",
    "figures_from_k",
    "profile_breakdown",
    "profile_results",
    "shown_services",
    "trend_from_k",
]
