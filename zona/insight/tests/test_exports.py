"""Background exports: the recap of a subtree from the request to the downloaded workbook.

The mini LKE, sheets for Bandung, Bogor and Surabaya (the agency's satker), Bandung's with
a Kanwil layer and evidence. Tests run the task as the worker would (the database backend
stores it; `export_job_run` plays the worker), look at the job's page between chunks, and
read the workbook back with openpyxl against the stored scores.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from zona.accounts.models import Role
from zona.accounts.testing import add_unit, assign
from zona.assessments.models import AssessmentStatus, StoredScore
from zona.assessments.selectors.scores import EFFECTIVE_KEY, stored_scores
from zona.assessments.services import answer_save
from zona.assessments.services.evidence import evidence_add_link, evidence_link, evidence_upload
from zona.assessments.tests.factories import load_mini, make_assessment, make_period, pdf_file
from zona.assessments.tests.openapi import assert_matches_schema
from zona.insight.models import ExportJob, ExportStatus
from zona.insight.selectors.exports import recap_chunks, recap_tiers
from zona.insight.services import exports as service
from zona.insight.services.exports import (
    export_job_run,
    exports_cleanup,
    recap_export_request,
)
from zona.workflow.services.sheet import sheet_submit

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

BANDUNG = {"A.p.m.1.a": "Ya", "A.p.m.1.b": "B", "A.p.m.2.a": "A", "B.1.a": "3.5"}
BOGOR = {"A.p.m.1.a": "Tidak", "A.p.m.1.b": "A"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # A storage of the test's own (files on disk, as in development).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.ZONA_BASE_URL = "https://zona.example.go.id"


@pytest.fixture
def recap(world, settings):
    """A period with three sheets; Bandung's answered by the unit and the Kanwil."""
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    sheets = {
        u.code: make_assessment(period, u) for u in (world.bandung, world.bogor, world.surabaya)
    }
    for code, value in BANDUNG.items():
        answer_save(
            actor=world["operator"],
            assessment=sheets["KC-BDG"],
            item_code=code,
            revision=None,
            value=value,
            note='=HYPERLINK("x")' if code == "A.p.m.1.a" else "",
        )
    for code, value in BOGOR.items():
        answer_save(
            actor=world["other_operator"],
            assessment=sheets["KC-BGR"],
            item_code=code,
            revision=None,
            value=value,
        )
    upload = evidence_upload(
        actor=world["operator"], unit=world.bandung, file=pdf_file("sk-tim.pdf"), title="SK Tim"
    )
    evidence_link(
        actor=world["operator"],
        assessment=sheets["KC-BDG"],
        item_code="A.p.m.1.a",
        evidence=upload.evidence,
    )
    link = evidence_add_link(
        actor=world["operator"], unit=world.bandung, url="https://drive.example/x", title="Foto"
    )
    evidence_link(
        actor=world["operator"], assessment=sheets["KC-BDG"], item_code="A.p.m.1.a", evidence=link
    )
    # Submitted: the Kanwil answers, and the links are pinned to the revisions reviewers see.
    sheets["KC-BDG"] = sheet_submit(actor=world["unit_head"], assessment=sheets["KC-BDG"])
    answer_save(
        actor=world["kanwil_reviewer"],
        assessment=sheets["KC-BDG"],
        item_code="A.p.m.1.b",
        revision=None,
        value="C",
        tier=world.tier_kanwil,
        note="Belum lengkap",
    )
    settings.TASKS = DB_TASKS
    return period, sheets, upload.revision


def request_recap(world, period, user="agency_admin", unit=None) -> ExportJob:
    return recap_export_request(
        actor=world[user], period_id=period.pk, unit_id=(unit or world.agency).pk
    )


def read(job: ExportJob) -> Any:
    from openpyxl import load_workbook

    assert job.file.name
    with default_storage.open(job.file.name, "rb") as f:
        return load_workbook(io.BytesIO(f.read()))


# --- the job's life ---------------------------------------------------------------------------


def test_a_request_queues_one_job_and_its_task(world, recap):
    period, _sheets, _rev = recap
    job = request_recap(world, period)
    assert job.status == ExportStatus.QUEUED
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1
    assert world.new_events().filter(action="export.requested").count() == 1


