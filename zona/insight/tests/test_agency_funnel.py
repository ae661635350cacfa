"""The funnel (selectors/funnel.py) against hand-built data: each stage's count per year, the
pass rates, the share of satker holding a predicate (the seed's "241 of 634 satker hold
WBK/WBBM (27.54%)") and the average pass rate over years, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from zona.accounts.models import Unit
from zona.assessments.models import Assessment, Period
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.insight.selectors.funnel import funnel
from zona.national.models import Candidacy, Nomination, Predicate, Proposal
from zona.workflow.models import ChainStep, TierReview

pytestmark = pytest.mark.django_db


def add_satker(parent: Unit, count: int, prefix: str, region: str = "") -> list[Unit]:
    """`count` satker below `parent` in one insert (paths computed as treebeard does)."""
    parent.refresh_from_db()
    start = parent.numchild
    units = [
        Unit(
            path=Unit._get_path(parent.path, parent.depth + 1, start + i + 1),
            depth=parent.depth + 1,
            numchild=0,
            code=f"{prefix}-{i:04d}",
            name=f"Satker {prefix} {i:04d}",
            kind="satker",
            region=region,
        )
        for i in range(count)
    ]
    Unit.objects.bulk_create(units)
    Unit.objects.filter(pk=parent.pk).update(numchild=start + count)
    parent.refresh_from_db()
    return list(Unit.objects.filter(code__startswith=f"{prefix}-").order_by("code"))


def predicate(unit: Unit, kind: str, year: int, **extra: Any) -> Predicate:
    return Predicate.objects.create(
        unit=unit,
        kind=kind,
        year=year,
        decree_number=f"SK/{year}/{unit.pk}",
        decree_date=dt.date(year, 12, 10),
        granted_at=timezone.now(),
        **extra,
    )


def nominate(
    world, period: Period, units: list[Unit], statuses: list[str], target: str = "WBK"
) -> list[Nomination]:
    proposal = Proposal.objects.create(
        agency=world.agency,
        year=period.year,
        period=period,
        status="submitted",
        created_by=world["agency_admin"],
    )
    result = []
    for unit, status in zip(units, statuses, strict=True):
        assessment = Assessment.objects.filter(period=period, unit=unit).first() or make_assessment(
            period, unit
        )
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=timezone.now())
        result.append(
            Nomination.objects.create(
                proposal=proposal,
                assessment=assessment,
                unit=unit,
                year=period.year,
                target=target,
                status=status,
            )
        )
        if status == "awarded":
            predicate(unit, target, period.year, nomination=result[-1])
    return result


def candidate(world, unit: Unit, year: int, status: str = "designated") -> Candidacy:
    return Candidacy.objects.create(
        unit=unit,
        year=year,
        target="WBK",
        status=status,
        designated_by=world["agency_admin"],
        designated_at=timezone.now(),
    )


def passed_tier(period: Period, assessment: Assessment, tier, position: int, **extra: Any) -> None:
    step, _ = ChainStep.objects.get_or_create(
        period=period,
        tier=tier,
        defaults={
            "position": position,
            "opens_on": period.opens_on,
            "closes_on": period.closes_on,
        },
    )
    TierReview.objects.create(
        assessment=assessment,
        step=step,
        tier=tier,
        position=position,
        status=extra.pop("status", "completed"),
        recommendation=extra.pop("recommendation", "forward"),
    )


@pytest.fixture
def history(world):
    """Three years of one agency (KC) and an outsider's nomination that must not count.

    2024: 4 proposed, 1 awarded (25%); 2025: 2 proposed, 1 awarded (50%); 2026: 5 candidates
    (one withdrawn), 4 sheets submitted, Kanwil forwards 3 (one held), TPI forwards 2,
    3 nominated: one at the desk, one at the field evaluation, one failed (0% so far).
    """
    fw = load_mini()
    units = add_satker(world.kanwil_jabar, 8, "JB", region="Jawa Barat")
    periods = {
        year: make_period(world.agency, fw, year=year, title=f"PMPZI {year}")
        for year in (2024, 2025, 2026)
    }
    nominate(world, periods[2024], units[:4], ["awarded", "not_awarded", "failed", "ended"])
    nominate(world, periods[2025], units[4:6], ["awarded", "desk"], target="WBK")
    for unit in units[:5]:
        candidate(world, unit, 2026)
    candidate(world, units[5], 2026, status="withdrawn")
    p26 = periods[2026]
    sheets = [make_assessment(p26, u) for u in units[:5]]
    Assessment.objects.filter(pk__in=[s.pk for s in sheets[:4]]).update(submitted_at=timezone.now())
    for s in sheets[:3]:
        passed_tier(p26, s, world.tier_kanwil, 1)
    passed_tier(p26, sheets[3], world.tier_kanwil, 1, recommendation="hold")
    for s in sheets[:2]:
        passed_tier(p26, s, world.tier_tpi, 2)
    nominate(world, p26, units[:3], ["desk", "field", "failed"])
    # Another agency's unit: outside KC's scope, inside the nation's.
    other_period = make_period(world.other_agency, fw, year=2026, title="Other 2026")
    other = Proposal.objects.create(
        agency=world.other_agency,
        year=2026,
        period=other_period,
        created_by=world["sysadmin"],
    )
    Nomination.objects.create(
        proposal=other,
        assessment=make_assessment(other_period, world.other_satker),
        unit=world.other_satker,
        year=2026,
        target="WBK",
        status="awarded",
    )
    return units


def counts(f, key: str) -> dict[int, int]:
    return {y: f.stage(key).count(y) for y in f.years}


def test_each_stage_counts_per_year_in_the_agency_scope(world, history):
    f = funnel(world.agency, [2024, 2025, 2026])
    assert [s.key for s in f.stages] == [
        "candidates",
        "submitted",
        "tier:1",
        "tier:2",
        "proposed",
        "tpn:admin_passed",
        "tpn:desk",
        "tpn:field",
        "tpn:clearance",
        "tpn:determination",
        "awarded",
    ]
    assert counts(f, "candidates") == {2024: 0, 2025: 0, 2026: 5}
    # The nominated sheets of 2024 and 2025 were submitted too.
    assert counts(f, "submitted") == {2024: 4, 2025: 2, 2026: 4}
    assert counts(f, "tier:1") == {2024: 0, 2025: 0, 2026: 3}
    assert f.stage("tier:1").label == "Lolos Kanwil"  # the tier's name in the stage's words
    with translation.override("en"):
        assert funnel(world.agency, [2026]).stage("tier:1").label == "Passed Kanwil"
    assert counts(f, "tier:2") == {2024: 0, 2025: 0, 2026: 2}
    assert counts(f, "proposed") == {2024: 4, 2025: 2, 2026: 3}
    # 2024: the awarded and the not awarded reached the determination; the failed and the
    # ended (appeal rejected) stopped at the administrative selection.
    assert counts(f, "tpn:admin_passed") == {2024: 2, 2025: 2, 2026: 2}
    assert counts(f, "tpn:desk") == {2024: 2, 2025: 2, 2026: 2}
    assert counts(f, "tpn:field") == {2024: 2, 2025: 1, 2026: 1}
    assert counts(f, "tpn:determination") == {2024: 2, 2025: 1, 2026: 0}
    assert counts(f, "awarded") == {2024: 1, 2025: 1, 2026: 0}
    # Stage rates: submitted of candidates in 2026 = 4/5; Kanwil passed 3 of 4.
    assert f.rate(1, 2026) == Decimal("80.00")
    assert f.rate(2, 2026) == Decimal("75.00")
    assert f.rate(0, 2026) is None
    assert f.pass_rate(2024) == Decimal("25.00")
    assert f.pass_rate(2025) == Decimal("50.00")
    assert f.pass_rate(2026) == Decimal("0.00")
    assert f.average_pass_rate == Decimal("25.00")  # (25 + 50 + 0) / 3
    assert f.pooled_pass_rate == Decimal("22.22")  # 2 of 9


def test_a_subtree_and_the_nation(world, history):
    jatim = funnel(world.kanwil_jatim, [2026])
    assert all(s.total == 0 for s in jatim.stages)
    assert jatim.average_pass_rate is None
    nation = funnel(None, [2026])
    assert nation.stage("proposed").count(2026) == 4
    assert nation.stage("awarded").count(2026) == 1
    # A year with no nominations has no pass rate and does not weigh in the average.
    assert funnel(world.agency, [2023, 2024]).average_pass_rate == Decimal("25.00")


def test_the_seed_figure_241_of_634_satker_hold_a_predicate(world):
    satker = add_satker(world.kanwil_jatim, 631, "JT")  # + Bandung, Bogor, Surabaya = 634
    for unit in satker[:200]:
        predicate(unit, "WBK", 2023)
    for unit in satker[200:240]:
        predicate(unit, "WBK", 2022)
        predicate(unit, "WBBM", 2024)
    # One revoked: not held; Bandung holds one: 200 + 40 + 1 = 241.
    predicate(satker[300], "WBK", 2021, status="revoked")
    predicate(world.bandung, "WBK", 2024)
    # Outside the agency: not counted.
    predicate(world.other_satker, "WBK", 2024)
    with CaptureQueriesContext(connection) as ctx:
        f = funnel(world.agency, range(2015, 2024))
    assert (f.units_holding, f.units_total) == (241, 634)
    # The seed's sentence says 27.54%, but 241 of 634 is 38.01% (27.54% is 241 of 875):
    # the page computes the share from the counts it shows.
    assert f.holding_percent == Decimal("38.01")
    assert f.holding_by_kind == {"WBK": 241, "WBBM": 40}
    assert len(ctx.captured_queries) == 6


def test_the_query_count_does_not_grow_with_the_data(world, history):
    with CaptureQueriesContext(connection) as small:
        funnel(None, [2024, 2025, 2026])
    more = add_satker(world.kanwil_jatim, 40, "MX")
    period = Period.objects.get(agency=world.agency, year=2025)
    nominate(world, period, more[:30], ["awarded"] * 10 + ["not_awarded"] * 20)
    with CaptureQueriesContext(connection) as large:
        f = funnel(None, [2024, 2025, 2026])
    assert f.stage("proposed").count(2025) == 32
    assert len(small.captured_queries) == len(large.captured_queries) == 6
