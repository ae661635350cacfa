"""The documents' records (issue 12 §6): the LHE a review tier issues on a sheet, the number
sequence it draws from, and the SKM follow-up plan a unit writes for a survey round.

- `DocumentSequence` keeps the last number given per agency, year and kind of document; a
  number is taken under the row's lock, so two LHEs issued at once never share one.
- `Lhe` is one tier's evaluation report on one sheet: its number (formatted once, when
  issued, with the format set in `ZONA_LHE_NUMBER_FORMAT`), its signatories (name, NIP,
  role) and, once uploaded, the signed copy (a PDF with its SHA-256). The document itself is
  written from the stored scores and the review's records each time it is downloaded.
- `SkmFollowUp` is one line of the unit's rencana tindak lanjut for a survey round: a weak
  element (unsur), the action, who does it and by when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["DocumentSequence", "Lhe", "SkmFollowUp"]


class DocumentSequence(models.Model):
    agency = models.ForeignKey(
        "accounts.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("agency")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind"], name="insight_docseq_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.kind}={self.last}"


class Lhe(models.Model):
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="lhes",
        verbose_name=_("assessment"),
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review tier"),
    )
    # The agency whose sequence gave the number (the tier's, or the unit's for the TPN).
    agency = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("number"), max_length=80)
    issued_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    # [{"name", "nip", "role"}] in signing order: the team lead first, then the members.
    signatories = models.JSONField(_("signatories"), default=list, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_file = models.FileField(_("signed copy"), max_length=500, blank=True)
    signed_name = models.CharField(_("file name"), max_length=255, blank=True)
    signed_size = models.PositiveBigIntegerField(default=0)
    signed_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation report (LHE)")
        verbose_name_plural = _("evaluation reports (LHE)")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "tier"], name="insight_lhe_unique_tier"),
            models.UniqueConstraint(
                fields=["agency", "year", "sequence"], name="insight_lhe_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def has_signed_copy(self) -> bool:
        return bool(self.signed_sha256)


class SkmFollowUp(models.Model):
    campaign = models.ForeignKey(
        "surveys.Campaign",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("survey round"),
    )
    # The element (unsur): the IKM instrument's item code in the round.
    element = models.CharField(_("element"), max_length=64)
    action = models.TextField(_("action"))
    owner = models.CharField(_("responsible"), max_length=200)
    deadline = models.DateField(_("deadline"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SKM follow-up")
        verbose_name_plural = _("SKM follow-up plan")
        ordering = ["campaign_id", "element"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "element"], name="insight_skm_followup_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.element}"


def _register_labels() -> None:
    # The insight app has no ready() of its own for this part; this module is imported with
    # the app's models, before any request or test reads the labels.
    from django.utils.translation import gettext_lazy

    from zona.audit.labels import register_labels

    register_labels(
        objects={
            "lhe": gettext_lazy("Evaluation report (LHE)"),
            "skm_followup": gettext_lazy("SKM follow-up plan"),
        },
        actions={
            "lhe.issued": gettext_lazy("Evaluation report (LHE) issued"),
            "lhe.updated": gettext_lazy("Evaluation report (LHE) signatories changed"),
            "lhe.signed_uploaded": gettext_lazy("Signed evaluation report (LHE) uploaded"),
            "skm_followup.saved": gettext_lazy("SKM follow-up plan saved"),
            "export.lke_files_requested": gettext_lazy("LKE files of a subtree requested"),
        },
    )


_register_labels()
