"""Background exports: requested here, written by the worker (`tasks.export_run`).

The life of a job: `queued` when requested (the task is stored in the same transaction), then
`running` once a worker claims it, with `rows_done`/`rows_total` written after every chunk
in short transactions of their own (so its page sees them), then `done` with the file in
the default storage, or `failed` with a message; `expired` once the cleanup removed an old
file.

Retries are safe. A claim takes the job's row lock and increments `attempt`; every later
write of that run (progress, the outcome) is conditional on the attempt it claimed, so a
second run of the same job (a worker that died and had its task requeued, or a duplicate
task) takes over and the first stops at its next write. Files are named by attempt under
`exports/<job id>/`; the run that finishes deletes the others, and a run that lost its
claim deletes its own: a job never keeps two files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import Unit, User
from zona.assessments.models import Period
from zona.audit.services import audit_record
from zona.core.api.params import parse_int
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed, ZonaError
from zona.insight.access import can_export_subtree
from zona.insight.exporters.recap import XLSX_CONTENT_TYPE, RecapWriter, recap_layout
from zona.insight.models import ExportJob, ExportKind, ExportStatus
from zona.insight.selectors.exports import recap_chunks, recap_count, recap_tiers

log = logging.getLogger(__name__)

# Sheets read and written between two progress writes (each chunk is three queries). The
# worst case measured (all 113 items of the 90/2021 LKE answered with an 85-character note
# in three layers): a chunk of 1,000 sheets holds 101 MiB of Python objects (peak 112 MiB)
# and grows the worker's RSS by about 245 MiB; 500 sheets 51 MiB (RSS +123 MiB); 200
# sheets 21 MiB (RSS +48 MiB). A smaller worker sets ZONA_EXPORT_CHUNK_SIZE lower, at the
# cost of more round trips (bench/recap.py).
DEFAULT_CHUNK_SIZE = 1000
DEFAULT_KEEP_DAYS = 7
FOLDER = "exports"

ProgressHook = Callable[[ExportJob], None]


def chunk_size() -> int:
    return max(1, int(getattr(settings, "ZONA_EXPORT_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)))


def keep_days() -> int:
    return max(0, int(getattr(settings, "ZONA_EXPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS)))


def _unknown(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(f"unknown_{field}", message, field)])


def _recap_target(actor: User, period_id: object, unit_id: object) -> tuple[Period, Unit]:
    """The period and subtree root of a recap, or the error that explains why not.

    A period or unit the actor cannot see reads as unknown (as a missing one does); a unit
    they see but whose whole subtree they may not view is refused as such.
    """
    from zona.assessments.access import periods_visible_to

    period_pk = parse_int(period_id, field="period", minimum=1)
    unit_pk = parse_int(unit_id, field="unit", minimum=1)
    period = periods_visible_to(actor).filter(pk=period_pk).select_related("agency").first()
    if period is None:
        raise _unknown("period", _("There is no such assessment period."))
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None or not user_can(actor, Perm.UNIT_VIEW, unit):
        raise _unknown("unit", _("There is no such unit."))
    if not period.agency.contains(unit):
        message = _("%(unit)s is not a unit of %(agency)s, whose period this is.") % {
            "unit": unit.name,
            "agency": period.agency.name,
        }
        raise ValidationFailed(message, problems=[Problem("unit_outside_period", message, "unit")])
    if not can_export_subtree(actor, unit):
        message = _(
            "You may not view every sheet below %(unit)s, so you cannot export its recap. "
            "Choose a unit whose whole subtree you oversee."
        ) % {"unit": unit.name}
        raise PermissionDenied(message, problems=[Problem("subtree_not_covered", message, "unit")])
    return period, unit


def recap_export_request(*, actor: User, period_id: object, unit_id: object) -> ExportJob:
    """Queue the recap of `unit`'s subtree in a period for the worker; returns the job.

    Bad input changes nothing: unknown period or unit (`unknown_period`, `unknown_unit`,
    400), a unit of another agency (`unit_outside_period`, 400), a subtree the actor may not
    wholly view (`subtree_not_covered`, 403).
    """
    period, unit = _recap_target(actor, period_id, unit_id)
    from zona.insight.tasks import export_run

    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=ExportKind.RECAP,
            params={"period": period.pk},
            requested_by=actor,
            unit=unit,
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:8],
        )
        audit_record(
            actor=actor,
            action="export.requested",
            target=job,
            unit=unit,
            details={"kind": job.kind, "period": period.pk},
        )
        # The database backend stores the task in this transaction: the worker sees the
        # job and its task together, or neither.
        export_run.enqueue(job.pk)
    job.refresh_from_db()
    return job


def export_job_retry(*, actor: User, job: ExportJob) -> ExportJob:
    """Queue a failed export again (the same job: its page and address stay), with the
    task of its kind."""
    from zona.insight.tasks import export_run
    from zona.insight.tasks_documents import lke_files_run

    task = lke_files_run if job.kind == ExportKind.LKE_FILES else export_run

    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ExportStatus.FAILED:
            message = _("Only an export that failed can be started again.")
            raise StateError(message, problems=[Problem("not_failed", message)])
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.QUEUED, rows_done=0, message="", finished_at=None
        )
        audit_record(
            actor=actor, action="export.retried", target=locked, unit=locked.unit, details={}
        )
        task.enqueue(job.pk)
    job.refresh_from_db()
    return job


# --- the worker's side --------------------------------------------------------------------


class _Superseded(Exception):
    """Another run of the job claimed it after this one: this run stops without a file."""


def _claim(job_id: int) -> ExportJob | None:
    """Take the job for one run: None when it is finished (or gone)."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .select_related("unit", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            return None
        # RUNNING here is a run whose worker died (its task was requeued) or a duplicate
        # task: this run takes over, and the other stops at its next write.
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.RUNNING,
            attempt=job.attempt + 1,
            rows_done=0,
            message="",
            started_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _mine(job: ExportJob) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(pk=job.pk, attempt=job.attempt, status=ExportStatus.RUNNING)