def test_the_worker_writes_the_file_with_progress_seen_on_the_page(world, recap, client_for):
    period, _sheets, _rev = recap
    job = request_recap(world, period)
    client = client_for(world["agency_admin"])
    seen: list[tuple[str, int, int]] = []

    def look(_job):
        # What the page's poll shows between two chunks: the job as committed so far.
        page = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true")
        html = page.content.decode()
        seen.append(
            (
                html.split('data-status="')[1].split('"')[0],
                int(html.split('data-percent="')[1].split('"')[0]),
                page.status_code,
            )
        )

    export_job_run(job_id=job.pk, chunk=1, on_progress=look)
    assert seen == [("running", 33, 200), ("running", 66, 200), ("running", 99, 200)]
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert (job.rows_done, job.rows_total, job.attempt) == (3, 3, 1)
    assert job.file_name.endswith(".xlsx")
    assert job.size > 0
    assert len(job.sha256) == 64
    final = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in final
    assert f"/exports/{job.pk}/download/" in final
    assert "hx-trigger" not in final  # the poll stops once finished


def test_the_workbook_reads_back_equal_to_the_stored_scores(world, recap):
    period, sheets, revision = recap
    job = request_recap(world, period)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    wb = read(job)
    assert wb.sheetnames == ["Rekap", "Butir"]
    rows = list(wb["Rekap"].iter_rows(values_only=True))
    headers = list(rows[1])
    body = {r[0]: dict(zip(headers, r, strict=True)) for r in rows[2:]}
    # Tree order: Jawa Barat (Bandung, Bogor) then Jawa Timur (Surabaya).
    assert [r[0] for r in rows[2:]] == ["KC-BDG", "KC-BGR", "KC-SBY"]
    for code, sheet in sheets.items():
        stored = {s.key: s for s in StoredScore.objects.filter(assessment=sheet)}
        row = body[code]
        for key, label in (("unit", "Unit kerja"), ("effective", "Efektif")):
            if key in stored:
                assert Decimal(str(row[f"{label}: total"])) == stored[key].total
                assert Decimal(str(row[f"{label}: Pengungkit"])) == stored[key].pengungkit
                assert Decimal(str(row[f"{label}: Hasil"])) == stored[key].hasil
    bandung = body["KC-BDG"]
    kanwil = StoredScore.objects.get(
        assessment=sheets["KC-BDG"], key=f"tier:{world.tier_kanwil.pk}"
    )
    assert Decimal(str(bandung["Kanwil: total"])) == kanwil.total
    assert bandung["TPI: total"] is None  # the TPI has not answered
    with translation.override("id"):
        assert bandung["Status"] == AssessmentStatus.SUBMITTED.label
        assert body["KC-BGR"]["Status"] == AssessmentStatus.DRAFT.label
    assert bandung["Kesimpulan"] in ("memenuhi ambang batas", "di bawah ambang batas")
    items = list(wb["Butir"].iter_rows(values_only=True))
    item_headers = list(items[0])
    by_key = {(r[0], r[2]): dict(zip(item_headers, r, strict=True)) for r in items[1:]}
    assert len(items) - 1 == 3 * 14  # every item of every sheet
    first = by_key[("KC-BDG", "A.p.m.1.a")]
    assert first["Unit kerja: jawaban"] == "Ya · Sudah dibentuk"  # the label, not only the key
    assert first["Unit kerja: catatan"] == '=HYPERLINK("x")'  # text, never a formula
    assert first["Data dukung"].splitlines() == [
        f"SK Tim: https://zona.example.go.id/assessments/evidence/files/{revision.pk}/",
        "Foto: https://drive.example/x",
    ]
    second = by_key[("KC-BDG", "A.p.m.1.b")]
    assert second["Kanwil: jawaban"].startswith("C · ")
    assert second["Kanwil: catatan"] == "Belum lengkap"
    assert by_key[("KC-SBY", "A.p.m.1.a")]["Unit kerja: jawaban"] is None
    formula_cell = next(c for c in wb["Butir"]["F"] if c.value == '=HYPERLINK("x")')
    assert formula_cell.data_type == "s"


def test_a_rerun_after_a_crash_leaves_one_file(world, recap):
    period, _sheets, _rev = recap
    job = request_recap(world, period)
    # A first run that died after saving its file but before recording it.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, attempt=1)
    default_storage.save(f"exports/{job.pk}/1/orphan.xlsx", io.BytesIO(b"half"))
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.attempt == 2
    assert service._stored_keys(job.pk) == [job.file.name]
    # A late duplicate of the task finds the job finished and writes nothing.
    assert export_job_run(job_id=job.pk) is None
    assert service._stored_keys(job.pk) == [job.file.name]


