"""The home page of agency and national users leads with their scope's figures (issue 12 §4):
sheets by status, nominations by stage, alerts and links to the dashboards; the TPN sees
nominations only; unit operators keep their tasks first; the unit list folds under the
summary and the page's queries do not grow with the scope."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zona.accounts.testing import add_unit
from zona.assessments.models import Assessment, StoredScore
from zona.assessments.tests.factories import make_assessment
from zona.insight.tests.test_national import S, _period, nominate, programme

__all__ = ["programme"]  # the national view's fixture, used by name

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def sheets(world, programme):
    """2026 sheets: Bandung and Bogor submitted (nominated), Surabaya a draft, and Satker
    Lain's (nominated) left a draft. Bogor's stored effective score is below the thresholds."""
    period = _period(programme, world.agency, 2026)
    make_assessment(period, world.surabaya)
    Assessment.objects.filter(period__year=2026, unit__in=[world.bandung, world.bogor]).update(
        submitted_at="2026-05-01T00:00:00Z", status="submitted"
    )
    bogor = Assessment.objects.get(period=period, unit=world.bogor)
    StoredScore.objects.create(assessment=bogor, key="effective", total=Decimal("51"), passed=False)
    return period


def summary_of(client):
    response = client.get(HOME)
    assert response.status_code == 200
    return response, response.context["summary"]


def sheet_counts(summary) -> dict[str, int]:
    return {status: n for status, _label, n in summary.sheets}


def test_an_agency_administrator_sees_the_agency_first(world, client_for, sheets):
    response, summary = summary_of(client_for(world["agency_admin"]))
    assert summary.audience == "agency"
    assert [r.code for r in summary.roots] == ["KC"]
    assert summary.year == 2026
    # KC's 2026 sheets: Bandung and Bogor submitted (nominated), Surabaya a draft.
    assert sheet_counts(summary) == {"draft": 1, "submitted": 2, "returned": 0}
    assert summary.sheets_below == 1
    assert {s: n for s, _label, n in summary.nominations} == {S.DESK: 1, S.FOLLOW_UP: 1}
    assert summary.follow_up == 1
    assert summary.candidates == 1
    assert summary.predicates_held == 1  # Bandung's WBK; Surabaya's was revoked
    assert summary.alerts == 2
    html = response.content.decode()
    assert html.index('data-testid="home-summary"') < html.index("Peran Anda")
    assert f'href="/agencies/{world.agency.pk}/dashboard/"' in html
    assert 'href="/national/"' not in html
    # The unit list is folded under the summary until the user searches.
    assert re.search(r'<details class="card" data-testid="units">', html)
    html = client_for(world["agency_admin"]).get(HOME, {"q": "Bogor"}).content.decode()
    assert '<details class="card" data-testid="units" open>' in html


def test_a_regional_reviewer_sees_their_subtree(world, client_for, sheets):
    response, summary = summary_of(client_for(world["kanwil_reviewer"]))
    assert [r.code for r in summary.roots] == ["KC-JABAR"]
    assert sheet_counts(summary) == {"draft": 0, "submitted": 2, "returned": 0}
    assert summary.predicates_held == 1
    html = response.content.decode()
    assert f'href="/agencies/{world.agency.pk}/dashboard/?unit={world.kanwil_jabar.pk}"' in html


def test_the_national_administrator_sees_the_nation(world, client_for, sheets):
    response, summary = summary_of(client_for(world["sysadmin"]))
    assert summary.audience == "admin"
    assert summary.roots is None
    assert sheet_counts(summary) == {"draft": 2, "submitted": 2, "returned": 0}
    assert summary.nominations_total == 3
    # The province's Dinas WBBM is 66 days overdue for monitoring.
    assert summary.monitoring_overdue == 1
    assert 'href="/national/"' in response.content.decode()


def test_the_tpn_sees_nominations_not_sheets(world, client_for, sheets):
    response, summary = summary_of(client_for(world["tpn"]))
    assert summary.audience == "tpn"
    assert summary.sheets is None
    assert summary.candidates is None
    assert summary.nominations_total == 3
    html = response.content.decode()
    assert 'data-testid="summary-sheets"' not in html
    assert 'href="/national/"' in html


@pytest.mark.parametrize("persona", ["operator", "unit_head", "viewer", "outsider"])
def test_unit_users_keep_their_tasks_first(world, client_for, sheets, persona):
    response, summary = summary_of(client_for(world[persona]))
    assert summary is None
    html = response.content.decode()
    assert 'data-testid="home-summary"' not in html
    assert '<details class="card" data-testid="units" open>' in html


@pytest.mark.parametrize("persona", ["agency_admin", "sysadmin"])
def test_the_summary_costs_the_same_queries_whatever_the_scope(
    world, client_for, programme, sheets, persona
):
    client = client_for(world[persona])
    client.get(HOME)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(HOME)
        return len(captured.captured_queries)

    small = count()
    parent = world.kanwil_jatim
    for i in range(15):
        parent.refresh_from_db()
        unit = add_unit(parent, code=f"KC-X{i}", name=f"Satker X{i}", kind="satker")
        nominate(programme, unit, 2026, S.FIELD)
    assert count() == small


def test_the_summary_speaks_english_too(world, client_for, sheets):
    client = client_for(world["agency_admin"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(HOME).content.decode()
    assert "Your units in 2026" in html
    assert "Submitted below the thresholds" in html
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    html = client.get(HOME).content.decode()
    assert "Unit Anda pada 2026" in html
