"""The agency and subtree dashboard on the mini LKE: who opens it (another agency's admin and a
unit operator get a 404), the filters, the figures against the stored scores of a hand-built
agency, the Excel downloads read back, the API, the targets page, and the page's query count
the same at 50 and at 300 sheets."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zona.accounts.models import Role, User
from zona.accounts.testing import UserFactory, assign
from zona.assessments.models import Assessment, StoredScore
from zona.assessments.services import answer_save
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.assessments.tests.openapi import assert_matches_schema
from zona.audit.models import AuditEvent
from zona.insight.models import AgencyTarget
from zona.insight.tests.test_agency_funnel import add_satker, nominate, predicate
from zona.insight.tests.test_dashboard import add_tier
from zona.insight.tests.test_planner_views import SHEET

pytestmark = pytest.mark.django_db

# Bandung: area 2 at 50% (the planner's sheet); Bogor: every item at its best; Surabaya:
# the enablers at their best, the Hasil low (B.1 under its minimum).
BEST = {**SHEET, "A.p.t.1.a": "A", "A.p.t.1.b": "Ya"}
LOW_HASIL = {**BEST, "B.1.a": "1", "B.1.b": "C"}


def fill(world, assessment, answers: dict[str, Any]) -> None:
    for code, value in answers.items():
        answer_save(
            actor=world["sysadmin"],
            assessment=assessment,
            item_code=code,
            revision=None,
            value=value,
        )


@pytest.fixture
def agency(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheets = {}
    for unit, answers in (
        (world.bandung, SHEET),
        (world.bogor, BEST),
        (world.surabaya, LOW_HASIL),
    ):
        sheets[unit.code] = make_assessment(period, unit)
        fill(world, sheets[unit.code], answers)
    # Kanwil reviews Bandung and lowers one item of area 1.
    tier = add_tier(world, sheets["KC-BDG"], 15, {"A.p.m.2.a": "C"})
    return period, sheets, tier


def page(world, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/agencies/{world.agency.pk}/dashboard/" + (f"?{query}" if query else "")


def api(world, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/agencies/{world.agency.pk}/dashboard/" + (f"?{query}" if query else "")


def stored(sheet, key: str = "effective") -> StoredScore:
    return StoredScore.objects.get(assessment=sheet, key=key)


def final(row: StoredScore) -> Decimal:
    return row.total_after_deductions if row.total_after_deductions is not None else row.total


def test_who_opens_the_dashboard(world, client_for, agency):
    other_admin = cast(User, UserFactory(username="other_admin", home_unit=world.other_agency))
    assign(other_admin, Role.AGENCY_ADMIN, world.other_agency, covers_subtree=True)
    for name in ("agency_admin", "tpn", "sysadmin", "tpi_reviewer"):
        response = client_for(world[name]).get(page(world))
        assert response.status_code == 200, name
        assert response.context["scope"] == world.agency
    # The operator, head, viewer and working group of one unit oversee no subtree.
    for name in ("operator", "unit_head", "viewer", "wg_member", "other_operator", "outsider"):
        assert client_for(world[name]).get(page(world)).status_code == 404, name
        assert client_for(world[name]).get(api(world)).status_code == 404, name
    assert client_for(other_admin).get(page(world)).status_code == 404
    assert client_for(other_admin).get(api(world)).status_code == 404
    # The Kanwil reviewer oversees Jawa Barat: the page opens on it, and not on Jawa Timur.
    kanwil = client_for(world["kanwil_reviewer"])
    response = kanwil.get(page(world))
    assert response.status_code == 200
    assert response.context["scope"] == world.kanwil_jabar
    assert {r.assessment.unit.code for r in response.context["board"].rows} == {
        "KC-BDG",
        "KC-BGR",
    }
    assert kanwil.get(page(world, unit=world.kanwil_jatim.pk)).status_code == 404
    # A viewer of the Jawa Timur subtree sees it, and nothing above it.
    watcher = cast(User, UserFactory(username="watcher", home_unit=world.kanwil_jatim))
    assign(watcher, Role.VIEWER, world.kanwil_jatim, covers_subtree=True)
    watching = client_for(watcher)
    response = watching.get(page(world, unit=world.kanwil_jatim.pk))
    assert response.status_code == 200
    assert [r.assessment.unit.code for r in response.context["board"].rows] == ["KC-SBY"]
    assert watching.get(page(world)).context["scope"] == world.kanwil_jatim
    assert watching.get(page(world, unit=world.eselon1.pk)).status_code == 404
    # A unit of another agency is not a subtree of this one.
    admin = client_for(world["agency_admin"])
    assert admin.get(page(world, unit=world.other_satker.pk)).status_code == 404
    assert admin.get(f"/agencies/{world.bandung.pk}/dashboard/").status_code == 404
    assert admin.get("/agencies/999999/dashboard/").status_code == 404


def test_the_figures_are_the_stored_scores(world, client_for, agency):
    period, sheets, tier = agency
    response = client_for(world["agency_admin"]).get(page(world))
    board = response.context["board"]
    assert [c.key for c in board.columns] == [
        "unit",
        f"tier:{world.tier_kanwil.pk}",
        f"tier:{tier.pk}",
        f"tier:{world.tier_tpi.pk}",
        f"tier:{world.tier_tpn.pk}",
        "effective",
    ]
    # Ranked by the effective total: Bogor (best), then the others by their stored totals.
    expected = sorted(sheets.values(), key=lambda s: (-final(stored(s)), s.unit.name))
    assert [r.assessment.pk for r in board.rows] == [s.pk for s in expected]
    assert [r.rank for r in board.rows] == [1, 2, 3]
    for row in board.rows:
        sheet = row.assessment
        assert row.totals["unit"] == stored(sheet, "unit").total
        assert row.totals["effective"] == final(stored(sheet))
        assert row.passed == stored(sheet).passed
    bandung = next(r for r in board.rows if r.assessment.unit.code == "KC-BDG")
    assert bandung.totals[f"tier:{tier.pk}"] == stored(sheets["KC-BDG"], f"tier:{tier.pk}").total
    # Only the enablers' areas (1 and 2) make the heatmap and the gap; Hasil is no area here.
    assert [a.key for a in board.areas] == ["1", "2"]
    eff = stored(sheets["KC-BDG"]).areas["2"]
    assert bandung.area_percent["2"] == round(
        Decimal(100) * Decimal(eff["score"]) / Decimal(eff["weight"]), 2
    )
    # The gap: area 1's average per view, and the tier's difference from the unit's own on
    # the one sheet it reviewed.
    gap = {g.area.key: g for g in board.gap}
    unit_scores = [Decimal(stored(s, "unit").areas["1"]["score"]) for s in sheets.values()]
    assert gap["1"].averages["unit"] == round(sum(unit_scores) / 3, 2)
    tier_score = Decimal(stored(sheets["KC-BDG"], f"tier:{tier.pk}").areas["1"]["score"])
    own = Decimal(stored(sheets["KC-BDG"], "unit").areas["1"]["score"])
    assert gap["1"].counts[f"tier:{tier.pk}"] == 1
    assert gap["1"].gap(f"tier:{tier.pk}") == round(tier_score - own, 2)
    assert gap["1"].gap(f"tier:{tier.pk}") < 0
    # Alerts: Bandung below the area 2 minimum (and area 1 after the tier's change: the
    # effective view is judged), Surabaya below Hasil minimums; Bogor none.
    failing = {
        s.unit.code: set(stored(s).verdicts["wbk"]["failing"]) - {"total"} for s in sheets.values()
    }
    alerts: dict[str, set[str]] = {}
    for a in board.alerts:
        alerts.setdefault(a.unit_name, set()).add(a.minimum.name)
    assert alerts == {
        s.unit.name: failing[s.unit.code] for s in sheets.values() if failing[s.unit.code]
    }
    assert "area_2" in alerts["Satker Bandung"]
    assert {"hasil_b1"} <= alerts["Satker Surabaya"]
    kinds = {m.name: m.kind for m in board.minimums}
    assert kinds["pengungkit"] == "pengungkit"
    assert kinds["area_1"] == kinds["area_2"] == "area"
    assert kinds["hasil_b1"] == kinds["ipak"] == kinds["ipkp"] == "hasil"
    assert kinds["total"] == "total"
    # The bounds are the framework's.
    bounds = {
        (p["key"], c["name"]): Decimal(str(c["min"]))
        for p in period.framework.document["predicates"]
        for c in p["conditions"]
    }
    assert all(m.bound == bounds[(m.predicate, m.name)] for m in board.minimums)
    # The histogram counts each sheet once per view.
    assert sum(board.histogram.series["effective"]) == 3
    html = response.content.decode()
    assert 'data-testid="agency-units"' in html
    assert "insight/agency.js" in html


def test_the_filters(world, client_for, agency):
    period, sheets, _tier = agency
    admin = client_for(world["agency_admin"])
    by_region = admin.get(page(world, region=world.kanwil_jatim.pk)).context["board"]
    assert [r.assessment.unit.code for r in by_region.rows] == ["KC-SBY"]
    Assessment.objects.filter(pk=sheets["KC-BGR"].pk).update(target="wbbm")
    by_target = admin.get(page(world, target="wbbm")).context["board"]
    assert [r.assessment.unit.code for r in by_target.rows] == ["KC-BGR"]
    by_status = admin.get(page(world, status="submitted")).context["board"]
    assert by_status.rows == []
    subtree = admin.get(page(world, unit=world.kanwil_jabar.pk)).context["board"]
    assert {r.assessment.unit.code for r in subtree.rows} == {"KC-BDG", "KC-BGR"}
    # Another year: the period of that year.
    make_period(world.agency, period.framework, year=2025, title="PMPZI 2025")
    older = admin.get(page(world, year=2025)).context["board"]
    assert older.filters.period.year == 2025
    assert older.rows == []
    # A value that is not a choice: the API says which, the page says so and shows all.
    response = admin.get(api(world, status="nope"))
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["field"] == "status"
    assert admin.get(api(world, region=world.other_satker.pk)).status_code == 400
    assert admin.get(api(world, page="abc")).status_code == 400
    shown = admin.get(page(world, status="nope"))
    assert shown.status_code == 200
    assert len(shown.context["board"].rows) == 3
    assert "Pilih salah satu status yang tersedia." in shown.content.decode()


def test_every_table_downloads_as_excel(world, client_for, agency):
    _period, sheets, _tier = agency
    admin = client_for(world["agency_admin"])
    response = admin.get(f"/agencies/{world.agency.pk}/dashboard/units.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    labels = [c.label for c in admin.get(page(world)).context["board"].columns]
    # Rank, code, unit, region, target, status, then one column per view.
    assert list(header[6 : 6 + len(labels)]) == labels
    body = {r[1]: r for r in rows[1:]}
    assert set(body) == {"KC-BDG", "KC-BGR", "KC-SBY"}
    assert [body[c][0] for c in ("KC-BGR",)] == [1]
    effective_col = 6 + len(labels) - 1
    for code, sheet in sheets.items():
        assert Decimal(str(body[code][effective_col])) == final(stored(sheet))
    for table in ("alerts", "gap", "funnel", "targets"):
        response = admin.get(f"/agencies/{world.agency.pk}/dashboard/{table}.xlsx")
        assert response.status_code == 200, table
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert sheet.max_row >= 2, table
    alerts = load_workbook(
        io.BytesIO(admin.get(f"/agencies/{world.agency.pk}/dashboard/alerts.xlsx").content)
    ).active
    assert alerts is not None
    assert {r[0] for r in alerts.iter_rows(min_row=2, values_only=True)} == {
        "Satker Bandung",
        "Satker Surabaya",
    }
    assert admin.get(f"/agencies/{world.agency.pk}/dashboard/other.xlsx").status_code == 404
    outsider = client_for(world["outsider"])
    assert outsider.get(f"/agencies/{world.agency.pk}/dashboard/units.xlsx").status_code == 404


def test_the_api_gives_the_page_figures(world, client_for, agency):
    _period, sheets, _tier = agency
    response = client_for(world["agency_admin"]).get(api(world))
    assert response.status_code == 200
    assert_matches_schema("/api/v1/agencies/{id}/dashboard/", "get", response)
    data = response.json()
    assert data["sheets"] == 3
    units = {u["code"]: u for u in data["units"]}
    for code, sheet in sheets.items():
        assert Decimal(units[code]["totals"]["effective"]) == final(stored(sheet))
    assert data["funnel"]["units_total"] == 3
    assert data["funnel"]["stages"][0]["key"] == "candidates"


def test_targets_are_set_by_the_agency_admin_and_compared_with_the_data(world, client_for, agency):
    period, _sheets, _tier = agency
    admin = client_for(world["agency_admin"])
    url = f"/agencies/{world.agency.pk}/targets/"
    assert admin.get(url).status_code == 200
    before = AuditEvent.objects.count()
    response = admin.post(url, {"year": 2026, "kind": "new_wbk_per_region", "number": 1})
    assert response.status_code == 302
    target = AgencyTarget.objects.get(agency=world.agency)
    assert (target.year, target.kind, target.number) == (2026, "new_wbk_per_region", 1)
    assert AuditEvent.objects.filter(action="agency_target.set").count() == 1
    assert AuditEvent.objects.count() == before + 1
    # Bad input: a clear error, nothing changes.
    response = admin.post(url, {"year": 2026, "kind": "new_wbk_per_region", "number": -3})
    assert response.status_code == 400
    assert AgencyTarget.objects.get(pk=target.pk).number == 1
    response = admin.post(url, {"year": 2026, "kind": "nonsense", "number": 3})
    assert response.status_code == 400
    assert AgencyTarget.objects.count() == 1
    # Others may not set targets.
    for name in ("tpi_reviewer", "kanwil_reviewer", "operator", "outsider"):
        client = client_for(world[name])
        assert client.post(url, {"year": 2026, "kind": "new_wbk", "number": 9}).status_code == 404
    assert AgencyTarget.objects.count() == 1
    # Compared with the data: Bogor (Jawa Barat) awarded WBK in 2026, Jawa Timur none.
    nominate(world, period, [world.bogor], ["awarded"])
    board = admin.get(page(world)).context
    check = board["targets"].checks[0]
    assert (check.regions_reached, check.regions, check.reached) == (1, 2, False)
    regions = {r.region: r for r in board["targets"].regions}
    assert regions["Kanwil Jawa Barat"].new_wbk == 1
    assert regions["Kanwil Jawa Barat"].proposed == 1
    assert regions["Kanwil Jawa Timur"].new_wbk == 0
    assert regions["Kanwil Jawa Barat"].satker == 2
    predicate(world.surabaya, "WBK", 2026)
    check = admin.get(page(world)).context["targets"].checks[0]
    assert (check.regions_reached, check.reached) == (2, True)
    # Through the API too, and removed on the page.
    response = admin.post(
        f"/api/v1/agencies/{world.agency.pk}/targets/",
        {"year": 2027, "kind": "proposed", "number": 4},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert_matches_schema("/api/v1/agencies/{id}/targets/", "post", response)
    response = admin.post(f"{url}{target.pk}/delete/")
    assert response.status_code == 302
    assert not AgencyTarget.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(action="agency_target.deleted").count() == 1


def _bulk_sheets(period, template: Assessment, units) -> None:
    """Sheets for `units` with the stored views of `template` (the board reads nothing else)."""
    rows = list(StoredScore.objects.filter(assessment=template))
    created = Assessment.objects.bulk_create(
        [Assessment(period=period, unit=u, target="wbk") for u in units]
    )
    StoredScore.objects.bulk_create(
        [
            StoredScore(
                assessment=a,
                key=r.key,
                tier=r.tier,
                total=r.total - i % 7,
                pengungkit=r.pengungkit,
                hasil=r.hasil,
                components=r.components,
                areas=r.areas,
                answered=r.answered,
                passed=r.passed,
                verdicts=r.verdicts,
                deductions=r.deductions,
                total_after_deductions=r.total_after_deductions,
            )
            for i, a in enumerate(created)
            for r in rows
        ]
    )


def test_the_page_query_count_is_the_same_at_50_and_300_units(world, client_for, agency):
    period, sheets, _tier = agency
    admin = client_for(world["agency_admin"])
    units = add_satker(world.kanwil_jatim, 297, "QC")
    _bulk_sheets(period, sheets["KC-BDG"], units[:47])
    admin.get(page(world))  # warm the framework caches and the session
    admin.get(api(world))
    with CaptureQueriesContext(connection) as small:
        response = admin.get(page(world))
    with CaptureQueriesContext(connection) as small_api:
        assert admin.get(api(world, page=2)).status_code == 200
    assert response.context["board"].sheets == 50
    _bulk_sheets(period, sheets["KC-BDG"], units[47:])
    with CaptureQueriesContext(connection) as large:
        response = admin.get(page(world))
    with CaptureQueriesContext(connection) as large_api:
        assert admin.get(api(world, page=2)).status_code == 200
    assert response.context["board"].sheets == 300
    assert len(response.context["board"].rows) == 25
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(small_api.captured_queries) == len(large_api.captured_queries)


def test_targets_of_a_subtree_without_regional_offices(world, agency):
    from zona.insight.selectors.agency import targets_view

    period, _sheets, _tier = agency
    nominate(world, period, [world.bandung], ["awarded"])
    view = targets_view(world.bandung, world.agency, 2026)
    assert [(r.region, r.satker, r.proposed, r.new_wbk) for r in view.regions] == [("", 1, 1, 1)]
    assert view.total.new_wbk == 1
