"""Running totals (issue 12 §7): the results read them, and they give the numbers a scan of
the answers gives, whatever was submitted, folded, excluded or restored, and in what order."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from zona.surveys.management.commands.survey_aggregates import Command as SurveyAggregates
from zona.surveys.models import Channel, ItemTally, Response, ResponseTally
from zona.surveys.reporting import profile_breakdown, profile_results
from zona.surveys.selectors import (
    campaign_progress,
    campaign_results,
    channel_share,
    lke_source_campaign,
    progress_by_campaign,
    results_by_service,
    skm_rounds,
    survey_indices_for,
    tallies,
    unit_trend,
)
from zona.surveys.services import response_exclude, response_restore
from zona.surveys.services.tallies import tallies_drift, tallies_fold, tallies_rebuild

from .conftest import make_campaign, submit

PROFILE = {
    "age_group": ["", "u25", "25-34", "55+"],
    "sex": ["", "m", "f"],
    "education": ["", "secondary", "bachelor"],
    "occupation": [""],
}


def figures(campaigns):
    """Everything the pages, the API, the exports and the LKE feed read from the totals."""
    first = campaigns[0]
    unit, year = first.unit, first.year
    out = {
        "trend": unit_trend(unit),
        "lke": survey_indices_for(unit, year),
        "skm_rounds": skm_rounds(unit, year),
        "sources": [lke_source_campaign(unit, year, m) for m in ("ipak", "ipkp")],
        "progress_by_campaign": progress_by_campaign(c.pk for c in campaigns),
    }
    for c in campaigns:
        services = [s.service_type_id for s in c.services.all()]
        out[c.pk] = {
            "results": campaign_results(c),
            "per_service": [campaign_results(c, service_type_id=s) for s in services],
            "by_service": results_by_service(c),
            "progress": campaign_progress(c),
            "channels": channel_share(c),
            "profile": profile_breakdown(c, k=2),
            "profile_results": profile_results(c, k=2),
        }
    return out


def assert_same_as_scan(campaigns, monkeypatch):
    kept = figures(campaigns)
    with monkeypatch.context() as m:
        tallies.use_scan(m.setattr)
        scanned = figures(campaigns)
    assert kept == scanned
    assert tallies_drift() == []
    return kept


def random_submission(rng, campaign):
    values: dict[str, Any] = {}
    for version in campaign.ordered_versions():
        if rng.random() < 0.8:
            low, high = version.scale_min, version.scale_max
            values[version.instrument.key] = [rng.randint(low, high) for _ in version.item_codes]
    if not values:
        version = campaign.ordered_versions()[0]
        values[version.instrument.key] = [version.scale_max] * len(version.item_codes)
    return submit(
        campaign,
        service=rng.choice(["PASPOR", "IZIN"]),
        duration_seconds=rng.choice([2.0, 300.0, 300.0]),
        channel=rng.choice([Channel.WEB, Channel.WEB, Channel.KIOSK]),
        profile={field: rng.choice(bands) for field, bands in PROFILE.items()},
        **values,
    ).response


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_give_the_scan_numbers_through_any_sequence(world, instruments, monkeypatch, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    campaigns = [
        make_campaign(world, instruments, asks_profile=True),
        make_campaign(world, instruments, keys=("skm", "spak"), period_label="Semester II"),
        make_campaign(
            world,
            instruments,
            keys=("spkp", "skm"),
            is_test=True,
            period_label="Uji coba",
            opens_on=today - timedelta(days=40),
            closes_on=today + timedelta(days=1),
        ),
    ]
    reviewer = world["tpi_reviewer"]
    responses: list[Response] = []
    for _round in range(4):
        for _ in range(rng.randint(3, 12)):
            responses.append(random_submission(rng, rng.choice(campaigns)))
        step = rng.choice(["fold", "fold_some", "exclude", "restore", "nothing"])
        if step == "fold":
            tallies_fold()
        elif step == "fold_some":
            tallies_fold(batch=2, limit=rng.randint(1, 6))
        flagged = [r for r in responses if r.flagged]
        for response in rng.sample(flagged, min(len(flagged), rng.randint(0, 3))):
            response.refresh_from_db()
            if response.excluded:
                response_restore(actor=reviewer, response=response)
            else:
                response_exclude(actor=reviewer, response=response, reason="too fast")
        assert_same_as_scan(campaigns, monkeypatch)
    before = assert_same_as_scan(campaigns, monkeypatch)
    tallies_fold()
    assert not Response.objects.filter(tallied=False).exists()
    assert assert_same_as_scan(campaigns, monkeypatch) == before
    tallies_rebuild()
    assert assert_same_as_scan(campaigns, monkeypatch) == before


def test_a_submission_writes_no_total_and_still_counts(world, campaign):
    response = submit(campaign, spak=[6, 5, 6, 4, 6]).response
    assert not response.tallied
    assert not ItemTally.objects.exists()
    assert campaign_results(campaign)[0].respondents == 1
    assert tallies_fold() == 1
    response.refresh_from_db()
    assert response.tallied
    assert ItemTally.objects.filter(campaign=campaign).count() == 5
    assert campaign_results(campaign)[0].respondents == 1
    assert tallies_fold() == 0


def test_excluding_a_folded_response_moves_the_totals(world, campaign):
    submit(campaign, spak=[6, 6, 6, 6, 6])
    fast = submit(campaign, spak=[1, 1, 1, 1, 1], duration_seconds=2.0).response
    assert fast.flagged
    tallies_fold()
    q1 = ItemTally.objects.get(
        campaign=campaign, item=1, instrument_version__instrument__key="spak"
    )
    assert (q1.total, q1.answered) == (7, 2)
    spak = campaign_results(campaign)[0]
    assert (spak.respondents, spak.items[0].stat.total) == (2, 7)

    response_exclude(actor=world["tpi_reviewer"], response=fast, reason="2 seconds")
    q1.refresh_from_db()
    assert (q1.total, q1.answered) == (6, 1)
    spak = campaign_results(campaign)[0]
    assert (spak.respondents, spak.items[0].stat.total) == (1, 6)
    progress = campaign_progress(campaign)
    assert (progress.counted, progress.excluded, progress.flagged) == (1, 1, 0)
    assert ResponseTally.objects.filter(campaign=campaign, excluded=True).get().n == 1

    response_restore(actor=world["tpi_reviewer"], response=fast)
    q1.refresh_from_db()
    assert (q1.total, q1.answered) == (7, 2)
    assert campaign_results(campaign)[0].respondents == 2
    assert campaign_progress(campaign).flagged == 1
    assert tallies_drift() == []


def test_excluding_before_the_fold_is_folded_as_excluded(world, campaign):
    fast = submit(campaign, spak=[1, 1, 1, 1, 1], duration_seconds=2.0).response
    response_exclude(actor=world["tpi_reviewer"], response=fast, reason="2 seconds")
    tallies_fold()
    assert not ItemTally.objects.filter(answered__gt=0).exists()
    assert campaign_results(campaign)[0].respondents == 0
    assert campaign_progress(campaign).excluded == 1
    assert tallies_drift() == []


def test_the_lke_reads_the_totals(world, campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6], spkp=[5] * 8, skm=[4] * 9)
    tallies_fold()
    unit, year = campaign.unit, campaign.year
    indices = survey_indices_for(unit, year)
    assert indices["skm_rounds"] == 1
    # Totals that disagree with the answers show through: the feed reads the totals.
    ItemTally.objects.filter(instrument_version__instrument__key="spak").update(total=1)
    assert survey_indices_for(unit, year)["ipak"] != indices["ipak"]
    ItemTally.objects.filter(instrument_version__instrument__key="skm").update(answered=0)
    assert survey_indices_for(unit, year)["skm_rounds"] == 0
    tallies_rebuild()
    assert survey_indices_for(unit, year) == indices


def run(*args):
    out = StringIO()
    call_command("survey_aggregates", *args, stdout=out)
    return out.getvalue()


def test_the_command_checks_rebuilds_and_folds(world, campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6])
    assert "folded 1 responses" in run("--fold")
    assert "no drift" in run("--check")
    ItemTally.objects.filter(campaign=campaign, item=2).update(total=99)
    with pytest.raises(CommandError, match="1 figures drifted"):
        run("--check")
    assert "rebuilt: the totals hold 1 responses" in run("--rebuild")
    assert "no drift" in run("--check", "--campaign", str(campaign.pk))
    with pytest.raises(CommandError, match="No campaign"):
        run("--check", "--campaign", "999999")


def test_the_command_exits_1_on_drift(world, campaign):
    submit(campaign, spak=[6, 5, 6, 4, 6])
    tallies_fold()
    ResponseTally.objects.filter(campaign=campaign).update(n=5)
    command = SurveyAggregates(stdout=StringIO(), stderr=StringIO())
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "survey_aggregates", "--check", "--skip-checks"])
    assert exit_info.value.code == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_folds_and_exclusions_keep_the_totals_exact(world, instruments):
    """Two workers fold while a reviewer excludes: every response counted once, as it is."""
    campaign = make_campaign(world, instruments)
    responses = [
        submit(campaign, spak=[i % 6 + 1] * 5, duration_seconds=2.0 if i % 3 else 300.0).response
        for i in range(40)
    ]
    tallies_fold(limit=10)
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            tallies_fold(batch=3)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def reviewer() -> None:
        try:
            start.wait()
            for response in responses[::4]:
                if response.flagged:
                    response_exclude(actor=world["tpi_reviewer"], response=response, reason="x")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=f) for f in (worker, worker, reviewer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    tallies_fold()
    assert tallies_drift() == []
    assert (
        campaign_results(campaign)[0].respondents == Response.objects.filter(excluded=False).count()
    )
