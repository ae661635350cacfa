"""Koefisien (issue 10 §6): the deductions an agency defines, and the events reviewers record
on a sheet.

An agency defines the *kinds* of event (a KKN case involving the head or staff, viral
negative news about the unit's service ...), each with one deduction: a factor the total is
multiplied by (0 < f ≤ 1) or points subtracted from it. A reviewer records an *event* of a
kind on a sheet; the event keeps a copy of the kind's deduction and name as they were when
recorded, so a later change of the kind never moves a score silently. A withdrawn event is
kept with its reason (`tables/koefisien.py`), and stops counting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DeductionMode",
    "KoefisienEvent",
    "KoefisienEventStatus",
    "KoefisienKind",
]


class DeductionMode(models.TextChoices):
    # The total is multiplied by the value (e.g. 0.9).
    FACTOR = "factor", _("Factor (× the total)")  # noqa: RUF001
    # The value is subtracted from the total (e.g. 5 points).
    POINTS = "points", _("Points (− from the total)")  # noqa: RUF001


# The deductions the database accepts: a factor in (0, 1], points in (0, 100].
_VALID_DEDUCTION = Q(mode="factor", value__gt=0, value__lte=1) | Q(
    mode="points", value__gt=0, value__lte=100
)


class KoefisienKind(models.Model):
    """A kind of event an agency deducts for, with its deduction."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="koefisien_kinds",
        verbose_name=_("agency"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    mode = models.CharField(_("deduction"), max_length=8, choices=DeductionMode.choices)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=4)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("koefisien kind")
        verbose_name_plural = _("koefisien kinds")
        ordering = ["agency_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="workflow_koefisienkind_unique_code"
            ),
            models.CheckConstraint(
                condition=_VALID_DEDUCTION, name="workflow_koefisienkind_valid_deduction"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KoefisienEventStatus(models.TextChoices):
    RECORDED = "recorded", _("Counted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def koefisien_upload_to(instance: KoefisienEvent, filename: str) -> str:
    # The service chooses the name (koefisien/<sheet>/<uuid>/<safe name>); a fallback only.
    return f"koefisien/{filename}"


class KoefisienEvent(models.Model):
    """An event of a kind recorded on a sheet by a reviewer of a tier."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="koefisien_events",
        verbose_name=_("assessment"),
    )
    kind = models.ForeignKey(
        KoefisienKind, on_delete=models.PROTECT, related_name="events", verbose_name=_("kind")
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review tier"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=KoefisienEventStatus.choices,
        default=KoefisienEventStatus.RECORDED,
    )
    # The kind's name and deduction when the event was recorded (what the score uses).
    label = models.CharField(_("name"), max_length=200)
    mode = models.CharField(_("deduction"), max_length=8, choices=DeductionMode.choices)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=4)
    occurred_on = models.DateField(_("date of the event"))
    source = models.TextField(_("source"))
    note = models.TextField(_("note"), blank=True)
    # Reviewers only; never shown to the unit.
    internal_note = models.TextField(_("internal note"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=koefisien_upload_to, max_length=500, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_type = models.CharField(_("type"), max_length=128, blank=True)
    evidence_size = models.PositiveBigIntegerField(_("size"), default=0)
    evidence_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("koefisien event")
        verbose_name_plural = _("koefisien events")
        ordering = ["assessment_id", "recorded_at", "id"]
        indexes = [models.Index(fields=["assessment", "status"], name="workflow_koef_sheet_status")]
        constraints = [
            models.CheckConstraint(
                condition=_VALID_DEDUCTION, name="workflow_koefisienevent_valid_deduction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.occurred_on})"

    @property
    def counts(self) -> bool:
        return self.status == KoefisienEventStatus.RECORDED
