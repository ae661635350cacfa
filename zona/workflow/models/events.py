"""The append-only record of every workflow transition."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zona.core.models import AppendOnlyModel, AppendOnlyQuerySet


class WorkflowEvent(AppendOnlyModel):
    """One applied transition: which subject, what action, from which state to which, by whom,
    in which tier, on which items and why. Written only by `zona.workflow.engine.apply` (and
    the migration that carried the history over); never changed or deleted."""

    append_only_message = "workflow events are append-only"

    # The lifecycle's table kind ("assessment", "tier_review", "selection_round" ...) and the
    # subject's primary key in that table.
    subject_kind = models.CharField(_("subject"), max_length=32)
    subject_id = models.PositiveBigIntegerField()
    # The sheet the event concerns, when any: the sheet's history reads this.
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workflow_events",
        verbose_name=_("assessment"),
    )
    action = models.CharField(_("action"), max_length=48)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("review tier"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    items = models.JSONField(_("items"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["subject_kind", "subject_id", "at"]),
            models.Index(fields=["assessment", "at"]),
        ]

    def __str__(self) -> str:
        moved = f"{self.from_state}->{self.to_state}"
        return f"{self.subject_kind}:{self.subject_id} {self.action} {moved}"
