"""A unit's attempts across years (issue 11 §5): the target, each tier's score and verdict,
the selection outcome, the TPN's stages, the predicate, monitoring and revocation; the unit
page, the agency's list (paged, by year) and the API; fixed queries for any number of
units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zona.assessments.models import Answer, AnswerLayer
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import (
    Candidacy,
    Nomination,
    NominationStatus,
    Proposal,
    ProposalStatus,
)
from zona.national.selectors.history import agency_history, histories, unit_history
from zona.national.services.monitoring import monitor_assign, monitoring_rounds_create
from zona.national.services.predicates import RevocationInput, predicate_revoke
from zona.national.services.register import predicate_grant
from zona.workflow.models import ChainStep, SelectionRound, WorkflowEvent

D = dt.date


def _attempt(world, unit, period, *, nominate: bool = True):
    """A sheet of `unit` with a TPI layer, a selection row after the kanwil, a candidacy and
    a nomination with two stage events."""
    sheet = make_assessment(period, unit)
    layer, _ = AnswerLayer.objects.get_or_create(assessment=sheet, tier=world.tier_tpi)
    Answer.objects.create(layer=layer, item_code="A.p.m.1.a", value="Ya")
    scores_refresh(sheet)
    Candidacy.objects.create(
        unit=unit,
        year=period.year,
        target="WBK",
        designated_by=world["sysadmin"],
        designated_at=timezone.now(),
    )
    if not nominate:
        return sheet
    proposal = Proposal.objects.create(
        agency=world.agency,
        year=period.year,
        period=period,
        status=ProposalStatus.SUBMITTED,
        created_by=world["agency_admin"],
    )
    nomination = Nomination.objects.create(
        proposal=proposal,
        assessment=sheet,
        unit=unit,
        year=period.year,
        target="WBK",
        status=NominationStatus.DESK,
    )
    for before, after in (("admin", "follow_up"), ("follow_up", "desk")):
        WorkflowEvent.objects.create(
            subject_kind="nomination",
            subject_id=nomination.pk,
            action="select",
            from_state=before,
            to_state=after,
            actor=world["tpn"],
            at=timezone.now(),
            reason="Surat usulan diperbaiki" if after == "desk" else "",
        )
    return sheet


@pytest.fixture
def period(world):
    return make_period(world.agency, load_mini(), creator=world["agency_admin"])


@pytest.fixture
def rounds(world, period):
    step = ChainStep.objects.create(
        period=period,
        tier=world.tier_kanwil,
        position=1,
        opens_on=period.opens_on,
        closes_on=period.closes_on,
    )
    return SelectionRound.objects.create(
        period=period, step=step, status="closed", quota_percent=50, target="wbk", result={}
    )


def test_a_units_history_has_every_part(world, period, rounds, client_for):
    sheet = _attempt(world, world.bandung, period)
    rounds.result = {"rows": [{"assessment": sheet.pk, "selected": True, "why": "in_quota"}]}
    rounds.save()
    old = predicate_grant(
        actor=world["sysadmin"],
        unit=world.bandung,
        kind="WBK",
        year=2022,
        decree_number="SK/2022",
        decree_date=D(2022, 12, 9),
    )
    monitor_assign(
        actor=world["agency_admin"], agency=world.agency, kind="WBK", monitor_unit=world.eselon1
    )
    monitoring_rounds_create(today=D(2024, 12, 1))
    predicate_revoke(
        actor=world["tpn"],
        predicate=old,
        data=RevocationInput(
            grounds="maladministration",
            source="public_report",
            source_reference="LM/9",
            confirmed_by="Irjen",
            confirmed_on=D(2025, 1, 2),
            decided_on=D(2025, 1, 3),
        ),
    )
    attempts = unit_history(world.bandung)
    assert [a.year for a in attempts] == [2026, 2022]
    now, then = attempts
    assert now.target == "WBK"
    assert now.candidate
    assert now.assessment == sheet
    assert [t.tier for t in now.tiers] == ["TPI"]
    assert now.effective_total is not None
    assert [(s.tier, s.selected) for s in now.selection] == [("Kanwil", True)]
    assert now.nomination is not None
    assert [e.to_state for e in now.stages] == ["follow_up", "desk"]
    assert then.assessment is None
    [ph] = then.predicates
    assert ph.predicate == old
    assert [r.due_on for r in ph.rounds] == [D(2024, 12, 9)]
    assert ph.revocation.blocked_until == D(2027, 1, 3)
    # The page, for the unit's head; 404 for another unit's operator and another agency.
    url = f"/units/{world.bandung.pk}/history/"
    body = client_for(world["unit_head"]).get(url).content.decode()
    assert 'data-testid="attempt-2026"' in body
    assert 'data-testid="history-predicate-WBK-2022"' in body
    assert 'data-testid="history-block"' in body
    assert client_for(world["other_operator"]).get(url).status_code == 404
    assert client_for(world["outsider"]).get(url).status_code == 404
    assert client_for(world["tpn"]).get(url).status_code == 200
    unblocked = client_for(world["other_operator"]).get(f"/units/{world.bogor.pk}/history/")
    assert 'data-testid="history-block"' not in unblocked.content.decode()
    api = client_for(world["unit_head"]).get(f"/api/v1/national/units/{world.bandung.pk}/history/")
    assert [a["year"] for a in api.json()] == [2026, 2022]
    assert api.json()[0]["stages"][1]["to_state"] == "desk"
    assert (
        client_for(world["outsider"])
        .get(f"/api/v1/national/units/{world.bandung.pk}/history/")
        .status_code
        == 404
    )


def test_the_agency_list_by_year(world, period, client_for):
    _attempt(world, world.bandung, period)
    predicate_grant(
        actor=world["sysadmin"],
        unit=world.surabaya,
        kind="WBK",
        year=2023,
        decree_number="SK/2023",
        decree_date=D(2023, 12, 12),
    )
    url = f"/agencies/{world.agency.pk}/history/"
    admin = client_for(world["agency_admin"])
    body = admin.get(url).content.decode()
    assert f'data-testid="history-{world.bandung.code}-2026"' in body
    assert f'data-testid="history-{world.surabaya.code}-2023"' in body
    only = admin.get(f"{url}?year=2023").content.decode()
    assert world.surabaya.code in only
    assert world.bandung.code not in only
    assert admin.get(f"{url}?year=abc").status_code == 200  # ignored
    assert client_for(world["outsider"]).get(url).status_code == 404
    # A unit's own people see their agency's list only if they see the agency root.
    assert client_for(world["other_operator"]).get(url).status_code == 404


def test_histories_read_each_table_once_whatever_the_units(world, period, rounds):
    _attempt(world, world.bandung, period)
    for unit, year in ((world.bandung, 2023), (world.bogor, 2024)):
        predicate_grant(
            actor=world["sysadmin"],
            unit=unit,
            kind="WBK",
            year=year,
            decree_number=f"SK/{year}",
            decree_date=D(year, 12, 1),
        )
    with CaptureQueriesContext(connection) as one:
        histories([world.bandung.pk])
    _attempt(world, world.bogor, period)
    _attempt(world, world.surabaya, period, nominate=False)
    with CaptureQueriesContext(connection) as three:
        result = histories([world.bandung.pk, world.bogor.pk, world.surabaya.pk])
    assert len(three) == len(one)
    assert len(one) <= 10
    assert {a.year for a in result[world.bogor.pk]} == {2026, 2024}
    with CaptureQueriesContext(connection) as page_queries:
        agency_history(world.agency)
    assert len(page_queries) <= 18
