"""The review chain of a period: which tiers review which units, in what order, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ChainStep(models.Model):
    """One tier's place in a period's chain, with its own window.

    A sheet goes through the period's steps in `position` order, skipping the steps whose
    `scopes` (subtree roots) do not cover its unit; a step without scopes covers the whole
    agency. Positions follow the tiers' ranks (a later step is a higher tier).
    """

    period = models.ForeignKey(
        "assessments.Period",
        on_delete=models.CASCADE,
        related_name="chain_steps",
        verbose_name=_("period"),
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="chain_steps",
        verbose_name=_("review tier"),
    )
    position = models.PositiveSmallIntegerField(_("order"))
    opens_on = models.DateField(_("review opens on"))
    closes_on = models.DateField(_("review closes on"))
    scopes = models.ManyToManyField(
        "accounts.Unit",
        blank=True,
        related_name="+",
        verbose_name=_("sub-trees reviewed"),
        help_text=_("Leave empty to review every unit of the agency in this tier."),
    )
    # Where the agency uses one: a technical controller signs off after the team lead.
    uses_controller = models.BooleanField(_("technical controller signs off"), default=False)

    class Meta:
        verbose_name = _("review chain step")
        verbose_name_plural = _("review chain steps")
        ordering = ["period_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["period", "tier"], name="workflow_step_unique_tier"),
            models.UniqueConstraint(
                fields=["period", "position"], name="workflow_step_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="workflow_step_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} #{self.position} {self.tier}"


class ReviewTeam(models.Model):
    """Reviewers of one step who review the units under `units` (subtree roots) together.

    The team lead signs the tier's review of a sheet off (then the technical controller,
    where the step uses one). Members answer in the tier's layer.
    """

    step = models.ForeignKey(
        ChainStep, on_delete=models.CASCADE, related_name="teams", verbose_name=_("step")
    )
    name = models.CharField(_("name"), max_length=128)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team lead"),
    )
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technical controller"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="review_teams", verbose_name=_("members")
    )
    units = models.ManyToManyField(
        "accounts.Unit", blank=True, related_name="+", verbose_name=_("units reviewed")
    )

    class Meta:
        verbose_name = _("review team")
        verbose_name_plural = _("review teams")
        ordering = ["step_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["step", "name"], name="workflow_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
