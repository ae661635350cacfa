"""What a respondent leaves beside a response, kept apart from it: contacts and suggestions,
and the sealed drops they wait in for the worker (zona.surveys.services.sealed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zona.surveys.models.campaigns import Campaign
from zona.surveys.models.common import contact_token, random_id


class Contact(models.Model):
    """A contact a respondent chose to leave so assessors can confirm they were served.

    Stored apart from the answers, written in its own transaction after the response, with a
    random key and no time: nothing in the database joins it to a response.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="contacts")
    token = models.CharField(max_length=24, unique=True, default=contact_token)
    name = models.CharField(_("name"), max_length=120, blank=True)
    contact = models.CharField(_("phone or e-mail"), max_length=200)

    class Meta:
        verbose_name = _("respondent contact")
        verbose_name_plural = _("respondent contacts")
        ordering = ["token"]

    def __str__(self) -> str:
        return self.token


class ContactDrop(models.Model):
    """A contact waiting for the background worker, sealed (encrypted) so that a row read next
    to its response reveals nothing. The worker opens drops in shuffled batches into Contact
    rows of its own transaction and deletes them (zona.surveys.services.contacts)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    class Meta:
        verbose_name = _("queued contact")
        verbose_name_plural = _("queued contacts")

    def __str__(self) -> str:
        return str(self.pk)


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    HIDDEN = "hidden", _("Hidden")


class Suggestion(models.Model):
    """A free-text suggestion (saran) a respondent chose to leave.

    Like Contact: no relation to Response either way, a random key, no time; written by the
    worker in shuffled batches from sealed SuggestionDrops. Managers moderate it; only then
    do reviewers read it. It is never published (zona/surveys/services/feedback.py).
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="suggestions")
    text = models.TextField(_("suggestion"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SuggestionStatus,
        default=SuggestionStatus.PENDING,
    )
    moderation_reason = models.TextField(_("reason"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"S-{self.pk:016x}"


class SuggestionDrop(models.Model):
    """A suggestion waiting for the background worker, sealed like a ContactDrop: the worker
    opens a campaign's drops in shuffled batches into Suggestion rows of its own transaction
    (zona.surveys.services.feedback), so no row sits next to its response."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    class Meta:
        verbose_name = _("queued suggestion")
        verbose_name_plural = _("queued suggestions")

    def __str__(self) -> str:
        return str(self.pk)
