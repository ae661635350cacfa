"""Running totals the results, the exports' summaries and the LKE read instead of scanning
every answer (issue 12 §7). See docs/surveys.md, "Running totals".

A response is written with `tallied = False`; the worker folds such responses into these
rows in batches (zona.surveys.services.tallies) and marks them tallied in the same
transaction. Readers add the responses not folded yet (a partial index finds them), so a
figure is exact whether or not the worker has run. Whatever changes a tallied response's
inclusion (excluding, restoring) moves these rows in its own transaction.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import ServiceType
from zona.surveys.models.campaigns import Campaign
from zona.surveys.models.instruments import InstrumentVersion


class ItemTally(models.Model):
    """One item of one instrument version for one service of a campaign: the sum of its
    counted answers and how many counted answers it has."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    item = models.PositiveSmallIntegerField()
    total = models.BigIntegerField(default=0)
    answered = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("item tally")
        verbose_name_plural = _("item tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "instrument_version", "service_type", "item"],
                name="surveys_itemtally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.instrument_version_id} · {self.item}"


class BandTally(models.Model):
    """Like ItemTally, per respondent-profile band (field, band code) instead of service;
    only responses that gave the band count here."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(max_length=16)
    band = models.CharField(max_length=16)
    item = models.PositiveSmallIntegerField()
    total = models.BigIntegerField(default=0)
    answered = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("band tally")
        verbose_name_plural = _("band tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "instrument_version", "field", "band", "item"],
                name="surveys_bandtally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.field}={self.band} · {self.item}"


class ResponseTally(models.Model):
    """How many responses of a campaign share a service, channel, flag, exclusion and
    profile bands: every count of responses the pages show is a sum of these rows."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8)
    flagged = models.BooleanField()
    excluded = models.BooleanField()
    age_group = models.CharField(max_length=16)
    sex = models.CharField(max_length=16)
    education = models.CharField(max_length=16)
    occupation = models.CharField(max_length=16)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("response tally")
        verbose_name_plural = _("response tallies")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "campaign",
                    "service_type",
                    "channel",
                    "flagged",
                    "excluded",
                    "age_group",
                    "sex",
                    "education",
                    "occupation",
                ],
                name="surveys_responsetally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.service_type_id} · {self.n}"
