"""Stored scores (issue 12): kept with the sheet in the transaction of the change, read by
lists without rescoring, and checked against the answers by `manage.py check_scores`."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zona.accounts.testing import add_unit
from zona.assessments.excel import COL_ANSWER, COL_CODE, FIRST_ROW
from zona.assessments.models import Answer, AssessmentStatus, StoredAreaScore, StoredScore
from zona.assessments.selectors import (
    UNIT_KEY,
    assessments_with_progress,
    load_sheet_state,
    sheet_scores,
)
from zona.assessments.selectors.scores import EFFECTIVE_KEY, scores_drift
from zona.assessments.services import (
    answer_save,
    answers_accept_suggestions,
    answers_fill_from_surveys,
    answers_import,
    assessment_carry_forward,
)
from zona.assessments.services.answers import lock_assessment
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import make_assessment, make_period
from zona.audit.models import AuditEvent
from zona.frameworks.scoring import Penalty, effective_answers, round_half_up, score
from zona.frameworks.selectors import compiled_framework


def save(world, assessment, code, value, *, who="operator", tier=None, revision=None):
    return answer_save(
        actor=world[who],
        assessment=assessment,
        item_code=code,
        revision=revision,
        value=value,
        tier=tier,
    )


def stored(assessment, key=UNIT_KEY):
    return StoredScore.objects.get(assessment=assessment, key=key)


def tier_key(tier):
    return f"tier:{tier.pk}"


def test_an_answer_save_stores_every_view_in_its_transaction(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    save(world, assessment, "B.1.a", "3,61")
    unit = stored(assessment)
    # (1 + 0) / 2 x 10 for the team sub-area; 3.61 / 4 x 17.5 for IPAK.
    assert unit.total == Decimal("5") + Decimal("15.7938")
    assert unit.pengungkit == Decimal("5")
    assert unit.hasil == Decimal("15.7938")
    assert unit.components["A.p"] == "5.0000"
    assert unit.components["B.1"] == "15.7938"
    assert unit.areas["1"] == {"score": "5.0000", "weight": "40.0000", "answered": 1, "items": 8}
    assert unit.areas["B"]["answered"] == 1
    assert unit.answered == 2
    assert unit.passed is False
    assert "total" in unit.verdicts["wbk"]["failing"]
    assert unit.verdicts["wbbm"]["passed"] is False
    effective = stored(assessment, EFFECTIVE_KEY)
    assert effective.total == unit.total
    assert effective.total_after_deductions == unit.total
    assert effective.deductions == []
    # What the page computes agrees with what is stored.
    pages = sheet_scores(load_sheet_state(assessment))
    assert unit.total == round_half_up(pages.unit.total, 4)
    assert set(pages.views) == {UNIT_KEY, EFFECTIVE_KEY}
    assert scores_drift([assessment]) == []


def test_a_failed_save_rolls_back_the_answer_and_the_stored_score(world, assessment, monkeypatch):
    save(world, assessment, "A.p.m.1.a", "Ya")
    before = stored(assessment).total

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("zona.assessments.services.answers.audit_record", broken)
    with pytest.raises(RuntimeError):
        save(world, assessment, "A.p.m.1.b", "A")
    assert not Answer.objects.filter(item_code="A.p.m.1.b").exists()
    assert stored(assessment).total == before
    assert scores_drift([assessment]) == []


def test_a_note_only_change_keeps_the_stored_row(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    row = stored(assessment)
    answer_save(
        actor=world["operator"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=1,
        note="SK tim",
    )
    assert stored(assessment).updated_at == row.updated_at


def test_each_tier_sees_its_answers_over_those_below(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    save(world, assessment, "A.p.m.1.b", "A")
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save(update_fields=["status"])
    save(world, assessment, "A.p.m.1.a", "Tidak", who="kanwil_reviewer", tier=world.tier_kanwil)
    # The TPN answers on a nominated unit's sheet during its desk evaluation.
    from zona.national.tests.tpn_fixtures import nominate

    nominate(assessment, by=world["agency_admin"], status="desk", forget=(world["tpn"],))
    # A note alone gives TPN no view of its own: it sees the sheet as TPI does.
    answer_save(
        actor=world["tpn"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=None,
        note="dicek",
        tier=world.tier_tpn,
    )
    save(world, assessment, "A.p.m.1.b", "C", who="tpi_reviewer", tier=world.tier_tpi)
    assert not StoredScore.objects.filter(key=tier_key(world.tier_tpn)).exists()
    fw = compiled_framework(assessment.period.framework)
    held = fw.prerequisites(assessment.target)
    unit = {"A.p.m.1.a": "Ya", "A.p.m.1.b": "A"}
    kanwil = {"A.p.m.1.a": "Tidak"}
    tpi = {"A.p.m.1.b": "C"}

    def total(*layers, penalties=()):
        card = score(fw, effective_answers(layers), penalties=penalties, held_predicates=held)
        return round_half_up(card.total, 4)

    assert stored(assessment).total == total(unit) == Decimal("10")
    # Kanwil's view: its Tidak over the unit's A; not a total over its one answer.
    assert stored(assessment, tier_key(world.tier_kanwil)).total == total(unit, kanwil)
    assert stored(assessment, tier_key(world.tier_kanwil)).tier_id == world.tier_kanwil.pk
    # TPI's view keeps kanwil's answer where TPI gave none.
    assert stored(assessment, tier_key(world.tier_tpi)).total == total(unit, kanwil, tpi)
    assert stored(assessment, tier_key(world.tier_tpi)).total == Decimal("0")
    assert stored(assessment, EFFECTIVE_KEY).total == Decimal("0")
    views = sheet_scores(load_sheet_state(assessment)).views
    assert {key: round_half_up(card.total, 4) for key, card in views.items()} == {
        row.key: row.total for row in StoredScore.objects.filter(assessment=assessment)
    }
    assert scores_drift([assessment]) == []


def test_deductions_reduce_the_effective_view_and_survive_answer_saves(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    with transaction.atomic():
        scores_refresh(
            lock_assessment(assessment),
            deductions=[Penalty(kind="multiply", factor=Decimal("0.9"), label="tindak lanjut")],
        )
    effective = stored(assessment, EFFECTIVE_KEY)
    assert effective.total == Decimal("5")
    assert effective.total_after_deductions == Decimal("4.5")
    assert effective.deductions == [
        {"kind": "multiply", "factor": "0.9000", "points": None, "label": "tindak lanjut"}
    ]
    # The unit's own view carries no koefisien.
    assert stored(assessment).total_after_deductions is None
    save(world, assessment, "A.p.m.1.b", "A")
    effective = stored(assessment, EFFECTIVE_KEY)
    assert effective.total == Decimal("10")
    assert effective.total_after_deductions == Decimal("9")
    assert scores_drift([assessment]) == []
    with transaction.atomic():
        scores_refresh(lock_assessment(assessment), deductions=[])
    assert stored(assessment, EFFECTIVE_KEY).total_after_deductions == Decimal("10")


def test_every_bulk_write_path_refreshes(world, framework, assessment, client_for):
    # Accepting carried-forward suggestions.
    save(world, assessment, "A.p.m.1.a", "Ya")
    later = make_assessment(
        make_period(world.agency, framework, year=2027, title="PMPZI 2027"), world.bandung
    )
    assessment_carry_forward(actor=world["operator"], assessment=later, source=assessment)
    assert stored(later).total == 0
    assert answers_accept_suggestions(actor=world["operator"], assessment=later) == 1
    assert stored(later).total == Decimal("5")
    # Survey indices taken at submission.
    with transaction.atomic():
        answers_fill_from_surveys(
            assessment=lock_assessment(assessment),
            indices={"ipak": Decimal("4"), "ipkp": None, "skm_rounds": None},
        )
    assert stored(assessment).hasil == Decimal("17.5")
    # The Excel import (the background job runs the same function).
    data = client_for(world["operator"]).get(reverse("assessments:export", args=[later.pk]))
    workbook = load_workbook(io.BytesIO(data.content))
    ws = workbook["LKE"]
    row = next(
        r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, COL_CODE).value == "A.p.m.1.b"
    )
    ws.cell(row=row, column=COL_ANSWER, value="A")
    out = io.BytesIO()
    workbook.save(out)
    assert answers_import(actor=world["operator"], assessment=later, data=out.getvalue()).changed
    assert stored(later).total == Decimal("10")
    assert scores_drift([assessment, later]) == []


def test_check_scores_catches_a_broken_score_and_fix_repairs_it(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    out = call_command_out("check_scores")
    assert out.strip().endswith("checked 1 sheets: 0 drifting views in 0 sheets")

    StoredScore.objects.filter(assessment=assessment, key=UNIT_KEY).update(
        total=Decimal("99"), passed=True
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_scores", stdout=out)
    assert caught.value.returncode == 1
    out = out.getvalue()
    assert f"sheet {assessment.pk}" in out
    assert "view unit: total 99.0000 -> 5.0000; passed True -> False" in out
    assert "1 drifting views in 1 sheets" in out

    out = call_command_out("check_scores", "--fix")
    assert "repaired" in out
    assert stored(assessment).total == Decimal("5")
    event = AuditEvent.objects.get(action="assessment.scores_repaired")
    assert event.target_id == str(assessment.pk)
    assert event.details["views"]["unit"]["fields"]["total"] == ["99.0000", "5.0000"]
    assert "0 drifting views" in call_command_out("check_scores")


def test_check_scores_reports_missing_and_extra_rows(world, period, assessment):
    # A new sheet with nothing answered needs no rows yet: lists show it as empty.
    other = make_assessment(period, world.bogor)
    assert scores_drift([other]) == []
    # Answers written past the services leave it without its rows.
    Answer.objects.create(layer=other.layers.get(), item_code="A.p.m.1.a", value="Ya")
    save(world, assessment, "A.p.m.1.a", "Ya")
    StoredScore.objects.create(assessment=assessment, key="tier:999999", total=0)
    with pytest.raises(CommandError):
        call_command_out("check_scores", "--chunk-size", "1")
    problems = {(d.assessment.pk, d.key, d.problem) for d in scores_drift([assessment, other])}
    assert problems == {
        (assessment.pk, "tier:999999", "extra"),
        (other.pk, UNIT_KEY, "missing"),
        (other.pk, EFFECTIVE_KEY, "missing"),
    }
    call_command_out("check_scores", "--fix", "--chunk-size", "1")
    assert scores_drift([assessment, other]) == []


def call_command_out(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- lists read stored scores ------------------------------------------------------------


def test_lists_show_the_stored_score_not_a_rescored_one(world, period, assessment, client_for):
    save(world, assessment, "A.p.m.1.a", "Ya")
    StoredScore.objects.filter(assessment=assessment, key=UNIT_KEY).update(total=Decimal("42.5"))
    (row,) = assessments_with_progress([assessment])
    assert row.total == Decimal("42.5")
    assert row.answered == 1
    page = client_for(world["agency_admin"]).get(
        reverse("assessments:period_detail", args=[period.pk])
    )
    assert "42,50" in page.content.decode()


def test_a_sheet_without_stored_rows_lists_as_empty(world, assessment):
    (row,) = assessments_with_progress([assessment])
    assert row.total == 0
    assert row.answered == 0
    assert row.passed is False


def _period_page_queries(client, period):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("assessments:period_detail", args=[period.pk]))
    assert response.status_code == 200
    return ctx.captured_queries


def _list_page_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("assessments:list"))
    assert response.status_code == 200
    return ctx.captured_queries


def test_period_page_and_list_query_counts_do_not_grow_with_units(world, period, client_for):
    admin = client_for(world["agency_admin"])

    def add_sheets(units):
        for unit in units:
            sheet = make_assessment(period, unit)
            with transaction.atomic():
                scores_refresh(sheet)

    def measure():
        period_queries = _period_page_queries(admin, period)
        list_queries = _list_page_queries(admin)
        # No list rescored a sheet: nobody read the answers.
        for query in (*period_queries, *list_queries):
            assert "assessments_answer" not in query["sql"], query["sql"]
        return len(period_queries), len(list_queries)

    add_sheets([world.bandung, world.bogor])
    small = measure()
    more = []
    for n in range(6):
        world.kanwil_jabar.refresh_from_db()
        more.append(
            add_unit(world.kanwil_jabar, code=f"KC-X{n}", name=f"Satker X{n}", kind="satker")
        )
    add_sheets(more)
    assert StoredScore.objects.filter(key=UNIT_KEY).count() == 8
    assert measure() == small


# --- the migration fills the rows of sheets that exist already ---------------------------


def _historical_sheet(apps):
    """A sheet of the mini framework, written through the historical models of `apps`."""
    from zona.assessments.tests.factories import load_mini

    framework = load_mini()
    unit = apps.get_model("accounts", "Unit").objects.create(
        path="0001", depth=1, code="KX", name="Kantor X", kind="ministry"
    )
    period = apps.get_model("assessments", "Period").objects.create(
        agency=unit,
        year=2026,
        title="P",
        framework_id=framework.pk,
        opens_on="2026-01-01",
        closes_on="2026-12-31",
    )
    return apps.get_model("assessments", "Assessment").objects.create(period=period, unit=unit)


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_the_scores_of_existing_sheets():
    from django.db.migrations.executor import MigrationExecutor

    before = [("assessments", "0003_import_jobs")]
    after = [("assessments", "0004_stored_scores")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    try:
        sheet = _historical_sheet(apps)
        layer = apps.get_model("assessments", "AnswerLayer").objects.create(assessment=sheet)
        apps.get_model("assessments", "Answer").objects.create(
            layer=layer, item_code="A.p.m.1.a", value="Ya"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    rows = executor.loader.project_state(after).apps.get_model("assessments", "StoredScore")
    totals = dict(rows.objects.filter(assessment_id=sheet.pk).values_list("key", "total"))
    assert totals == {UNIT_KEY: Decimal("5"), EFFECTIVE_KEY: Decimal("5")}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- the views' area rows (StoredAreaScore) ----------------------------------------------


def area_rows_of(assessment):
    return {
        (key, area): (score, difference)
        for key, area, score, difference in StoredAreaScore.objects.filter(
            assessment=assessment
        ).values_list("key", "area", "score", "difference")
    }


def test_each_view_stores_its_areas_in_narrow_rows_with_the_reviewers_difference(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    save(world, assessment, "A.p.m.2.a", "A")
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save(update_fields=["status"])
    save(world, assessment, "A.p.m.1.a", "Tidak", who="kanwil_reviewer", tier=world.tier_kanwil)
    kanwil = tier_key(world.tier_kanwil)
    rows = area_rows_of(assessment)
    views = {row.key: row.areas for row in StoredScore.objects.filter(assessment=assessment)}
    assert set(views) == {UNIT_KEY, kanwil, EFFECTIVE_KEY}
    # One row per view and area, the score as the view's JSON holds it.
    assert set(rows) == {(key, area) for key, areas in views.items() for area in areas}
    for (key, area), (value, difference) in rows.items():
        assert value == Decimal(views[key][area]["score"])
        assert difference == value - Decimal(views[UNIT_KEY][area]["score"])
    # Kanwil's Tidak lowered area 1 from the unit's own score; the unit's rows differ by 0.
    assert rows[(kanwil, "1")][1] < 0
    assert rows[(EFFECTIVE_KEY, "1")] == rows[(kanwil, "1")]
    assert {d for (key, _a), (_s, d) in rows.items() if key == UNIT_KEY} == {Decimal(0)}
    assert scores_drift([assessment]) == []


def test_check_scores_catches_a_broken_area_row_and_fix_repairs_it(world, assessment):
    save(world, assessment, "A.p.m.1.a", "Ya")
    good = area_rows_of(assessment)
    StoredAreaScore.objects.filter(assessment=assessment, key=UNIT_KEY, area="1").update(
        score=Decimal("77")
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_scores", stdout=out)
    assert f"sheet {assessment.pk}" in out.getvalue()
    assert "view unit: area_rows 1=77.0000/" in out.getvalue()
    # A row for an area no view has, or a lost row, is drift as well.
    StoredAreaScore.objects.filter(assessment=assessment, key=EFFECTIVE_KEY, area="1").delete()
    problems = {(d.key, d.problem) for d in scores_drift([assessment])}
    assert problems == {(UNIT_KEY, "differs"), (EFFECTIVE_KEY, "differs")}
    call_command_out("check_scores", "--fix")
    assert area_rows_of(assessment) == good
    assert scores_drift([assessment]) == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_area_rows_of_stored_views():
    from django.db.migrations.executor import MigrationExecutor

    before = [("assessments", "0004_stored_scores")]
    after = [("assessments", "0005_stored_area")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    try:
        sheet = _historical_sheet(apps)
        stored_rows = apps.get_model("assessments", "StoredScore")
        for key, one, two in ((UNIT_KEY, "5.0000", "2.5000"), ("tier:7", "3.2500", "2.5000")):
            stored_rows.objects.create(
                assessment=sheet,
                key=key,
                total=0,
                areas={
                    "1": {"score": one, "weight": "10.0000", "answered": 1, "items": 2},
                    "2": {"score": two, "weight": "10.0000", "answered": 1, "items": 2},
                },
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    model = executor.loader.project_state(after).apps.get_model("assessments", "StoredAreaScore")
    rows = {
        (key, area): (value, difference)
        for key, area, value, difference in model.objects.filter(
            assessment_id=sheet.pk
        ).values_list("key", "area", "score", "difference")
    }
    assert rows == {
        (UNIT_KEY, "1"): (Decimal("5"), Decimal("0")),
        (UNIT_KEY, "2"): (Decimal("2.5"), Decimal("0")),
        ("tier:7", "1"): (Decimal("3.25"), Decimal("-1.75")),
        ("tier:7", "2"): (Decimal("2.5"), Decimal("0")),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
