"""Background exports (issue 12 §6): a job the worker runs while its page shows progress.

A job is generic: `kind` names the exporter (`recap`, ...), `params` its input. The worker
claims the job once per attempt (`attempt` grows with each claim, and every later write is
conditional on it), so a retried or duplicated task never writes a second file or
overwrites a newer attempt's progress. The file lives in the default storage (S3 in
production) under `exports/<job id>/`, and is deleted after ZONA_EXPORT_KEEP_DAYS days
(`manage.py exports_cleanup`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    RECAP = "recap", _("Recap of a subtree (Excel)")
    LKE_FILES = "lke_files", _("LKE files of a subtree (zip)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Not written")
    EXPIRED = "expired", _("Expired")


class ExportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=ExportKind)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    # The subtree the export covers (its root); the job is refused to anyone but the
    # requester and system administrators whatever the unit.
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    # The requester's language when asking: the file's headers and labels are in it.
    language = models.CharField(max_length=8, default="id")
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus, default=ExportStatus.QUEUED
    )
    # Claims by the worker; each claim owns the job's later writes (see the module doc).
    attempt = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    file = models.FileField(_("file"), max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=128, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} {self.kind} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def ready(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


# --- the agency dashboard's targets (issue 12 §4) -------------------------------------------


class TargetKind(models.TextChoices):
    """What a yearly target counts (compared with the data on the agency dashboard)."""

    NEW_WBK_PER_REGION = "new_wbk_per_region", _("New WBK per region")
    NEW_WBBM_PER_REGION = "new_wbbm_per_region", _("New WBBM per region")
    PROPOSED_PER_REGION = "proposed_per_region", _("Units proposed to the TPN per region")
    NEW_WBK = "new_wbk", _("New WBK in the agency")
    NEW_WBBM = "new_wbbm", _("New WBBM in the agency")
    PROPOSED = "proposed", _("Units proposed to the TPN")


class AgencyTarget(models.Model):
    """An agency's target for one year (e.g. one new WBK per region), set by its
    administrator and compared with the year's nominations and predicates."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="insight_targets",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("target"), max_length=32, choices=TargetKind)
    number = models.PositiveIntegerField(_("number"))
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency target")
        verbose_name_plural = _("agency targets")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind"], name="insight_target_unique_kind_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year} {self.kind}={self.number}"

    @property
    def per_region(self) -> bool:
        return self.kind.endswith("_per_region")


def _register_agency_labels() -> None:
    # The app has no hooks module: its audit labels register when its models load (the
    # registry is filled before any event is read).
    from zona.insight.agency.labels import register_agency_labels

    register_agency_labels()


_register_agency_labels()


from zona.insight.models_documents import *  # noqa: E402, F403
