"""The LKE in the official Excel layout with the unit's and each reviewer tier's columns
(headed with the tier's name, the TPN's when it answered), and an agency's LKE files as one
zip written in the background with progress, read back with openpyxl."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from zona.assessments.excel import HEADER_ROW, SHEET
from zona.assessments.models import Answer, AnswerLayer
from zona.assessments.services.scores import scores_refresh
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.insight.documents.lke_files import KIND, lke_files_run
from zona.insight.models import ExportJob, ExportStatus
from zona.insight.tests.test_planner_views import SHEET as ANSWERS
from zona.insight.tests.test_planner_views import fill

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.ZONA_BASE_URL = "https://zona.example.go.id"


@pytest.fixture
def sheets(world):
    period = make_period(world.agency, load_mini(), creator=world["agency_admin"])
    bandung = make_assessment(period, world.bandung)
    make_assessment(period, world.bogor)
    make_assessment(period, world.surabaya)
    fill(world, bandung, ANSWERS)
    with transaction.atomic():
        for tier, value in ((world.tier_kanwil, "B"), (world.tier_tpn, "A")):
            layer = AnswerLayer.objects.create(assessment=bandung, tier=tier)
            Answer.objects.create(layer=layer, item_code="A.p.t.1.a", value=value)
        scores_refresh(bandung)
    return period, bandung


def headers(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))[SHEET]
    return [str(c.value) for c in ws[HEADER_ROW] if c.value is not None]


def row_of(data: bytes, code: str) -> list:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))[SHEET]
    return next([c.value for c in row] for row in ws.iter_rows() if row[0].value == code)


def test_each_tier_has_its_named_columns_and_the_tpn_appears(world, client_for, sheets):
    _period, bandung = sheets
    response = client_for(world["agency_admin"]).get(f"/assessments/{bandung.pk}/export.xlsx")
    assert response.status_code == 200
    names = headers(response.content)
    kanwil = [h for h in names if h.startswith("Kanwil: ")]
    tpn = [h for h in names if h.startswith("TPN: ")]
    assert len(kanwil) == 3
    assert len(tpn) == 3
    # By rank: the Kanwil's columns before the TPN's.
    assert names.index(kanwil[0]) < names.index(tpn[0])
    row = row_of(response.content, "A.p.t.1.a")
    first = names.index(kanwil[0])
    assert row[first] == "B"
    assert row[first + 3] == "A"


def test_an_agencys_lke_files_come_as_one_zip_with_progress(world, client_for, sheets, settings):
    period, _bandung = sheets
    settings.TASKS = DB_TASKS
    client = client_for(world["agency_admin"])
    assert client.get(f"/documents/lke-files/new/?period={period.pk}").status_code == 200
    response = client.post(
        "/documents/lke-files/new/", {"period": period.pk, "unit": world.agency.pk}
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.kind, job.status) == (KIND, ExportStatus.QUEUED)
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1
    seen = []

    def look(_job):
        page = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        seen.append(int(page.split('data-percent="')[1].split('"')[0]))

    lke_files_run(job_id=job.pk, on_progress=look)
    assert seen == [33, 66, 99]
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.content_type == "application/zip"
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == ["lke-kc-bdg-2026.xlsx", "lke-kc-bgr-2026.xlsx", "lke-kc-sby-2026.xlsx"]
        bandung_headers = headers(archive.read("lke-kc-bdg-2026.xlsx"))
    assert any(h.startswith("TPN: ") for h in bandung_headers)
    assert any(h.startswith("Kanwil: ") for h in bandung_headers)
    with default_storage.open(str(job.file.name), "rb") as stored:
        assert stored.read() == data


def test_only_who_oversees_the_subtree_may_ask(world, client_for, sheets):
    period, _bandung = sheets
    for name in ("operator", "outsider"):
        response = client_for(world[name]).post(
            "/documents/lke-files/new/", {"period": period.pk, "unit": world.agency.pk}
        )
        assert response.status_code in (400, 403)
    assert not ExportJob.objects.exists()


def test_a_failed_zip_is_retried_with_its_own_task(world, client_for, sheets, settings):
    """Retrying a failed LKE-files job queues the zip's task again (not the recap's, which
    would fail it as an unknown export)."""
    from zona.insight.services.exports import export_job_retry

    period, _bandung = sheets
    settings.TASKS = DB_TASKS
    client = client_for(world["agency_admin"])
    client.post("/documents/lke-files/new/", {"period": period.pk, "unit": world.agency.pk})
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, message="boom")
    job.refresh_from_db()
    export_job_retry(actor=world["agency_admin"], job=job)
    queued = DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).order_by("pk")
    assert [t.task_path for t in queued] == [
        "zona.insight.tasks_documents.lke_files_run",
        "zona.insight.tasks_documents.lke_files_run",
    ]
    lke_files_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.content_type) == (ExportStatus.DONE, "application/zip")
    assert job.get_kind_display() != "lke_files"
