"""Selection rounds with quotas (issue 10 §7): after a tier, only some of the sheets that
reached it go on. The rule itself is pure (`zona.workflow.quota`); a round keeps its
configuration, the overrides with their justification, and the result it confirmed."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zona.assessments.models import Target

__all__ = [
    "OverrideDecision",
    "RoundGrouping",
    "RoundRounding",
    "RoundStatus",
    "SelectionOverride",
    "SelectionRound",
]


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    CLOSED = "closed", _("Closed")


class RoundGrouping(models.TextChoices):
    TEAM = "team", _("Per reviewing team (each regional office)")
    AGENCY = "agency", _("The whole agency as one group")


class RoundRounding(models.TextChoices):
    UP = "up", _("Round up")
    DOWN = "down", _("Round down")
    NEAREST = "nearest", _("Round to the nearest (halves up)")


class SelectionRound(models.Model):
    """The selection after one chain step: which of the sheets that reached its tier go on
    to the next tier. draft (configure, preview, override) → confirmed (the result frozen)
    → closed (the next tier opens for the selected). Its status changes only through the
    selection-round table (engine.apply)."""

    period = models.ForeignKey(
        "assessments.Period",
        on_delete=models.CASCADE,
        related_name="selection_rounds",
        verbose_name=_("period"),
    )
    step = models.OneToOneField(
        "workflow.ChainStep",
        on_delete=models.PROTECT,
        related_name="selection_round",
        verbose_name=_("step"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus, default=RoundStatus.DRAFT
    )
    grouping = models.CharField(
        _("groups"), max_length=16, choices=RoundGrouping, default=RoundGrouping.TEAM
    )
    quota_percent = models.DecimalField(
        _("quota (percent of applicants)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    rounding = models.CharField(
        _("rounding"), max_length=8, choices=RoundRounding, default=RoundRounding.UP
    )
    min_per_group = models.PositiveSmallIntegerField(_("minimum per group"), default=1)
    target = models.CharField(
        _("target predicate"), max_length=8, choices=Target, default=Target.WBK
    )
    min_pengungkit = models.DecimalField(
        _("minimum Pengungkit"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    min_hasil = models.DecimalField(
        _("minimum Hasil"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    # The selection as confirmed (see selectors.selection.Preview.as_result); empty in draft.
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["period_id", "step__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quota_percent__gte=0) & Q(quota_percent__lte=100),
                name="workflow_round_quota_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}:{self.step_id} {self.status}"


class OverrideDecision(models.TextChoices):
    INCLUDE = "include", _("Include")
    EXCLUDE = "exclude", _("Exclude")


class SelectionOverride(models.Model):
    """A decision against the rule for one sheet of a round, with its written justification.
    An included sheet goes on beside its group's quota; an excluded one never goes on and
    frees its place for the next in rank."""

    round = models.ForeignKey(
        SelectionRound, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("round")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("assessment"),
    )
    decision = models.CharField(_("decision"), max_length=8, choices=OverrideDecision)
    justification = models.TextField(_("justification"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("selection override")
        verbose_name_plural = _("selection overrides")
        ordering = ["round_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "assessment"], name="workflow_override_unique_sheet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.assessment_id} {self.decision}"
