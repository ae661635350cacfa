"""Questionnaires (instruments) and their versions, each tied to its content hash."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import Unit

if TYPE_CHECKING:
    from zona.surveys.schema import InstrumentDoc


class Measure(models.TextChoices):
    IPAK = "ipak", "IPAK"
    IPKP = "ipkp", "IPKP"
    IKM = "ikm", "IKM"
    OTHER = "other", _("other")


class Instrument(models.Model):
    """A questionnaire identity (spak, spkp, skm, or an agency's own); content is versioned."""

    key = models.SlugField(_("key"), max_length=100, unique=True)
    # None: shipped with Zona and usable by every agency; else only that agency's units.
    agency = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_instruments",
        verbose_name=_("agency"),
    )
    measures = models.CharField(_("measures"), max_length=8, choices=Measure)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class InstrumentVersion(models.Model):
    """One loaded version of an instrument file. Immutable: the loader refuses changed content."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="versions", verbose_name=_("instrument")
    )
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    document = models.JSONField(_("document"))
    abbreviation = models.CharField(_("abbreviation"), max_length=16)
    title_id = models.TextField(_("title (Indonesian)"))
    title_en = models.TextField(_("title (English)"))
    index_kind = models.CharField(_("index"), max_length=16)
    scale_min = models.PositiveSmallIntegerField(_("scale minimum"))
    scale_max = models.PositiveSmallIntegerField(_("scale maximum"))
    item_codes = models.JSONField(_("item codes"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument__key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "version"], name="surveys_instrument_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} v{self.version}"

    @cached_property
    def doc(self) -> InstrumentDoc:
        from zona.surveys.schema import InstrumentDoc

        return InstrumentDoc.model_validate(self.document)

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_id

    @property
    def measures(self) -> str:
        return self.instrument.measures
