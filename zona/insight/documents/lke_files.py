"""An agency's LKE files: every sheet of a subtree in a period as its own workbook (the LKE
layout of `zona.assessments.excel.export_workbook`, with the unit's and each reviewer
tier's columns, the TPN's when it answered), in one zip, written by the worker.

It rides on the insight exports (`ExportJob`, kind `lke_files`): requested here like the
recap (the same checks and refusals), claimed and progressed through the exports service's
claim/progress/fail steps (so retries and duplicate tasks behave as for the recap), and
stored under `exports/<job id>/<attempt>/` as application/zip.
"""

from __future__ import annotations

import tempfile
import zipfile
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zona.accounts.models import User
from zona.assessments.excel import export_workbook
from zona.assessments.models import Assessment, Period
from zona.assessments.selectors import load_sheet_state
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, ValidationFailed, ZonaError
from zona.insight.access import can_export_subtree
from zona.insight.models import ExportJob
from zona.insight.services import exports as export_service

KIND = "lke_files"
ZIP_CONTENT_TYPE = "application/zip"


def lke_files_request(*, actor: User, period_id: object, unit_id: object) -> ExportJob:
    """Queue the LKE files of `unit`'s subtree in a period; the same refusals as the recap."""
    period, unit = export_service._recap_target(actor, period_id, unit_id)
    from zona.insight.tasks_documents import lke_files_run

    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=KIND,
            params={"period": period.pk},
            requested_by=actor,
            unit=unit,
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
        )
        audit_record(
            actor=actor,
            action="export.lke_files_requested",
            target=job,
            unit=unit,
            details={"kind": KIND, "period": period.pk},
        )
        lke_files_run.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _sheets(period: Period, root: Any) -> Any:
    return (
        Assessment.objects.filter(period=period, unit__path__startswith=root.path)
        .select_related("period", "period__framework", "period__agency", "unit")
        .order_by("unit__path", "pk")
    )


def lke_files_run(*, job_id: int, on_progress: Any = None) -> ExportJob | None:
    """Write the zip of a queued job (the worker calls this); records the outcome."""
    job = export_service._claim(job_id)
    if job is None or job.kind != KIND:
        return job
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            name, data = _write(job, on_progress)
    except export_service._Superseded:
        return job
    except ZonaError as exc:
        export_service._fail(job, exc.message)
        return job
    except Exception:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The export stopped on an unexpected error. Try again later.")
        export_service._fail(job, message)
        raise
    try:
        _store(job, name, data)
    finally:
        data.close()
    return job


def _write(job: ExportJob, on_progress: Any) -> tuple[str, IO[bytes]]:
    requester, root = job.requested_by, job.unit
    if not requester.is_active or not can_export_subtree(requester, root):
        raise PermissionDenied(_("You may no longer view every sheet of this subtree."))
    period = Period.objects.select_related("agency").filter(pk=job.params.get("period")).first()
    if period is None:
        raise ValidationFailed(_("The assessment period no longer exists."))
    sheets = _sheets(period, root)
    total = sheets.count()
    export_service._progress(job, 0, total)
    base = str(getattr(settings, "ZONA_BASE_URL", "")).rstrip("/")

    def link_url(revision_id: int) -> str:
        return base + reverse("assessments:evidence_file", args=[revision_id])

    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by lke_files_run once stored)
    done = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for assessment in sheets.iterator(chunk_size=50):
            data = export_workbook(load_sheet_state(assessment), link_url=link_url)
            stem = slugify(f"LKE-{assessment.unit.code}-{period.year}") or f"LKE-{assessment.pk}"
            archive.writestr(f"{stem}.xlsx", data)
            done += 1
            export_service._progress(job, done, max(total, done))
            if on_progress is not None:
                on_progress(job)
    out.seek(0)
    stem = slugify(f"lke-{period.year}-{root.code}") or "lke"
    return f"{stem}-{job.pk}.zip", out


def _store(job: ExportJob, name: str, data: IO[bytes]) -> None:
    # The exports service stores the file and finishes the job (its one place for that);
    # the content type is then set to the zip's under the same attempt.
    export_service._store(job, name, data, content_type=ZIP_CONTENT_TYPE)
    job.refresh_from_db()