def _progress(job: ExportJob, done: int, total: int) -> None:
    # Autocommit: each write is its own short transaction, seen at once by the job's page.
    if not _mine(job).update(rows_done=done, rows_total=total):
        raise _Superseded
    job.rows_done, job.rows_total = done, total


def export_job_run(
    *, job_id: int, chunk: int | None = None, on_progress: ProgressHook | None = None
) -> ExportJob | None:
    """Run a queued export (the worker calls this); records the outcome on the job.

    `on_progress(job)` is called after each progress write (tests look at the job's page
    there). Returns the job as this run left it, None if there was nothing to run.
    """
    job = _claim(job_id)
    if job is None:
        return None
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            name, data_file = _write(job, chunk or chunk_size(), on_progress)
    except _Superseded:
        log.info("export %s: a newer run took over attempt %s", job.pk, job.attempt)
        return job
    except ZonaError as exc:
        _fail(job, exc.message)
        return job
    except Exception:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The export stopped on an unexpected error. Try again later.")
        _fail(job, message)
        raise
    try:
        _store(job, name, data_file)
    finally:
        data_file.close()
    return job


def _fail(job: ExportJob, message: str) -> None:
    _mine(job).update(status=ExportStatus.FAILED, message=message, finished_at=timezone.now())
    job.status, job.message = ExportStatus.FAILED, message


def _write(job: ExportJob, size: int, on_progress: ProgressHook | None) -> tuple[str, Any]:
    if job.kind != ExportKind.RECAP:
        raise ValidationFailed(_("Unknown export."))
    requester = job.requested_by
    root = job.unit
    # Rights are checked again now: they may have been withdrawn while the job waited.
    if not requester.is_active or not can_export_subtree(requester, root):
        raise PermissionDenied(_("You may no longer view every sheet of this subtree."))
    period = (
        Period.objects.select_related("agency", "framework")
        .filter(pk=job.params.get("period"))
        .first()
    )
    if period is None:
        raise ValidationFailed(_("The assessment period no longer exists."))
    total = recap_count(period, root)
    _progress(job, 0, total)
    base = str(getattr(settings, "ZONA_BASE_URL", "")).rstrip("/")

    def evidence_url(revision_id: int) -> str:
        return base + reverse("assessments:evidence_file", args=[revision_id])

    layout = recap_layout(period, root, recap_tiers(period))
    writer = RecapWriter(layout, evidence_url=evidence_url)
    done = 0
    for sheets in recap_chunks(period, root, chunk_size=size, tiers=layout.tiers):
        writer.add(sheets)
        done += len(sheets)
        _progress(job, done, max(total, done))
        if on_progress is not None:
            on_progress(job)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by export_job_run once stored)
    writer.save(out)
    out.seek(0)
    stem = slugify(f"rekap-{period.year}-{root.code}") or "rekap"
    return f"{stem}-{job.pk}.xlsx", out


def _folder(job_pk: int) -> str:
    return f"{FOLDER}/{job_pk}"


def _store(job: ExportJob, name: str, data: Any, *, content_type: str = XLSX_CONTENT_TYPE) -> None:
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: data.read(1024 * 1024), b""):
        digest.update(block)
        size += len(block)
    data.seek(0)
    key = default_storage.save(f"{_folder(job.pk)}/{job.attempt}/{name}", File(data, name=name))
    finished = timezone.now()
    updated = _mine(job).update(
        status=ExportStatus.DONE,
        file=key,
        file_name=name,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        finished_at=finished,
        rows_done=job.rows_total,
    )
    if not updated:
        # Superseded while saving: the newer run writes the job's one file.
        default_storage.delete(key)
        return
    for old in _stored_keys(job.pk):
        if old != key:
            default_storage.delete(old)
    job.refresh_from_db()


def _stored_keys(job_pk: int) -> list[str]:
    """Every file under the job's folder (one level of attempt folders)."""
    folder = _folder(job_pk)
    try:
        attempts, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    keys = [f"{folder}/{name}" for name in files]
    for attempt in attempts:
        try:
            _dirs, names = default_storage.listdir(f"{folder}/{attempt}")
        except (FileNotFoundError, NotADirectoryError):
            continue
        keys += [f"{folder}/{attempt}/{name}" for name in names]
    return keys


def exports_cleanup(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the files of exports finished more than `days` (ZONA_EXPORT_KEEP_DAYS) ago and
    mark them expired; returns how many. Safe to run at any time and more than once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=keep_days() if days is None else days)
    expired = 0
    old = ExportJob.objects.filter(
        status__in=[ExportStatus.DONE, ExportStatus.FAILED], finished_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in list(old.iterator(chunk_size=500)):
        for key in _stored_keys(pk):
            default_storage.delete(key)
        expired += ExportJob.objects.filter(
            pk=pk, status__in=[ExportStatus.DONE, ExportStatus.FAILED]
        ).update(status=ExportStatus.EXPIRED, file="", size=0)
    return expired
