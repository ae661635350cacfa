"""Inbox entries, each user's delivery preference, and the e-mails sent for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    EACH = "each", _("An e-mail for each notification")
    DIGEST = "digest", _("One daily digest e-mail")
    NONE = "none", _("No e-mail (inbox only)")


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class NotificationPreference(models.Model):
    """How a user wants to hear about hand-offs, and in which language.

    The language is for notifications only (inbox entries and e-mails): the pages follow
    the language chosen in the navbar, which a user may switch at any time, while a mail
    is written when nobody is looking. A user without a row has the defaults.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    delivery = models.CharField(_("e-mail"), max_length=16, choices=Delivery, default=Delivery.EACH)
    language = models.CharField(_("language of notifications"), max_length=8, default="id")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}, {self.language}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailDelivery(models.Model):
    """One e-mail: for one notification, or a user's digest of a day.

    `key` makes it once-only: `n:<notification id>` or `digest:<user id>:<date>`. The
    worker moves a row pending -> sending (with the claim time, committed before the SMTP
    call) -> sent; a failure goes back to pending with a later `next_attempt_at`, up to
    ZONA_NOTIFY_MAX_ATTEMPTS, then failed. A row left in `sending` (the worker died between
    the SMTP call and the mark) may have been sent: it is reported, never sent again.
    """

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries"
    )
    is_digest = models.BooleanField(default=False)
    digest_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What went out (or was tried), for support questions: the address and subject.
    to_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class Notification(models.Model):
    """One inbox entry of one user. Its words are rendered from `kind` and `params` in the
    recipient's language when shown or mailed (zona.notifications.kinds)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The caller's idempotency key: the same key notifies a recipient once.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The delivery mode when it was created (a digest gathers the `digest` ones).
    email_mode = models.CharField(max_length=16, choices=Delivery, default=Delivery.EACH)
    email = models.ForeignKey(
        EmailDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_mode", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
