"""Demo surveys for `make run`: two rounds of Kantor Imigrasi Kelas I Bandung.

Semester I (closed, feeds the LKE) and Semester II (open now, public link /s/kanimbdg) with a
few hundred synthetic responses, a few flagged ones and some contacts for validation. Both
rounds ask the respondent profile, and most demo respondents give it (in varied bands), so
the SKM report's "respondents and their profile" section has something to show.
Idempotent: a round that exists is left alone, except that a round loaded before profiles
were part of the demo gets them once (and its running totals are rebuilt).

The synthetic rows are written in bulk here, with submission hours spread over each round,
because the public path stamps everything "now"; that shortcut is for demo data only.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zona.accounts.demo import DemoContext
from zona.surveys.models import (
    Answer,
    Campaign,
    Channel,
    Contact,
    Flag,
    InstrumentVersion,
    Kiosk,
    Response,
    ServedWhen,
    floor_to_hour,
)
from zona.surveys.profile import PROFILE_FIELDS, profile_questions
from zona.surveys.services import CampaignFields, campaign_create, instrument_load_files
from zona.surveys.services.tallies import tallies_fold, tallies_rebuild

UNIT = "KPM-IMI-BDG"
POPULATIONS = {"PASPOR": 6000, "ITAS": 800, "ITAP": 300, "PENGADUAN": 150}
# (period, responses, how good the service felt: shifts answers up)
ROUNDS = [("Semester I", 260, 0.0), ("Semester II", 180, 0.4)]
# Who comes to an immigration office, roughly: weights per profile band code. A code of the
# profile file missing here weighs 1; a code here missing from the file is not used.
PROFILE_WEIGHTS: dict[str, dict[str, int]] = {
    "age_group": {"u25": 14, "25-34": 31, "35-44": 27, "45-54": 17, "55+": 11},
    "sex": {"m": 52, "f": 48},
    "education": {"basic": 9, "secondary": 37, "diploma": 15, "bachelor": 31, "postgrad": 8},
    "occupation": {"civil": 12, "private": 37, "self": 25, "student": 13, "other": 13},
}
# Share of respondents who skip the whole profile, and who skip any one question.
PROFILE_SKIPPED = 0.06
QUESTION_SKIPPED = 0.04


def _profile(rng: random.Random) -> dict[str, str]:
    """One respondent's profile band codes ("" for a question left empty)."""
    profile = dict.fromkeys(PROFILE_FIELDS, "")
    if rng.random() < PROFILE_SKIPPED:
        return profile
    codes: dict[str, list[str]] = {}
    for question in profile_questions():
        codes[question.key] = [c.code for c in question.choices]
        if rng.random() < QUESTION_SKIPPED:
            continue
        weights = PROFILE_WEIGHTS.get(question.key, {})
        choices = codes[question.key]
        profile[question.key] = rng.choices(choices, [weights.get(c, 1) for c in choices])[0]
    # Half of the young respondents are students.
    young = profile["age_group"] == "u25" and profile["occupation"]
    if young and "student" in codes.get("occupation", []) and rng.random() < 0.5:
        profile["occupation"] = "student"
    return profile


def _answer(rng: random.Random, low: int, high: int, mood: float) -> int | None:
    if rng.random() < 0.03:
        return None  # skipped
    # Mostly satisfied users, as real service surveys show, with a tail of unhappy ones.
    top = high - low
    value = high - abs(rng.gauss(0, 0.75 - mood * 0.6)) * top / 3
    return max(low, min(high, round(value)))


