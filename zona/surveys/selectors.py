"""Reads with meaning: campaign progress, indices computed in the database, the LKE link.

Indices never load answers into Python: SQL sums and counts each item over the partial
index on counted answers, and the pure functions of `indices` turn those into IPAK, IPKP and
IKM. One query per page section, whatever the number of responses.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from zona.accounts.access import Perm, filter_by_unit_scope
from zona.accounts.models import ServiceType, Unit
from zona.surveys.indices import ItemStat, ikm, ikm_grade, perception_index, rounded
from zona.surveys.models import (
    Answer,
    Campaign,
    CampaignInstrument,
    CampaignService,
    InstrumentVersion,
    Measure,
    Response,
)

# A per-service figure from fewer responses than this is not shown on the public page: with
# two respondents, anyone who knows one of them could work out the other's answers.
PUBLIC_MIN_RESPONSES = 5


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


# --- progress -----------------------------------------------------------------------------


@dataclass
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


@dataclass
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


# --- indices ------------------------------------------------------------------------------


@dataclass
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


@dataclass
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


def _index_result(
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
    answers = Answer.objects.filter(campaign=campaign, counted=True)
    responses = Response.objects.filter(campaign=campaign, excluded=False)
    if service_type_id is not None:
        answers = answers.filter(service_type_id=service_type_id)
        responses = responses.filter(service_type_id=service_type_id)
    sums: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for row in (
        answers.values("instrument_version_id", "item")
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    ):
        sums[row["instrument_version_id"]][row["item"]] = (row["total"], row["answered"])
    respondents = responses.count()
    return [
        _index_result(version, sums.get(version.pk, {}), respondents, language)
        for version in campaign.ordered_versions()
    ]


@dataclass
class ServiceIndex:
    service: ServiceType
    respondents: int
    results: list[IndexResult]


def results_by_service(campaign: Campaign, *, language: str = "id") -> list[ServiceIndex]:
    """Every service of the campaign with each instrument's index: two queries in all."""
    sums: dict[tuple[int, int], dict[int, tuple[int, int]]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(campaign=campaign, counted=True)
        .values("instrument_version_id", "service_type_id", "item")
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    ):
        key = (row["service_type_id"], row["instrument_version_id"])
        sums[key][row["item"]] = (row["total"], row["answered"])
    respondents = dict(
        Response.objects.filter(campaign=campaign, excluded=False)
        .values("service_type_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("service_type_id", "n")
    )
    versions = campaign.ordered_versions()
    out = []
    for service in campaign.services.all():
        sid = service.service_type_id
        n = respondents.get(sid, 0)
        out.append(
            ServiceIndex(
                service.service_type,
                n,
                [_index_result(v, sums.get((sid, v.pk), {}), n, language) for v in versions],
            )
        )
    return out


@dataclass
class TrendPoint:
    campaign: Campaign
    values: dict[str, Decimal | None]  # instrument key -> index


def unit_trend(unit: Unit) -> tuple[list[str], list[TrendPoint]]:
    """Each campaign of the unit, oldest first, with the index of each instrument it ran."""
    campaigns = list(
        with_instruments(Campaign.objects.filter(unit=unit)).order_by("opens_on", "pk")
    )
    sums: dict[tuple[int, int], dict[int, tuple[int, int]]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(campaign__unit=unit, counted=True)
        .values("campaign_id", "instrument_version_id", "item")
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
    ):
        sums[(row["campaign_id"], row["instrument_version_id"])][row["item"]] = (
            row["total"],
            row["answered"],
        )
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


# --- the LKE link -------------------------------------------------------------------------


def _measure_answers(measure: str) -> QuerySet[Answer]:
    return Answer.objects.filter(
        campaign=OuterRef("pk"), counted=True, instrument_version__instrument__measures=measure
    )


def _campaign_index(campaign: Campaign, measure: str) -> Decimal | None:
    versions = [v for v in campaign.ordered_versions() if v.instrument.measures == measure]
    if not versions:
        return None
    version = versions[0]
    sums = {
        row["item"]: (row["total"], row["answered"])
        for row in Answer.objects.filter(
            campaign=campaign, instrument_version=version, counted=True
        )
        .values("item")
        .annotate(total=Sum("value"), answered=Count("*"))
        .order_by()
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
        .filter(Exists(_measure_answers(measure)))
        .order_by("-closes_on", "-pk")
        .first()
    )


def lke_feed_pin(unit: Unit, year: int) -> Any:
    """The LkeFeedPin of the unit and year, or None (the sheet is not submitted)."""
    from zona.surveys.models import LkeFeedPin

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
        .filter(Exists(_measure_answers(Measure.IKM)))
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


# --- export -------------------------------------------------------------------------------


def export_columns(versions: list[InstrumentVersion], *, prefixed: bool) -> list[str]:
    return [
        f"{v.instrument.key}.{code}" if prefixed else code
        for v in versions
        for code in v.item_codes
    ]


def export_rows(
    campaign: Campaign, versions: list[InstrumentVersion], *, chunk: int = 2000
) -> Iterable[tuple[Response, list[int | None]]]:
    """Every response (counted and excluded) with its answers in column order.

    Ordered by the random primary key, so the row order says nothing about arrival order.
    Memory stays flat: responses and their answers are read in chunks.
    """
    offsets: dict[tuple[int, int], int] = {}
    column = 0
    for version in versions:
        for position in range(1, len(version.item_codes) + 1):
            offsets[(version.pk, position)] = column
            column += 1
    width = column
    last = None
    base = Response.objects.filter(campaign=campaign).select_related("service_type").order_by("pk")
    while True:
        page = list((base.filter(pk__gt=last) if last is not None else base)[:chunk])
        if not page:
            return
        answers: dict[int, list[int | None]] = {r.pk: [None] * width for r in page}
        for response_id, version_id, item, value in Answer.objects.filter(
            response_id__in=list(answers)
        ).values_list("response_id", "instrument_version_id", "item", "value"):
            offset = offsets.get((version_id, item))
            if offset is not None:
                answers[response_id][offset] = value
        for response in page:
            yield response, answers[response.pk]
        last = page[-1].pk


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


# --- the campaign feeding the LKE ---------------------------------------------------------


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
    from zona.audit.models import AuditEvent
    from zona.surveys.models import LkeFeedPin
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


# --- kiosks -------------------------------------------------------------------------------


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
    from zona.surveys.models import Channel

    row = Response.objects.filter(campaign=campaign, excluded=False).aggregate(
        counted=Count("pk"),
        kiosk=Count("pk", filter=Q(channel=Channel.KIOSK)),
        kiosk_flagged=Count("pk", filter=Q(channel=Channel.KIOSK, flagged=True)),
    )
    return ChannelShare(row["counted"], row["kiosk"], row["kiosk_flagged"])
