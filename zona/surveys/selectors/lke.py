"""The LKE link: which round feeds the unit's LKE of a year, its IPAK and IPKP as reported,
the number of SKM rounds, and the audited history of that choice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zona.accounts.models import Unit
from zona.audit.models import AuditEvent
from zona.surveys.indices import ItemStat, rounded
from zona.surveys.models import Campaign, LkeFeedPin, Measure
from zona.surveys.selectors import tallies
from zona.surveys.selectors.campaigns import with_instruments
from zona.surveys.selectors.results import compute_index


def _campaign_index(campaign: Campaign, measure: str) -> Decimal | None:
    versions = [v for v in campaign.ordered_versions() if v.instrument.measures == measure]
    if not versions:
        return None
    version = versions[0]
    sums = {
        item: stat
        for (item,), stat in tallies.item_sums(
            ("item",), campaign=campaign, answer_filters={"instrument_version": version}
        ).items()
    }
    stats = [
        ItemStat(code, *sums.get(position, (0, 0)))
        for position, code in enumerate(version.item_codes, start=1)
    ]
    value = compute_index(version, stats)[0]
    return None if value is None else rounded(value, 2)


_PIN_UNREAD: Any = object()


def lke_source_campaign(
    unit: Unit, year: int, measure: str, *, pin: Any = _PIN_UNREAD
) -> Campaign | None:
    """The round whose index goes into the LKE: while the unit's sheet of the year is
    submitted, the one it was submitted with (LkeFeedPin); else the one marked to feed it,
    else the latest round of the year (not a test round) with counted answers for that
    measure. `pin`: the unit's LkeFeedPin of the year (or None) when the caller read it."""
    campaigns = with_instruments(Campaign.objects.filter(unit=unit, year=year))
    if pin is _PIN_UNREAD:
        pin = lke_feed_pin(unit, year)
    if pin is not None:
        pinned = pin.sources.get(str(measure))
        return None if pinned is None else campaigns.filter(pk=pinned).first()
    marked = campaigns.filter(feeds_lke=True).first()
    if marked is not None:
        return marked
    return (
        campaigns.filter(is_test=False)
        .filter(tallies.has_counted_answers(measure))
        .order_by("-closes_on", "-pk")
        .first()
    )


def lke_feed_pin(unit: Unit, year: int) -> Any:
    """The LkeFeedPin of the unit and year, or None (the sheet is not submitted)."""
    return LkeFeedPin.objects.filter(unit=unit, year=year).first()


def survey_indices_for(unit: Unit, year: int) -> dict[str, Any]:
    """What the LKE takes from the unit's surveys of `year` (see docs/architecture.md).

    {"ipak": Decimal | None, "ipkp": Decimal | None, "skm_rounds": int}: IPAK and IPKP on
    0-4 rounded half up to 2 decimals as reported, None when no round has answers; the
    number of rounds in the year with counted SKM answers (suggested for A.I.6.iv.a).
    """
    result: dict[str, Any] = {}
    pin = lke_feed_pin(unit, year)
    for measure in (Measure.IPAK, Measure.IPKP):
        campaign = lke_source_campaign(unit, year, measure, pin=pin)
        result[str(measure)] = None if campaign is None else _campaign_index(campaign, measure)
    result["skm_rounds"] = skm_rounds(unit, year)
    return result


def skm_rounds(unit: Unit, year: int) -> int:
    """The SKM rounds of the unit in `year`, as A.I.6.iv.a counts them.

    A round is a period in which the unit ran the SKM: campaigns of the year with counted SKM
    answers, except test rounds, whose date ranges overlap are one round (a campaign opening
    the day after another closes starts a new one). Two campaigns over the same months, e.g.
    one per building, are not two rounds.
    """
    spans = sorted(
        Campaign.objects.filter(unit=unit, year=year, is_test=False)
        .filter(tallies.has_counted_answers(Measure.IKM))
        .values_list("opens_on", "closes_on")
    )
    rounds = 0
    last_close = None
    for opens_on, closes_on in spans:
        if last_close is None or opens_on > last_close:
            rounds += 1
            last_close = closes_on
        else:
            last_close = max(last_close, closes_on)
    return rounds


@dataclass(frozen=True)
class LkeFeedEvent:
    at: Any
    actor: str
    action: str
    period_from: str | None
    period_to: str | None


@dataclass(frozen=True)
class LkeFeedState:
    year: int
    source: Campaign | None
    pinned: bool
    lock_reason: str
    events: list[LkeFeedEvent]


def lke_feed_state(campaign: Campaign, *, limit: int = 20) -> LkeFeedState:
    """Which round feeds the unit's LKE of the campaign's year, whether that is frozen and
    why, and the audited switches, pins and unpins (newest first). Three small queries."""
    # Services read selectors; this one read goes the other way, so it is imported late.
    from zona.surveys.services.lke_feed import FEED_ACTIONS, feed_lock_reason, feeding_campaign

    unit, year = campaign.unit, campaign.year
    source = campaign if campaign.feeds_lke else feeding_campaign(unit=unit, year=year)
    events = [
        LkeFeedEvent(
            at=event.created_at,
            actor=event.actor_repr,
            action=event.action.rsplit("_", 1)[-1],
            period_from=event.details.get("from", event.details.get("campaign")),
            period_to=event.details.get("to"),
        )
        for event in AuditEvent.objects.filter(
            unit=unit, action__in=FEED_ACTIONS, details__year=year
        ).order_by("-created_at", "-pk")[:limit]
    ]
    return LkeFeedState(
        year=year,
        source=source,
        pinned=LkeFeedPin.objects.filter(unit=unit, year=year).exists(),
        lock_reason=feed_lock_reason(unit=unit, year=year),
        events=events,
    )
