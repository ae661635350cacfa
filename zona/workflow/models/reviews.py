"""One tier's review of one sheet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Recommendation", "SignOffRole", "TierReview", "TierReviewStatus", "TierSignOff"]


class TierReviewStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the tier below")
    OPEN = "open", _("Under review")
    COMPLETED = "completed", _("Review completed")
    RETURNED = "returned", _("Returned to the unit")
    # The sheet stopped before this tier (not forwarded, not selected): it never opens.
    CLOSED = "closed", _("Not reached")


class Recommendation(models.TextChoices):
    FORWARD = "forward", _("Forward to the next tier")
    HOLD = "hold", _("Do not forward")


class TierReview(models.Model):
    """The review of one sheet by one tier of its chain: waiting, open, completed (with a
    recommendation and a note) or returned to the unit. Its status changes only through
    the tier-review table in `zona.workflow` (engine.apply)."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="tier_reviews",
        verbose_name=_("assessment"),
    )
    step = models.ForeignKey("workflow.ChainStep", on_delete=models.PROTECT, related_name="reviews")
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="tier_reviews",
        verbose_name=_("review tier"),
    )
    position = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(
        _("status"), max_length=16, choices=TierReviewStatus, default=TierReviewStatus.WAITING
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    # A completion reopened because a lower layer changed after it.
    stale = models.BooleanField(_("reopened: the tier below changed"), default=False)

    class Meta:
        verbose_name = _("tier review")
        verbose_name_plural = _("tier reviews")
        ordering = ["assessment_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "tier"], name="workflow_review_unique_tier"
            ),
        ]
        indexes = [models.Index(fields=["step", "status"])]

    def __str__(self) -> str:
        return f"{self.assessment_id}@{self.tier_id} {self.status}"


class SignOffRole(models.TextChoices):
    LEAD = "lead", _("Team lead")
    CONTROLLER = "controller", _("Technical controller")


class TierSignOff(models.Model):
    """One sign-off of a tier's review: the team lead's, then (where the step uses one) the
    technical controller's, which completes it. Kept when the review reopens (a send-back,
    a stale completion): the sign-offs that count are those after its last opening."""

    review = models.ForeignKey(
        TierReview, on_delete=models.CASCADE, related_name="sign_offs", verbose_name=_("review")
    )
    role = models.CharField(_("signed as"), max_length=16, choices=SignOffRole)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("tier review sign-off")
        verbose_name_plural = _("tier review sign-offs")
        ordering = ["review_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.role} {self.signed_by_id}"
