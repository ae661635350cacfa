"""The national view: who may open it, what each audience sees, the figures of a hand-built
programme, a fixed number of queries, and the Excel download read back."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zona.accounts.models import Unit
from zona.accounts.testing import World, add_unit
from zona.assessments.models import Period
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.national.models import (
    Candidacy,
    Nomination,
    NominationStatus,
    Predicate,
    PredicateStatus,
    Proposal,
    ProposalStatus,
)
from zona.national.selectors.core import add_months

pytestmark = pytest.mark.django_db

URL = "/national/"
S = NominationStatus


@dataclass
class Programme:
    world: World
    province: Unit
    dinas: Unit
    periods: dict[tuple[int, int], Period]


def _period(programme: Programme, agency: Unit, year: int) -> Period:
    key = (agency.pk, year)
    if key not in programme.periods:
        programme.periods[key] = make_period(agency, load_mini(), year=year, title=f"PMPZI {year}")
    return programme.periods[key]


def nominate(
    programme: Programme, unit: Unit, year: int, status: str, *, target: str = "WBK"
) -> Nomination:
    agency = Unit.objects.get(path=unit.agency_path)
    period = _period(programme, agency, year)
    proposal = Proposal.objects.filter(agency=agency, year=year).first()
    if proposal is None:
        proposal = Proposal.objects.create(
            agency=agency,
            year=year,
            period=period,
            status=ProposalStatus.SUBMITTED,
            created_by=programme.world["sysadmin"],
        )
    sheet = make_assessment(period, unit, target=target.lower())
    return Nomination.objects.create(
        proposal=proposal, assessment=sheet, unit=unit, year=year, target=target, status=status
    )


def predicate(unit: Unit, kind: str, year: int, decree: dt.date, **extra) -> Predicate:
    return Predicate.objects.create(
        unit=unit,
        kind=kind,
        year=year,
        decree_number=f"SK/{unit.code}/{year}",
        decree_date=decree,
        granted_at=timezone.now(),
        **extra,
    )


@pytest.fixture
def programme(world) -> Programme:
    """Two ministries and a province.

    2025: Bandung awarded, Bogor failed, Surabaya not awarded, Inspektorat awarded (4 nominated,
    2 awarded: 50%). 2026: Bandung at the desk, Bogor following up, Satker Lain awarded (3
    nominated, 1 awarded: 33.33%). Predicates: Bandung WBK 2025, Satker Lain WBK 2026, the
    province's Dinas WBBM (decreed a cycle and 66 days ago: overdue), Surabaya's WBK 2020
    revoked.
    """
    province = add_unit(None, code="PJB", name="Provinsi Jawa Barat", kind="province")
    dinas = add_unit(province, code="PJB-DIN", name="Dinas Perizinan", kind="satker")
    province.refresh_from_db()
    p = Programme(world, province, dinas, {})
    today = timezone.localdate()
    nominate(p, world.bandung, 2025, S.AWARDED)
    nominate(p, world.bogor, 2025, S.FAILED)
    nominate(p, world.surabaya, 2025, S.NOT_AWARDED)
    nominate(p, world.itjen, 2025, S.AWARDED)
    nominate(p, world.bandung, 2026, S.DESK)
    nominate(p, world.bogor, 2026, S.FOLLOW_UP)
    nominate(p, world.other_satker, 2026, S.AWARDED)
    Candidacy.objects.create(
        unit=world.bandung,
        year=2026,
        target="WBK",
        designated_by=world["sysadmin"],
        designated_at=timezone.now(),
    )
    predicate(world.bandung, "WBK", 2025, today - dt.timedelta(days=300))
    predicate(world.other_satker, "WBK", 2026, today - dt.timedelta(days=5))
    predicate(dinas, "WBBM", 2024, add_months(today, -24) - dt.timedelta(days=66))
    predicate(world.surabaya, "WBK", 2020, dt.date(2020, 12, 9), status=PredicateStatus.REVOKED)
    return p


def test_only_the_tpn_and_the_national_administrator_open_it(world, client_for, programme):
    for persona in ("agency_admin", "operator", "tpi_reviewer", "outsider", "viewer"):
        client = client_for(world[persona])
        assert client.get(URL).status_code == 404, persona
        assert client.get(URL + "export.xlsx").status_code == 404, persona
    for persona in ("sysadmin", "tpn"):
        assert client_for(world[persona]).get(URL).status_code == 200, persona


def test_anonymous_users_are_sent_to_sign_in(client, programme):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_figures_of_the_programme(world, client_for, programme):
    response = client_for(world["sysadmin"]).get(URL)
    board = response.context["board"]
    assert board.years == (2025, 2026)
    assert board.nominations == 7
    rows = {r.agency.code: r for r in board.agency_page.object_list}
    assert rows["KC"].by_status == {
        S.AWARDED: 2,
        S.FAILED: 1,
        S.NOT_AWARDED: 1,
        S.DESK: 1,
        S.FOLLOW_UP: 1,
    }
    assert rows["KL"].by_status == {S.AWARDED: 1}
    # The administrator sees the agencies' own figures too.
    assert rows["KC"].candidates == 1
    # Pass rates: 2 of 4 in 2025, 1 of 3 in 2026, their mean.
    assert board.funnel.pass_rate(2025) == Decimal("50.00")
    assert board.funnel.pass_rate(2026) == Decimal("33.33")
    assert board.average_pass_rate == Decimal("41.67")
    lines = {line.key: line for line in board.stage_lines}
    assert [c.count for c in lines["proposed"].cells] == [4, 3]
    assert [c.count for c in lines["awarded"].cells] == [2, 1]
    assert "candidates" in lines
    # Satker holding a predicate: Bandung, Satker Lain, the Dinas (Surabaya's was revoked).
    assert (board.funnel.units_holding, board.funnel.units_total) == (3, 5)
    groups = {(g.year, g.agency.code, g.province): g for g in board.predicate_page.object_list}
    assert groups[(2025, "KC", "Bandung")].wbk == 1
    assert groups[(2024, "PJB", "Provinsi Jawa Barat")].wbbm == 1
    assert groups[(2020, "KC", "")].revoked == 1
    assert board.predicate_years == [
        (2026, 1, 0, 0),
        (2025, 1, 0, 0),
        (2024, 0, 1, 0),
        (2020, 0, 0, 1),
    ]
    # Monitoring: the Dinas is 66 days overdue; Bandung is not due within 90 days.
    assert (board.monitoring_due, board.monitoring_overdue) == (0, 1)
    (line,) = board.monitoring_page.object_list
    assert (line.predicate.unit.code, line.overdue, line.days) == ("PJB-DIN", True, 66)
    html = response.content.decode()
    assert "41,67%" in html
    assert "terlambat 66 hari" in html


def test_filters_by_year_agency_and_monitoring_window(world, client_for, programme):
    client = client_for(world["sysadmin"])
    board = client.get(URL, {"year": 2026, "agency": world.agency.pk}).context["board"]
    assert board.years == (2026,)
    assert [r.agency.code for r in board.agency_page.object_list] == ["KC"]
    assert board.nominations == 2
    board = client.get(URL, {"horizon": 500}).context["board"]
    assert (board.monitoring_due, board.monitoring_overdue) == (1, 1)


def test_bad_filters_are_refused_with_a_message(world, client_for, programme):
    response = client_for(world["sysadmin"]).get(URL, {"year": "20x6", "horizon": "-3"})
    assert response.status_code == 400
    assert "year" in response.content.decode()
    assert response.context["board"].filters.year is None


def test_the_tpn_sees_only_the_nominations_figures(world, client_for, programme):
    response = client_for(world["tpn"]).get(URL)
    board = response.context["board"]
    assert board.audience == "tpn"
    assert board.nominations == 7
    assert all(r.candidates is None for r in board.agency_page.object_list)
    keys = [line.key for line in board.stage_lines]
    assert keys[0] == "proposed"
    assert "candidates" not in keys
    assert "submitted" not in keys
    html = response.content.decode()
    with translation.override("id"):
        assert _("Candidates designated") not in html
        assert _("Sheets submitted") not in html


def _grow(programme: Programme, n: int) -> None:
    """n more agencies, each with a nominated unit and a predicate due."""
    today = timezone.localdate()
    for i in range(n):
        agency = add_unit(None, code=f"AG{i}", name=f"Agency {i}", kind="agency")
        unit = add_unit(agency, code=f"AG{i}-S", name=f"Satker {i}", kind="satker", region=f"R{i}")
        agency.refresh_from_db()
        nominate(programme, unit, 2026, S.FIELD)
        predicate(unit, "WBK", 2024, add_months(today, -24) + dt.timedelta(days=i + 1))


def test_the_page_costs_the_same_queries_whatever_the_size(world, client_for, programme):
    client = client_for(world["sysadmin"])
    client.get(URL)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    small = count()
    _grow(programme, 30)
    assert count() == small


def test_the_excel_download_reads_back(world, client_for, programme):
    from openpyxl import load_workbook

    response = client_for(world["sysadmin"]).get(URL + "export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Nominasi", "Tahapan", "Predikat", "Pemantauan"]
    nominations = list(book["Nominasi"].iter_rows(values_only=True))
    head = nominations[0]
    kc = next(r for r in nominations if r[0] == "KC")
    assert kc[head.index("Total")] == 6
    assert kc[head.index("Predikat diberikan")] == 2
    assert kc[head.index("Kandidat ditetapkan")] == 1
    stages = {r[0]: r for r in book["Tahapan"].iter_rows(values_only=True) if r and r[0]}
    with translation.override("id"):
        proposed, average = _("Proposed to the TPN"), _("Average pass rate over the years")
    # Each year is a count and its percentage of the stage before: 4 proposed in 2025, 3 in 2026.
    assert stages[proposed][1] == 4
    assert stages[proposed][3] == 3
    assert stages[average][1] == pytest.approx(41.67)
    predicates = list(book["Predikat"].iter_rows(values_only=True))
    assert (2024, "PJB", "Provinsi Jawa Barat", "Provinsi Jawa Barat", 0, 1, 0) in predicates
    watch = list(book["Pemantauan"].iter_rows(values_only=True))
    assert watch[1][0] == "PJB-DIN"
    assert watch[1][-1] == "ya"


def test_the_tpn_download_has_no_agency_figures(world, client_for, programme):
    from openpyxl import load_workbook

    response = client_for(world["tpn"]).get(URL + "export.xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    head = next(book["Nominasi"].iter_rows(values_only=True))
    assert "Kandidat ditetapkan" not in head
    stages = [r[0] for r in book["Tahapan"].iter_rows(values_only=True) if r and r[0]]
    assert "Kandidat ditetapkan" not in stages


API = "/api/v1/national/"


def test_the_api_gives_the_figures_to_the_national_audience_only(world, client_for, programme):
    from zona.assessments.tests.openapi import assert_matches_schema

    for persona in ("agency_admin", "operator", "outsider"):
        assert client_for(world[persona]).get(API).status_code == 404, persona
    response = client_for(world["sysadmin"]).get(API, {"year": 2025})
    assert response.status_code == 200
    assert_matches_schema(API, "get", response)
    data = response.json()
    assert data["audience"] == "admin"
    assert data["nominations"] == 4
    assert data["average_pass_rate"] == "50.00"
    kc = next(a for a in data["agencies"] if a["code"] == "KC")
    assert kc["by_status"] == {"awarded": 2, "failed": 1, "not_awarded": 1}
    assert kc["candidates"] == 0  # Bandung's candidacy is for 2026
    assert (data["satker_holding"], data["satker_total"]) == (3, 5)
    response = client_for(world["tpn"]).get(API)
    assert_matches_schema(API, "get", response)
    data = response.json()
    assert data["audience"] == "tpn"
    assert all(a["candidates"] is None for a in data["agencies"])
    assert data["stages"][0]["key"] == "proposed"
    assert data["monitoring"][0]["unit"] == "PJB-DIN"


def test_the_api_refuses_a_bad_filter(world, client_for, programme):
    response = client_for(world["tpn"]).get(API, {"agency": "abc"})
    assert response.status_code == 400
    assert "agency" in response.content.decode()


def test_monitoring_reads_the_rounds(world, client_for, programme):
    from zona.national.models import MonitoringRound, MonitoringStatus

    today = timezone.localdate()
    bandung = Predicate.objects.get(unit=world.bandung)
    dinas = Predicate.objects.get(unit=programme.dinas)
    # Bandung's round was scheduled early (in 20 days); the Dinas's overdue round is done.
    soon = MonitoringRound.objects.create(
        predicate=bandung, agency=world.agency, due_on=today + dt.timedelta(days=20)
    )
    MonitoringRound.objects.create(
        predicate=dinas,
        agency=programme.province,
        due_on=today - dt.timedelta(days=66),
        status=MonitoringStatus.CONCLUDED,
    )
    response = client_for(world["tpn"]).get(URL)
    board = response.context["board"]
    assert (board.monitoring_due, board.monitoring_overdue) == (1, 0)
    (line,) = board.monitoring_page.object_list
    assert (line.predicate.pk, line.round_id, line.days) == (bandung.pk, soon.pk, 20)
    assert f'href="/monitoring/{soon.pk}/"' in response.content.decode()
