"""A survey round of a unit (campaign), its instruments and services, the pin that freezes
the round feeding a submitted LKE, and the kiosks registered for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import ServiceType, Unit
from zona.surveys.indices import SAMPLE_METHODS, sample_size
from zona.surveys.models.common import kiosk_key, short_code
from zona.surveys.models.instruments import InstrumentVersion


class Campaign(models.Model):
    """A survey round of one unit in one period (e.g. 2026, "Semester I")."""

    class Method(models.TextChoices):
        KREJCIE_MORGAN = "krejcie-morgan", "Krejcie & Morgan"
        # The 1970 table as agencies read it: the next row up (zona/surveys/data/).
        KREJCIE_MORGAN_TABLE = "krejcie-morgan-table", _("Krejcie & Morgan table")
        SLOVIN = "slovin", "Slovin"

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="survey_campaigns", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period_label = models.CharField(_("period"), max_length=64)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    instruments = models.ManyToManyField(
        InstrumentVersion,
        through="CampaignInstrument",
        related_name="campaigns",
        verbose_name=_("instruments"),
    )
    sample_method = models.CharField(
        _("sample size method"),
        max_length=24,
        choices=Method.choices,
        default=Method.KREJCIE_MORGAN,
    )
    margin = models.DecimalField(
        _("margin of error"), max_digits=4, decimal_places=3, default=Decimal("0.05")
    )
    # The public link is /s/<public_code>; each registered Kiosk has its own link below it.
    public_code = models.CharField(_("public code"), max_length=16, unique=True, default=short_code)
    requires_code = models.BooleanField(_("requires a one-time code"), default=False)
    # This round's IPAK and IPKP fill B.I.a and B.II.a of the unit's LKE for the year.
    feeds_lke = models.BooleanField(_("feeds the LKE"), default=False)
    # A trial of the form: never feeds the LKE nor counts as an SKM round (A.I.6.iv.a).
    is_test = models.BooleanField(_("test round"), default=False)
    results_public = models.BooleanField(_("results published"), default=False)
    # Optional questions for the reports of PermenPAN-RB 14/2017 (see zona/surveys/profile.py).
    asks_profile = models.BooleanField(_("asks the respondent profile"), default=False)
    # Free-text suggestions (saran): stored apart from responses, moderated, never published.
    collects_suggestions = models.BooleanField(_("collects suggestions"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year", "-opens_on", "unit__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="surveys_campaign_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(feeds_lke=True),
                name="surveys_campaign_one_lke_source_per_year",
            ),
            models.CheckConstraint(
                condition=Q(sample_method__in=SAMPLE_METHODS),
                name="surveys_campaign_sample_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} {self.period_label}"

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def ordered_versions(self) -> list[InstrumentVersion]:
        """The campaign's instrument versions in form order (use the prefetch when present)."""
        links = sorted(self.instrument_links.all(), key=lambda link: link.position)
        return [link.instrument_version for link in links]


class CampaignInstrument(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="instrument_links"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="campaign_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "instrument_version"], name="surveys_campaign_instrument_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.instrument_version_id}"


class CampaignService(models.Model):
    """A service type surveyed in a campaign, with its estimated users and sample target."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    population = models.PositiveIntegerField(_("estimated service users"))
    sample_target = models.PositiveIntegerField(_("sample target"))

    class Meta:
        ordering = ["service_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "service_type"], name="surveys_campaign_service_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.service_type}"

    def compute_target(self) -> int:
        return sample_size(
            self.population,
            method=self.campaign.sample_method,  # type: ignore[arg-type]
            margin=self.campaign.margin,
        )


class LkeFeedPin(models.Model):
    """The unit's sheet for `year` is submitted: which campaign feeds its LKE may not change.

    Written by the assessments app (zona.surveys.services.survey_feed_pin) inside the sheet's
    submission and removed when a return reopens B.I.a/B.II.a. See docs/surveys.md.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    # measure ("ipak", "ipkp") -> id of the campaign that fed it when pinned (or None): while
    # pinned, no other round becomes the source, not even by the latest-round fallback.
    sources = models.JSONField(default=dict, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pinned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LKE source pin")
        verbose_name_plural = _("LKE source pins")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="surveys_lke_pin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"


class Kiosk(models.Model):
    """A tablet registered by a manager at a named place, with its own secret link.

    Its responses are paced by the server (zona.surveys.throttle.kiosk_pace) and counted here,
    never marked on the response itself. Closing it retires its link.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(_("device name"), max_length=80)
    location = models.CharField(_("place"), max_length=160)
    key = models.CharField(max_length=32, unique=True, default=kiosk_key)
    responses = models.PositiveIntegerField(_("responses"), default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
