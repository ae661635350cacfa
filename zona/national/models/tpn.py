"""The TPN's records of a nomination's stages (issue 11 §3).

The nomination's stage itself is `Nomination.status` (tables/nomination.py moves it); these
are what each stage leaves behind:

- `NominationStage`: every decision of a stage (date, TPN members, notes), one row per
  transition, so the timeline reads who decided what and when.
- `FollowUpItem`: what an administrative selection "with notes" asks the unit to send
  again (the letter, the SPTJM or the LKE), with the deadline, the unit's upload and the
  TPN's acceptance.
- `NominationAppeal`: the agency's appeal (sanggahan) of a failed selection and the TPN's
  decision on it.
- `FieldEvaluation`: the field evaluation's schedule, mode, interviews, observations and
  findings.
- `Clearance`: the KPK's and the Ombudsman's clearance, one row each.
- `SamplingPlan`: when the TPN evaluates a sample of an agency's nominations of a year
  (which ones is `Nomination.sampled`), how the sample was drawn.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "AppealDecision",
    "Clearance",
    "ClearanceBody",
    "ClearanceResult",
    "FieldEvaluation",
    "FieldMode",
    "FollowUpItem",
    "FollowUpKind",
    "NominationAppeal",
    "NominationStage",
    "SamplingMethod",
    "SamplingPlan",
]


def tpn_upload_to(instance: object, filename: str) -> str:
    # The service chooses the name (tpn/...); a fallback only.
    return f"tpn/{filename}"


class NominationStage(models.Model):
    """One decision in a nomination's stages: the stage it closed, the action, the day, the
    TPN members who took it and their notes."""

    nomination = models.ForeignKey(
        "national.Nomination",
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("nomination"),
    )
    stage = models.CharField(_("stage"), max_length=16)
    action = models.CharField(_("action"), max_length=40)
    held_on = models.DateField(_("date"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("members")
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("stage record")
        verbose_name_plural = _("stage records")
        ordering = ["nomination", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.stage} {self.action} {self.held_on}"


class FollowUpKind(models.TextChoices):
    LETTER = "letter", _("Proposal letter")
    SPTJM = "sptjm", "SPTJM"
    LKE = "lke", "LKE"


class FollowUpItem(models.Model):
    """A document the unit must send again after a selection "with notes"."""

    nomination = models.ForeignKey(
        "national.Nomination",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("nomination"),
    )
    kind = models.CharField(_("document"), max_length=10, choices=FollowUpKind.choices)
    request = models.TextField(_("what to correct"))
    due_on = models.DateField(_("deadline"))
    file = models.FileField(_("file"), upload_to=tpn_upload_to, max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["nomination", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.kind}"

    @property
    def resolved(self) -> bool:
        return self.accepted_at is not None


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", pgettext_lazy("appeal", "Upheld")
    REJECTED = "rejected", pgettext_lazy("appeal", "Rejected")


class NominationAppeal(models.Model):
    """The agency's appeal (sanggahan) of a failed administrative selection."""

    nomination = models.OneToOneField(
        "national.Nomination",
        on_delete=models.CASCADE,
        related_name="appeal",
        verbose_name=_("nomination"),
    )
    reason = models.TextField(_("reason"))
    evidence = models.FileField(
        _("data dukung"), upload_to=tpn_upload_to, max_length=500, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=AppealDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.nomination_id} appeal"


class FieldMode(models.TextChoices):
    VISIT = "visit", _("Site visit")
    ONLINE = "online", _("Online session")


class FieldEvaluation(models.Model):
    """The TPN's field evaluation of one nomination."""

    nomination = models.OneToOneField(
        "national.Nomination",
        on_delete=models.CASCADE,
        related_name="field_evaluation",
        verbose_name=_("nomination"),
    )
    scheduled_on = models.DateField(_("date of the evaluation"))
    mode = models.CharField(_("mode"), max_length=8, choices=FieldMode.choices)
    place = models.CharField(_("place or meeting link"), max_length=500, blank=True)
    interviews = models.TextField(_("interviews"), blank=True)
    observations = models.TextField(_("observations"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    findings_file = models.FileField(
        _("findings file"), upload_to=tpn_upload_to, max_length=500, blank=True
    )
    findings_name = models.CharField(_("file name"), max_length=255, blank=True)
    findings_sha256 = models.CharField(max_length=64, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("field evaluation")
        verbose_name_plural = _("field evaluations")

    def __str__(self) -> str:
        return f"{self.nomination_id} field {self.scheduled_on}"


class ClearanceBody(models.TextChoices):
    KPK = "kpk", "KPK"
    OMBUDSMAN = "ombudsman", "Ombudsman"


class ClearanceResult(models.TextChoices):
    CLEAR = "clear", pgettext_lazy("clearance", "Clear")
    NOT_CLEAR = "not_clear", pgettext_lazy("clearance", "Not clear")


class Clearance(models.Model):
    """The KPK's or the Ombudsman's clearance of a nominated unit."""

    nomination = models.ForeignKey(
        "national.Nomination",
        on_delete=models.CASCADE,
        related_name="clearances",
        verbose_name=_("nomination"),
    )
    body = models.CharField(_("from"), max_length=10, choices=ClearanceBody.choices)
    result = models.CharField(_("result"), max_length=10, choices=ClearanceResult.choices)
    issued_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    document = models.FileField(_("document"), upload_to=tpn_upload_to, max_length=500, blank=True)
    document_name = models.CharField(_("file name"), max_length=255, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")
        ordering = ["nomination", "body"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "body"], name="national_clearance_one_per_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.body} {self.result}"


class SamplingMethod(models.TextChoices):
    MANUAL = "manual", _("Chosen by the TPN")
    RANDOM = "random", _("Random draw")


class SamplingPlan(models.Model):
    """The TPN evaluates a sample of an agency's nominations of one year."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="tpn_sampling_plans",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    method = models.CharField(_("method"), max_length=8, choices=SamplingMethod.choices)
    # The random draw's seed, so anyone can repeat it.
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    size = models.PositiveSmallIntegerField(_("sample size"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["-year", "agency__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], name="national_sampling_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year} {self.method}"
