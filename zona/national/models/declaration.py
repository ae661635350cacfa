"""Before the round (issue 11 §1): a unit's declaration (pencanangan) per year, its staff's
integrity pacts, the agency's eligibility checklist and each unit's answers to it.

- `Declaration`: one per unit and year (a unit declares again for the year it aims at),
  with the signer (at least the echelon `declaration_max_echelon` of data/program.yaml)
  and the signed charter (stored through Django storage with its SHA-256).
- `IntegrityPact`: one person of the unit's staff roster for the year (matched by NIP on
  re-import), signed or not, with the signed document. Re-import never deletes a row: a
  person missing from a new file leaves the roster (`in_roster` False) and keeps the pact.
- `EligibilityCriterion`: the agency's checklist (starts from `eligibility` in
  data/program.yaml; the agency administrator adds, renames and deactivates).
- `EligibilityAnswer`: a unit's yes/no for one criterion in a year, with a note and its
  evidence (a file or a link).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}

__all__ = ["Declaration", "EligibilityAnswer", "EligibilityCriterion", "IntegrityPact"]


class StoredFile(models.Model):
    """A file uploaded through `zona.assessments.uploads.check_file`: the storage name and
    what the bytes are."""

    file = models.FileField(_("file"), max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("type"), max_length=128, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True


class Declaration(StoredFile):
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    declared_on = models.DateField(_("date of the declaration"))
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_nip = models.CharField(_("NIP"), max_length=30)
    signer_position = models.CharField(_("signer's position"), max_length=200)
    signer_echelon = models.PositiveSmallIntegerField(_("signer's echelon"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("declaration (pencanangan)")
        verbose_name_plural = _("declarations (pencanangan)")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="national_declaration_unique_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}"

    @property
    def signer_echelon_roman(self) -> str:
        """The echelon as people write it (III)."""
        return ROMAN.get(self.signer_echelon, str(self.signer_echelon))


class IntegrityPact(StoredFile):
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="integrity_pacts",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=30)
    position = models.CharField(_("position"), max_length=200, blank=True)
    in_roster = models.BooleanField(_("in the roster"), default=True)
    signed = models.BooleanField(_("signed"), default=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("integrity pact")
        verbose_name_plural = _("integrity pacts")
        ordering = ["unit__path", "-year", "name", "nip"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "nip"], name="national_pact_unique_nip"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year", "in_roster"])]

    def __str__(self) -> str:
        return f"{self.nip} {self.name}"


class EligibilityCriterion(models.Model):
    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="eligibility_criteria",
        verbose_name=_("agency"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["agency_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="national_criterion_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EligibilityAnswer(StoredFile):
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="eligibility_answers",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    criterion = models.ForeignKey(
        EligibilityCriterion,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("criterion"),
    )
    answer = models.BooleanField(_("answer"))
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("eligibility answer")
        verbose_name_plural = _("eligibility answers")
        ordering = ["unit__path", "-year", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "criterion"], name="national_eligibility_unique_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year} {self.criterion_id}: {self.answer}"
