"""Survey instruments, campaigns, anonymous responses and the validation of a survey.

Anonymity is a property of the schema, not of the pages: a Response holds no name, national
ID, phone, IP, device token or exact time (only the hour), and its primary key is random so
that its position in a list says nothing about when it came in. The contact a respondent may
leave for verification lives in Contact, which has no relation to Response in either
direction. See docs/surveys.md.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zona.accounts.models import ServiceType, Unit
from zona.surveys.indices import SAMPLE_METHODS, sample_size

if TYPE_CHECKING:
    from zona.surveys.schema import InstrumentDoc


def random_id() -> int:
    # 62 random bits: no order, no time, and a collision among even millions of rows is
    # vanishingly unlikely (the unique primary key would refuse it anyway).
    return secrets.randbits(62) + 1


# No 0/o, 1/l/i: codes are read aloud and typed from paper.
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def short_code(length: int = 8) -> str:
    return "".join(secrets.choice(SHORT_ALPHABET) for _ in range(length))


def kiosk_key() -> str:
    return secrets.token_urlsafe(18)


def contact_token() -> str:
    return secrets.token_urlsafe(12)


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


class Channel(models.TextChoices):
    WEB = "web", _("public link")
    KIOSK = "kiosk", _("kiosk")


class ServedWhen(models.TextChoices):
    TODAY = "today", _("Today")
    WEEK = "week", _("In the last 7 days")
    MONTH = "month", _("In the last 30 days")
    EARLIER = "earlier", _("Earlier")


class Flag(models.TextChoices):
    TOO_FAST = "too_fast", _("answered too fast")
    STRAIGHT_LINE = "straight_line", _("same answer everywhere")
    BURST = "burst", _("burst from one device or network")
    REPEATED = "repeated", _("same answers as several recent responses")


class ResponseQuerySet(models.QuerySet["Response"]):
    def counted(self) -> ResponseQuerySet:
        return self.filter(excluded=False)


class Response(models.Model):
    """One anonymous submission of a campaign's public form (one or more instruments).

    Deliberately absent: any identity, the IP, the device token, the exact time and the
    one-time code used. Answers point at the exact instrument version they answered.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    # Floored to the hour: enough for "over time", too coarse to match a person to a row.
    submitted_hour = models.DateTimeField(_("submitted (hour)"))
    # Generated by the respondent's device per response: a retry or a double click sends the
    # same key and the unique constraint keeps one row.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    served_when = models.CharField(_("served"), max_length=8, choices=ServedWhen)
    # The respondent profile, optional and in coarse bands (codes from zona/surveys/data/).
    age_group = models.CharField(_("age group"), max_length=16, blank=True)
    sex = models.CharField(_("sex"), max_length=16, blank=True)
    education = models.CharField(_("education"), max_length=16, blank=True)
    occupation = models.CharField(_("occupation"), max_length=16, blank=True)
    flags = models.JSONField(_("quality flags"), default=list, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("excluded by"),
    )
    excluded_at = models.DateTimeField(_("excluded at"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(
                fields=["campaign", "service_type", "excluded"], name="surveys_resp_progress"
            ),
            models.Index(
                fields=["campaign"], condition=Q(flagged=True), name="surveys_resp_flagged"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R-{self.pk:016x}"

    def flag_labels(self) -> list[str]:
        labels = dict(Flag.choices)
        return [str(labels.get(flag, flag)) for flag in self.flags]


class Answer(models.Model):
    """One answered item of a response. Skipped items have no row.

    campaign and service type are copied from the response, and `counted` follows its
    exclusion, so every index is one scan of the partial index below, without a join.
    """

    pk = models.CompositePrimaryKey("response", "instrument_version", "item")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="answers"
    )
    # 1-based position of the item in its version (versions never change).
    item = models.PositiveSmallIntegerField()
    value = models.PositiveSmallIntegerField()
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    counted = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(
                fields=["campaign", "instrument_version", "service_type", "item", "value"],
                condition=Q(counted=True),
                name="surveys_answer_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.instrument_version_id} · {self.item}"


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


class CodeBatch(models.Model):
    """One-time codes printed together for a service counter."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="code_batches")
    label = models.CharField(_("label"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("number of codes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"


class OneTimeCode(models.Model):
    """A code that lets one response in. `used` has no time and no link to the response."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="surveys_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


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


def floor_to_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