def _responses(
    campaign: Campaign, versions: list[InstrumentVersion], count: int, mood: float, seed: int
) -> None:
    rng = random.Random(seed)
    # A separate stream, so the answers stay what they were before profiles were added.
    profiles = random.Random(seed + 1000)
    services = {s.service_type.code: s.service_type_id for s in campaign.services.all()}
    weights = [POPULATIONS[code] for code in services]
    start = timezone.make_aware(datetime.combine(campaign.opens_on, datetime.min.time()))
    last = min(timezone.localdate(), campaign.closes_on)
    span_hours = max(1, (last - campaign.opens_on).days) * 24
    responses: list[Response] = []
    answers: list[Answer] = []
    for _ in range(count):
        service_id = rng.choices(list(services.values()), weights=weights)[0]
        flags: list[str] = []
        if rng.random() < 0.04:
            flags.append(Flag.TOO_FAST)
        values: list[tuple[InstrumentVersion, int, int]] = []
        same = rng.random() < 0.03
        for version in versions:
            for item in range(1, len(version.item_codes) + 1):
                value = (
                    version.scale_max
                    if same
                    else _answer(rng, version.scale_min, version.scale_max, mood)
                )
                if value is not None:
                    values.append((version, item, value))
        if same:
            flags.append(Flag.STRAIGHT_LINE)
        # Office hours on working days, floored to the hour as the public form stores them.
        moment = start + timedelta(hours=rng.randrange(span_hours))
        moment = moment.replace(hour=rng.randrange(8, 16))
        response = Response(
            campaign=campaign,
            service_type_id=service_id,
            submitted_hour=floor_to_hour(moment),
            idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex,
            channel=Channel.KIOSK if rng.random() < 0.35 else Channel.WEB,
            served_when=rng.choice([ServedWhen.TODAY] * 6 + [ServedWhen.WEEK, ServedWhen.MONTH]),
            flags=flags,
            flagged=bool(flags),
            **_profile(profiles),
        )
        responses.append(response)
        answers.extend(
            Answer(
                response=response,
                instrument_version=version,
                item=item,
                value=value,
                campaign=campaign,
                service_type_id=service_id,
            )
            for version, item, value in values
        )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers, batch_size=2000)
    Contact.objects.bulk_create(
        Contact(
            campaign=campaign,
            name=rng.choice(["", "Bu Sari", "Pak Dedi", "Mbak Rina", "Mas Yoga"]),
            contact=f"08{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}",
        )
        for _ in range(count // 6)
    )


@transaction.atomic
def load_demo_data(ctx: DemoContext) -> None:
    unit = ctx.units.get(UNIT)
    if unit is None:
        return
    loaded = instrument_load_files(
        paths=sorted((Path(settings.BASE_DIR) / "surveys").glob("*.yaml"))
    )
    versions = {r.key: r.instrument_version for r in loaded}
    ordered = [versions["spak"], versions["spkp"], versions["skm"]]
    services = {s.code: s.pk for s in unit.service_types.all()}
    today = timezone.localdate()
    # Semester I closed before today, Semester II open around today (whatever today is).
    second_opens = today - timedelta(days=45)
    bounds = {
        "Semester I": (second_opens - timedelta(days=182), second_opens - timedelta(days=1)),
        "Semester II": (second_opens, today + timedelta(days=90)),
    }
    for index, (period, count, mood) in enumerate(ROUNDS):
        opens_on, closes_on = bounds[period]
        year = opens_on.year
        existing = Campaign.objects.filter(unit=unit, year=year, period_label=period).first()
        if existing is not None:
            _add_missing_profiles(existing, seed=2026 + index)
            continue
        campaign = campaign_create(
            actor=ctx.users.get("operator.bandung"),
            unit=unit,
            fields=CampaignFields(
                year=year,
                period_label=period,
                opens_on=opens_on,
                closes_on=closes_on,
                instrument_versions=ordered,
                populations={
                    services[code]: n for code, n in POPULATIONS.items() if code in services
                },
                feeds_lke=index == 0,
                asks_profile=True,
            ),
        )
        if index == 1 and not Campaign.objects.filter(public_code="kanimbdg").exists():
            campaign.public_code = "kanimbdg"
            campaign.results_public = True
            campaign.save(update_fields=["public_code", "results_public"])
            # A tablet at the passport counter, registered like a manager would.
            Kiosk.objects.create(
                campaign=campaign,
                name="Tablet 1",
                location="Loket paspor, lantai dasar",
                opened_by=ctx.users.get("operator.bandung"),
            )
        _responses(campaign, ordered, count, mood, seed=2026 + index)
    # What the worker would do next: fold the demo responses into the results' totals.
    tallies_fold()


def _add_missing_profiles(campaign: Campaign, *, seed: int) -> None:
    """A demo round loaded before the demo had profiles gets them, once; its totals are
    rebuilt from the answers so that the per-band figures agree with the responses."""
    if campaign.asks_profile:
        return
    profiles = random.Random(seed + 1000)
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    for response in responses:
        for field, value in _profile(profiles).items():
            setattr(response, field, value)
    Response.objects.bulk_update(responses, list(PROFILE_FIELDS), batch_size=500)
    campaign.asks_profile = True
    campaign.save(update_fields=["asks_profile"])
    tallies_rebuild(campaign=campaign)
