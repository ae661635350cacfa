"""Desk evaluation, survey validation (SHPZI) and assistance (asistensi) on a sheet (issue 10 §5).

Everything here belongs to one sheet and one review tier: the tier whose reviewers held the
session, checked the survey or gave the advice. Statuses change only through the tables in
`zona/workflow/tables/desk.py` (engine.apply).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AssistanceRecord",
    "AssistanceStatus",
    "ConfirmationRequest",
    "DeskAttendee",
    "DeskNote",
    "DeskSession",
    "DeskSessionStatus",
    "DocumentCheck",
    "ReportVerdict",
    "SurveyValidation",
]


class DeskSessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class DeskSession(models.Model):
    """One desk-evaluation meeting with a working group of the unit (an LKE area, or the
    whole sheet when `area` is empty): when, where, who, the agenda, the interview notes per
    item (DeskNote) and the outcome."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="desk_sessions",
        verbose_name=_("assessment"),
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review tier"),
    )
    # The framework's LKE area key (the working group); blank = every area.
    area = models.CharField(_("working group (LKE area)"), max_length=16, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeskSessionStatus, default=DeskSessionStatus.PLANNED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("desk-evaluation session")
        verbose_name_plural = _("desk-evaluation sessions")
        ordering = ["assessment_id", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="workflow_desk_session_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.area or '*'} {self.starts_at:%Y-%m-%d %H:%M}"


class DeskAttendee(models.Model):
    """Someone at a session: an account (reviewer or unit member) or a name typed in."""

    class Side(models.TextChoices):
        REVIEWER = "reviewer", _("Reviewer")
        UNIT = "unit", _("Unit")

    session = models.ForeignKey(DeskSession, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=160)
    side = models.CharField(_("side"), max_length=16, choices=Side)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["session_id", "side", "name"]

    def __str__(self) -> str:
        return self.name


class DeskNote(models.Model):
    """The interview note on one item in a session (reviewers only)."""

    session = models.ForeignKey(DeskSession, on_delete=models.CASCADE, related_name="notes")
    item_code = models.CharField(_("item"), max_length=64)
    note = models.TextField(_("interview note"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interview note")
        verbose_name_plural = _("interview notes")
        ordering = ["session_id", "item_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "item_code"], name="workflow_desk_note_unique_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.item_code}"


# --- survey validation (SHPZI) -----------------------------------------------------------


class ReportVerdict(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    ADEQUATE = "adequate", _("Adequate")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Adequate with notes")
    INADEQUATE = "inadequate", _("Not adequate")


class SurveyValidation(models.Model):
    """One tier's validation of the unit's survey for one sheet, in three parts: the check of
    the survey report, the confirmations of a drawn sample of respondents
    (ConfirmationRequest) and the unit's questionnaire on how it ran the survey."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="survey_validations",
        verbose_name=_("assessment"),
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier", on_delete=models.PROTECT, related_name="+", verbose_name=_("tier")
    )
    # The round whose results went into the LKE (B.I.a / B.II.a) when the validation began.
    campaign = models.ForeignKey(
        "surveys.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey campaign"),
    )
    # Part 1: the reviewer's check of the survey report.
    report_checks = models.JSONField(_("report checklist"), default=dict, blank=True)
    report_verdict = models.CharField(
        _("verdict on the report"),
        max_length=24,
        choices=ReportVerdict,
        default=ReportVerdict.PENDING,
    )
    report_note = models.TextField(_("note on the report"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    # Part 3: the unit's answers to the questionnaire (the data file's version beside them).
    questionnaire_version = models.CharField(max_length=64, blank=True)
    questionnaire_answers = models.JSONField(default=dict, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey validation")
        verbose_name_plural = _("survey validations")
        ordering = ["assessment_id", "tier__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "tier"], name="workflow_survey_validation_unique_tier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}@{self.tier_id}"


def confirmation_token() -> str:
    return secrets.token_urlsafe(24)


class ConfirmationRequest(models.Model):
    """The short confirmation form for one drawn respondent: a single-use link that asks only
    whether they were served by the unit and whether they took part in the survey (never
    what they answered). The link goes by e-mail from the worker (`emailed_at` keeps it to
    one mail) or by hand (WhatsApp, SMS) from the reviewers' list."""

    validation = models.ForeignKey(
        SurveyValidation, on_delete=models.CASCADE, related_name="confirmations"
    )
    call = models.OneToOneField(
        "surveys.ValidationCall", on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=confirmation_token)
    expires_at = models.DateTimeField(_("link valid until"))
    emailed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    was_served = models.BooleanField(_("was served by the unit"), null=True, blank=True)
    took_part = models.BooleanField(_("took part in the survey"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("respondent confirmation")
        verbose_name_plural = _("respondent confirmations")
        ordering = ["validation_id", "call__position"]

    def __str__(self) -> str:
        return f"{self.validation_id}:{self.call_id}"


# --- assistance (asistensi) --------------------------------------------------------------


class DocumentCheck(models.TextChoices):
    OK = "ok", _("Complete")
    INCOMPLETE = "incomplete", _("Incomplete")
    MISSING = "missing", _("Missing")


class AssistanceStatus(models.TextChoices):
    OPEN = "open", _("To follow up")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class AssistanceRecord(models.Model):
    """Assistance on one item: the check of its evidence, the score the item would get
    (simulated with the framework's scoring), the advice, and the unit's follow-up."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="assistance_records",
        verbose_name=_("assessment"),
    )
    tier = models.ForeignKey(
        "accounts.ReviewTier", on_delete=models.PROTECT, related_name="+", verbose_name=_("tier")
    )
    item_code = models.CharField(_("item"), max_length=64)
    document_check = models.CharField(
        _("evidence check"), max_length=16, choices=DocumentCheck, blank=True
    )
    # The answer the item would get once the advice is followed (stored like an answer).
    simulated_answer = models.JSONField(_("simulated answer"), null=True, blank=True)
    advice = models.TextField(_("advice"), blank=True)
    status = models.CharField(
        _("follow-up"), max_length=16, choices=AssistanceStatus, default=AssistanceStatus.OPEN
    )
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        ordering = ["assessment_id", "item_code", "tier_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "tier", "item_code"],
                name="workflow_assistance_unique_item",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "status"])]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.item_code} {self.status}"
