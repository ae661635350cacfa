"""After the predicate (issue 11 §4): who monitors a predicate, the monitoring rounds, and
the revocation of a predicate.

- `MonitorAssignment`: per agency and predicate kind, the unit that monitors (by default
  WBBM: the agency's TPI, the Inspectorate; WBK: an echelon-I compliance unit), optionally
  a review team and named people. The agency administrator sets it.
- `MonitoringRound`: one round of monitoring of a held predicate, due every
  NationalSettings.monitoring_cycle_months after the decree: scheduled -> in_progress ->
  concluded (tables/monitoring.py), with the unit's sheet it re-scored (a snapshot of the
  stored score, verdict and survey indices), the findings, the follow-up and the outcome.
- `Revocation`: why and when a predicate was revoked (tables/predicate.py, action
  `revoke`); the predicate's `blocked_until` says until when the unit may not be proposed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zona.national.models.core import Predicate, PredicateKind

__all__ = [
    "MonitorAssignment",
    "MonitoringOutcome",
    "MonitoringRound",
    "MonitoringStatus",
    "Revocation",
    "RevocationSource",
]


class MonitorAssignment(models.Model):
    """Who monitors the predicates of one kind held by the units of an agency."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="monitor_assignments",
        verbose_name=_("agency"),
    )
    kind = models.CharField(_("predicate"), max_length=8, choices=PredicateKind.choices)
    monitor_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="monitoring_duties",
        verbose_name=_("monitoring unit"),
    )
    team = models.ForeignKey(
        "workflow.ReviewTeam",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("review team"),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("monitors")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monitor assignment")
        verbose_name_plural = _("monitor assignments")
        ordering = ["agency_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="national_monitor_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind} -> {self.monitor_unit_id}"


class MonitoringStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("monitoring", "Scheduled")
    IN_PROGRESS = "in_progress", pgettext_lazy("monitoring", "In progress")
    CONCLUDED = "concluded", pgettext_lazy("monitoring", "Concluded")


class MonitoringOutcome(models.TextChoices):
    MAINTAINED = "maintained", _("Predicate maintained")
    WARNING = "warning", pgettext_lazy("monitoring outcome", "Warning")
    RECOMMEND_REVOCATION = "recommend_revocation", _("Revocation recommended")


class MonitoringRound(models.Model):
    """One monitoring round of a held predicate."""

    predicate = models.ForeignKey(
        Predicate,
        on_delete=models.CASCADE,
        related_name="monitoring_rounds",
        verbose_name=_("predicate"),
    )
    # The predicate unit's agency (root), for the agency's lists without a tree walk.
    agency = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    due_on = models.DateField(_("due on"))
    # The unit that monitors (from the assignment when the round was created).
    monitor = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoring unit"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MonitoringStatus.choices,
        default=MonitoringStatus.SCHEDULED,
    )
    # The unit's sheet of the current period the monitor re-scored it on, and what it showed
    # when linked (stored score, verdict, survey indices): kept even if the sheet moves on.
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sheet"),
    )
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=MonitoringOutcome.choices, blank=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["predicate", "due_on"], name="national_monitoring_unique_due"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.predicate_id} due {self.due_on} {self.status}"


class RevocationSource(models.TextChoices):
    MEDIA = "media", _("Media report")
    PUBLIC_REPORT = "public_report", _("Public report (complaint)")
    MONITORING = "monitoring", _("Monitoring")


class Revocation(models.Model):
    """Why and when a predicate was revoked (one per predicate)."""

    predicate = models.OneToOneField(
        Predicate, on_delete=models.CASCADE, related_name="revocation", verbose_name=_("predicate")
    )
    # A code of data/program.yaml `revocation_grounds`.
    grounds = models.CharField(_("grounds"), max_length=40)
    grounds_note = models.TextField(_("explanation"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=RevocationSource.choices)
    source_reference = models.CharField(_("source reference"), max_length=300, blank=True)
    monitoring_round = models.ForeignKey(
        MonitoringRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revocations",
        verbose_name=_("monitoring round"),
    )
    # The TPN's confirmation with the TPI: who at the TPI confirmed, and when.
    confirmed_by = models.CharField(_("confirmed by (TPI)"), max_length=200)
    confirmed_on = models.DateField(_("confirmed on"))
    decided_on = models.DateField(_("decision date"))
    blocked_until = models.DateField(_("blocked until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.predicate_id} revoked {self.decided_on}"
