"""Validation of a survey: a reviewer's draw of contacts and the calls made to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zona.surveys.models.apart import Contact
from zona.surveys.models.campaigns import Campaign


class ValidationDraw(models.Model):
    """A random sample of contacts for assessors to call; the seed lets anyone repeat it."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="validation_draws"
    )
    seed = models.BigIntegerField(_("seed"))
    requested = models.PositiveIntegerField(_("sample size"))
    # The pool was the campaign's contacts sorted by token; its size and digest prove which.
    pool_size = models.PositiveIntegerField(_("contacts in the pool"))
    pool_digest = models.CharField(max_length=64)
    contacts = models.ManyToManyField(Contact, through="ValidationCall", related_name="+")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.campaign} · seed {self.seed}"


class CallOutcome(models.TextChoices):
    PENDING = "pending", _("Not called yet")
    CONFIRMED = "confirmed", _("Confirmed: was served")
    NOT_SERVED = "not_served", _("Reached, but was not served")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_CONTACT = "wrong_contact", _("Wrong or unknown contact")
    REFUSED = "refused", _("Declined to talk")


class ValidationCall(models.Model):
    draw = models.ForeignKey(ValidationDraw, on_delete=models.CASCADE, related_name="calls")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CallOutcome, default=CallOutcome.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "contact"], name="surveys_call_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id} · {self.position}"