def test_a_run_overtaken_by_a_newer_one_stops_without_a_file(world, recap):
    period, _sheets, _rev = recap
    job = request_recap(world, period)

    def overtaken(running):
        # Another worker claims the job while this run writes its first chunk.
        ExportJob.objects.filter(pk=running.pk).update(attempt=running.attempt + 1)

    export_job_run(job_id=job.pk, chunk=1, on_progress=overtaken)
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING
    assert not job.file
    assert service._stored_keys(job.pk) == []


def test_withdrawn_rights_fail_the_job_clearly(world, recap):
    period, _sheets, _rev = recap
    job = request_recap(world, period)
    world["agency_admin"].role_assignments.all().delete()
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.message
    assert not job.file


def test_old_files_expire_with_the_cleanup_command(world, recap, settings):
    from django.core.management import call_command

    period, _sheets, _rev = recap
    job = request_recap(world, period)
    export_job_run(job_id=job.pk)
    settings.ZONA_EXPORT_KEEP_DAYS = 3
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=2))
    assert exports_cleanup() == 0
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=4))
    out = io.StringIO()
    call_command("exports_cleanup", stdout=out)
    assert out.getvalue().strip() == "expired=1 keep_days=3"
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED
    assert not job.file
    assert service._stored_keys(job.pk) == []


# --- queries ----------------------------------------------------------------------------------


def test_each_chunk_costs_the_same_queries_whatever_its_sheets(world, recap):
    period, _sheets, _rev = recap
    for n in range(6):
        unit = add_unit(world.kanwil_jatim, code=f"KC-X{n}", name=f"Satker X{n}", kind="satker")
        make_assessment(period, unit)

    def per_chunk(size: int) -> list[int]:
        counts: list[int] = []
        chunks = recap_chunks(period, world.agency, chunk_size=size, tiers=recap_tiers(period))
        while True:
            with CaptureQueriesContext(connection) as ctx:
                chunk = next(chunks, None)
            if chunk is None:
                return counts
            counts.append(len(ctx.captured_queries))

    # Sheets with their units and stored views, answers with their layers, evidence; the
    # last chunk knows it is the last (no query that finds nothing).
    small, large = per_chunk(2), per_chunk(9)
    assert set(small) == {3}
    assert large == [3]


def test_the_recap_reads_the_stored_views_it_writes(world, recap):
    period, _sheets, _rev = recap
    [chunk] = recap_chunks(period, world.agency, chunk_size=50, tiers=recap_tiers(period))
    assert chunk
    read = {(s.assessment.pk, k): v for s in chunk for k, v in s.views.items()}
    stored = stored_scores([s.assessment.pk for s in chunk])
    assert set(read) == {(pk, k) for pk, views in stored.items() for k in views}
    for (pk, key), view in read.items():
        want = stored[pk][key]
        assert (view.tier_id, view.total, view.pengungkit, view.hasil) == (
            want.tier_id,
            want.total,
            want.pengungkit,
            want.hasil,
        )
        if key == EFFECTIVE_KEY:
            target = next(s.assessment.target for s in chunk if s.assessment.pk == pk)
            assert view.passed == want.passed
            assert view.total_after_deductions == want.total_after_deductions
            # The conditions not met, on the sheet's own target (read in SQL from the JSON).
            assert view.verdicts == {target: want.verdicts[target]}
    # Some sheet fails a condition, so the column is not trivially empty.
    assert any(v.verdicts and next(iter(v.verdicts.values()))["failing"] for v in read.values())


# --- pages and access -------------------------------------------------------------------------


def test_the_period_page_leads_to_the_request_form(world, recap, client_for):
    period, _sheets, _rev = recap
    client = client_for(world["agency_admin"])
    page = client.get(f"/assessments/periods/{period.pk}/").content.decode()
    assert f"/exports/recap/new/?period={period.pk}&amp;unit={world.agency.pk}" in page
    form = client.get(f"/exports/recap/new/?period={period.pk}&unit={world.agency.pk}")
    assert form.status_code == 200
    assert 'data-testid="export-recap"' in form.content.decode()
    posted = client.post("/exports/recap/new/", {"period": period.pk, "unit": world.agency.pk})
    job = ExportJob.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"/exports/{job.pk}/"
    listing = client.get("/exports/").content.decode()
    assert f"/exports/{job.pk}/" in listing


