"""Periods, assessments, answers per layer, their history, and the evidence library.

Writes go through `zona.assessments.services`; these models hold only rules about one row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zona.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

# Re-exported: callers and tests catch it from here.
__all__ = ["AppendOnlyError"]


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Period(models.Model):
    """One round of self-assessment that an agency opens for some of its units."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="assessment_periods",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    framework = models.ForeignKey(
        "frameworks.Framework",
        on_delete=models.PROTECT,
        related_name="periods",
        verbose_name=_("framework version"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=16, choices=PeriodStatus, default=PeriodStatus.OPEN
    )
    # The agency may refuse sheets with an unanswered item or an item without evidence.
    require_complete = models.BooleanField(
        _("require complete sheets"),
        default=False,
        help_text=_("A sheet can only be submitted when every item is answered and has evidence."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "title"], name="assessments_period_unique_title"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="assessments_period_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class PeriodDeadline(models.Model):
    """Deadlines for the units at one level of the tree (1 = the agency itself)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="deadlines")
    level = models.PositiveSmallIntegerField(_("tree level"))
    fill_deadline = models.DateField(_("self-assessment due"))
    review_deadline = models.DateField(_("review due"), null=True, blank=True)
    revision_deadline = models.DateField(_("revision due"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["period_id", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level"], name="assessments_deadline_unique_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} L{self.level}"


class Target(models.TextChoices):
    WBK = "wbk", _("Towards WBK")
    WBBM = "wbbm", _("Towards WBBM")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Being filled")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")


class Assessment(models.Model):
    """One unit's worksheet in one period. Answers live in its layers."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("unit"),
    )
    target = models.CharField(
        _("target predicate"), max_length=8, choices=Target, default=Target.WBK
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssessmentStatus,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # What the unit head confirmed at the last submission: unanswered items, items without
    # evidence, failing conditions (see `selectors.submission_counts`).
    submitted_counts = models.JSONField(_("counts at submission"), default=dict, blank=True)
    # When a reviewer returns the sheet: the item codes the unit may change again (empty
    # means the whole sheet) and why.
    returned_items = models.JSONField(_("returned items"), default=list, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried forward from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-period__year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"], name="assessments_assessment_unique_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    def item_reopened(self, code: str) -> bool:
        """Whether the unit may change this item in the current state."""
        if self.status == AssessmentStatus.DRAFT:
            return True
        if self.status == AssessmentStatus.RETURNED:
            return not self.returned_items or code in self.returned_items
        return False


class AnswerLayer(models.Model):
    """The answers of one party: the unit (tier empty) or one review tier."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="layers")
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answer_layers",
        verbose_name=_("review tier"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer layer")
        verbose_name_plural = _("answer layers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "tier"], name="assessments_layer_unique_tier"
            ),
            # NULLs are distinct in a plain unique constraint: one unit layer per sheet.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(tier__isnull=True),
                name="assessments_layer_unique_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.tier.code if self.tier else 'unit'}"

    @property
    def is_unit(self) -> bool:
        return self.tier_id is None


class AnswerSource(models.TextChoices):
    MANUAL = "manual", _("Entered")
    SURVEY = "survey", _("From the unit's survey")


class Answer(models.Model):
    """One layer's answer to one item.

    `value` is the option key, the counts of a PCT item (an object; counts may be partial
    while the unit is still filling them), or a NUM4 index as a decimal string. `revision`
    grows with every saved change: a save must name the revision it started from, so two
    people saving the same item never overwrite each other silently.
    """

    layer = models.ForeignKey(AnswerLayer, on_delete=models.CASCADE, related_name="answers")
    item_code = models.CharField(_("item"), max_length=64)
    value = models.JSONField(_("answer"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=AnswerSource, default=AnswerSource.MANUAL
    )
    # Carried forward from the unit's previous assessment: shown, not scored, until accepted.
    suggested_value = models.JSONField(_("suggested answer"), null=True, blank=True)
    suggested_note = models.TextField(_("suggested note"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "item_code"], name="assessments_answer_unique_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}={self.value!r}"


class ChangeField(models.TextChoices):
    VALUE = "value", _("answer")
    NOTE = "note", _("note")
    EVIDENCE = "evidence", _("evidence")


class AnswerChange(AppendOnlyModel):
    """One change of an answer, a note or an evidence link: who, when, before and after."""

    append_only_message = "answer history is append-only"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answer_changes"
    )
    layer = models.ForeignKey(AnswerLayer, on_delete=models.CASCADE, related_name="changes")
    item_code = models.CharField(_("item"), max_length=64)
    field = models.CharField(_("field"), max_length=16, choices=ChangeField)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # The answer's revision after this change (0 for evidence links, which carry none).
    revision = models.PositiveIntegerField(default=0)
    # How the change came in: the worksheet, an Excel import, the API, carry-forward ...
    via = models.CharField(max_length=16, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer change")
        verbose_name_plural = _("answer changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["assessment", "item_code"])]

    def __str__(self) -> str:
        return f"{self.item_code} {self.field} r{self.revision}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("External link")


class Evidence(models.Model):
    """A document in a unit's evidence library; its content lives in immutable revisions."""

    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="evidence", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind)
    description = models.TextField(_("description"), blank=True)
    # The newest revision, kept here so lists need no per-row lookup.
    current_revision = models.ForeignKey(
        "EvidenceRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    archived = models.BooleanField(_("archived"), default=False)
    # The SHA-256 of the file the document was created with (empty for links): one unit
    # holds one document per content, even when the same file is uploaded in parallel.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["unit", "archived", "title"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "sha256"],
                condition=~Q(sha256=""),
                name="assessments_evidence_unique_content",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def evidence_expired(expires_on: dt.date | None, today: dt.date) -> bool:
    """A document valid until a day is expired from the day after (the one rule)."""
    return expires_on is not None and expires_on < today


def evidence_upload_to(instance: EvidenceRevision, filename: str) -> str:
    # The name is chosen by the service (unit/uuid/safe-name); this is only a fallback.
    return f"evidence/{filename}"


class EvidenceRevision(AppendOnlyModel):
    """One uploaded file (or link target) of an evidence document. Never changed or deleted."""

    append_only_message = "evidence revisions are immutable"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=500, blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=128, blank=True)
    effective_date = models.DateField(_("effective date"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence revision")
        verbose_name_plural = _("evidence revisions")
        ordering = ["evidence_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "number"], name="assessments_revision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} r{self.number}"

    @property
    def expired(self) -> bool:
        return evidence_expired(self.expires_on, timezone.localdate())


class EvidenceLink(models.Model):
    """Evidence attached to one item of one assessment. Unlinking keeps the row."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="evidence_links"
    )
    item_code = models.CharField(_("item"), max_length=64)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    unlinked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unlinked_at = models.DateTimeField(null=True, blank=True)
    # Frozen when the sheet is submitted: the revision and title reviewers see. A newer
    # revision, a new title or archiving shows as changed after submission and enters the
    # sheet only when the unit submits again after a return.
    pinned_revision = models.ForeignKey(
        EvidenceRevision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision at submission"),
    )
    pinned_title = models.CharField(_("title at submission"), max_length=255, blank=True)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        ordering = ["linked_at", "id"]
        indexes = [models.Index(fields=["assessment", "item_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "assessment", "item_code"],
                condition=Q(unlinked_at__isnull=True),
                name="assessments_link_unique_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id}->{self.assessment_id}:{self.item_code}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    READING = "reading", _("Reading the file")
    APPLYING = "applying", _("Checking and saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Not imported")


class ImportJob(models.Model):
    """A large Excel import, applied by the background worker while its page shows progress.

    The file is kept only until the worker has read it. `problems` has the same shape as a
    refused inline import (code, message, field, row); `changed` the item codes it updated.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255, blank=True)
    data = models.BinaryField(default=b"")
    status = models.CharField(
        max_length=16, choices=ImportJobStatus, default=ImportJobStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    problems = models.JSONField(default=list, blank=True)
    changed = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.assessment_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


# --- stored scores (issue 12) ------------------------------------------------------------------


class StoredScore(models.Model):
    """One view of a sheet's score, kept with the sheet so lists never rescore it.

    A view is the unit's layer alone (`key` "unit"), the sheet as a review tier that has
    answered sees it (`tier:<id>`: per item the answer of the highest layer at or below that
    tier), or the effective sheet (`effective`: the highest layer of all, then the
    koefisien). Rows are written only by `services.scores.scores_refresh`, in the
    transaction of the change that moves them; `manage.py check_scores` recomputes them from
    the answers. Decimals are rounded half up to 4 places; JSON numbers are decimal strings
    of the same precision. See docs/scoring.md, "Stored scores".
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="stored_scores"
    )
    key = models.CharField(_("view"), max_length=24)
    # Set for a tier's view (the key names it too); for joins and ordering by rank.
    tier = models.ForeignKey(
        "accounts.ReviewTier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=4)
    # The framework's first and second top-level components (Pengungkit and Hasil in the LKE).
    pengungkit = models.DecimalField(
        _("enablers (Pengungkit)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    hasil = models.DecimalField(
        _("results (Hasil)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    # Node code -> score of every component and part (A, A.I, A.II, B, B.I, B.II).
    components = models.JSONField(default=dict, blank=True)
    # Working-group area key -> {"score", "weight", "answered", "items"}.
    areas = models.JSONField(default=dict, blank=True)
    # Items with a scoreable answer in this view.
    answered = models.PositiveIntegerField(default=0)
    # The verdict on the sheet's target predicate; every predicate's is in `verdicts`
    # (key -> {"passed": bool, "failing": [condition names]}).
    passed = models.BooleanField(null=True, blank=True)
    verdicts = models.JSONField(default=dict, blank=True)
    # The effective view only: the koefisien applied and the total after them (the verdicts
    # of that view are judged on it).
    deductions = models.JSONField(default=list, blank=True)
    total_after_deductions = models.DecimalField(
        _("total after koefisien"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stored score")
        verbose_name_plural = _("stored scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key"], name="assessments_storedscore_unique_view"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.key}={self.total}"


class StoredAreaScore(models.Model):
    """One working-group area of one stored view, in narrow columns: what the agency
    dashboard sums over thousands of sheets in SQL (the calibration gap) without reading the
    view's JSON. Written with the view by `services.scores.scores_refresh` in the same
    transaction; `manage.py check_scores` compares them with the answers too.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="stored_area_scores"
    )
    # The view's key, as in `StoredScore.key`.
    key = models.CharField(_("view"), max_length=24)
    area = models.CharField(_("area"), max_length=32)
    # The area's score in the view (the view's `areas[area]["score"]`).
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=4)
    # The view's score less the unit's own view's score in the same area of the same sheet
    # (0 for the unit's view): how far the reviewers moved the area.
    difference = models.DecimalField(_("difference"), max_digits=9, decimal_places=4)

    class Meta:
        verbose_name = _("stored area score")
        verbose_name_plural = _("stored area scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key", "area"], name="assessments_storedarea_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.key}:{self.area}={self.score}"