def test_download_streams_the_file_to_its_requester_only(world, recap, client_for):
    period, _sheets, _rev = recap
    job = request_recap(world, period, user="kanwil_reviewer", unit=world.kanwil_jabar)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    response = client_for(world["kanwil_reviewer"]).get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f'filename="{job.file_name}"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    import hashlib

    assert hashlib.sha256(body).hexdigest() == job.sha256
    for other in ("other_operator", "agency_admin", "outsider"):
        client = client_for(world[other])
        assert client.get(f"/exports/{job.pk}/").status_code == 404
        assert client.get(f"/exports/{job.pk}/download/").status_code == 404
        assert client.get(f"/api/v1/exports/{job.pk}/").status_code == 404
        assert client.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404
    assert client_for(world["sysadmin"]).get(f"/exports/{job.pk}/download/").status_code == 200


def test_a_job_not_ready_has_nothing_to_download(world, recap, client_for):
    period, _sheets, _rev = recap
    job = request_recap(world, period)
    client = client_for(world["agency_admin"])
    assert client.get(f"/exports/{job.pk}/download/").status_code == 409
    api = client.get(f"/api/v1/exports/{job.pk}/download/")
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "state"


@pytest.mark.parametrize(
    ("user", "unit", "status", "code"),
    [
        # Sees Bandung only, not its whole region.
        ("operator", "kanwil_jabar", 400, "unknown_unit"),
        # Views the Kanwil Jawa Barat subtree, not the agency's (which it cannot even see).
        ("kanwil_reviewer", "agency", 400, "unknown_unit"),
        ("outsider", "agency", 400, "unknown_period"),
        ("agency_admin", "other_satker", 400, "unknown_unit"),
    ],
)
def test_a_subtree_outside_the_users_view_is_refused(
    world, recap, client_for, user, unit, status, code
):
    period, _sheets, _rev = recap
    client = client_for(world[user])
    response = client.post(
        "/api/v1/exports/recap/",
        {"period": period.pk, "unit": getattr(world, unit).pk},
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.json()["error"]["problems"][0]["code"] == code
    page = client.post(
        "/exports/recap/new/", {"period": period.pk, "unit": getattr(world, unit).pk}
    )
    assert page.status_code == status
    assert f'data-error="{code}"' in page.content.decode()
    assert not ExportJob.objects.exists()


def test_a_unit_seen_without_its_subtree_is_refused(world, recap, client_for):
    """A viewer of the Kanwil office alone (not the units below) sees the unit but not
    every sheet of its subtree."""
    period, _sheets, _rev = recap
    viewer = world["viewer"]
    assign(viewer, Role.VIEWER, world.kanwil_jabar)
    response = client_for(viewer).post(
        "/api/v1/exports/recap/",
        {"period": period.pk, "unit": world.kanwil_jabar.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["problems"][0]["code"] == "subtree_not_covered"
    assert not ExportJob.objects.exists()


def test_the_unit_operator_exports_their_own_sheet(world, recap, client_for):
    period, _sheets, _rev = recap
    response = client_for(world["operator"]).post(
        "/api/v1/exports/recap/",
        {"period": period.pk, "unit": world.bandung.pk},
        content_type="application/json",
    )
    assert response.status_code == 202


@pytest.mark.parametrize(
    "body",
    [{"period": 0, "unit": 1}, {"period": "x", "unit": 1}, {"period": 10**20, "unit": 1}, {}],
)
def test_bad_numbers_are_refused(world, recap, client_for, body):
    response = client_for(world["agency_admin"]).post(
        "/api/v1/exports/recap/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_unknown_period_is_refused(world, recap, client_for):
    response = client_for(world["agency_admin"]).post(
        "/api/v1/exports/recap/",
        {"period": 999999, "unit": world.agency.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0] == {
        "code": "unknown_period",
        "field": "period",
        "message": response.json()["error"]["problems"][0]["message"],
    }


def test_the_api_follows_a_job_to_its_download(world, recap, client_for):
    period, _sheets, _rev = recap
    client = client_for(world["agency_admin"])
    created = client.post(
        "/api/v1/exports/recap/",
        {"period": period.pk, "unit": world.agency.pk},
        content_type="application/json",
    )
    assert created.status_code == 202
    data = created.json()
    assert_matches_schema("/api/v1/exports/recap/", "post", created)
    assert (data["status"], data["percent"], data["download"]) == ("queued", 0, None)
    export_job_run(job_id=data["id"])
    polled = client.get(f"/api/v1/exports/{data['id']}/")
    assert_matches_schema("/api/v1/exports/{id}/", "get", polled)
    status = polled.json()
    assert (status["status"], status["percent"], status["rows_total"]) == ("done", 100, 3)
    download = client.get(status["download"])
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content)) == status["size"]
