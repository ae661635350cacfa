"""TPI (issue 10 §8): the gates before the TPI may propose a unit, the TPI's two stages on a
sheet, and the TPI panel that records the decision per unit.

- `TpiStepConfig` marks a chain step as the TPI's (the step whose reviews have two stages
  and whose sheets the panel decides on). One per period at most.
- `TpiGate` is one of the agency's gates: *computed* from the TPI tier's view of the stored
  scores (the target predicate's Hasil conditions, or the whole predicate), or *recorded*
  (a fact the TPI records per sheet with its source: audit follow-up 100 %, SAKIP at least
  B, LHKPN/LHKASN compliance). A gate compares a value with its required value; which value
  kind, comparison and required value it uses is data (`data/tpi_gates.yaml` is a starting
  set).
- `TpiGateFact` holds a recorded gate's value on a sheet; `TpiGateOverride` lets a failed
  gate pass with a written reason.
- `TpiStage` keeps where the TPI's review of a sheet is: stage 1 (findings go back to the
  unit), stage 2 (the TPI decides, through the panel), decided.
- `TpiPanel` is a meeting of the TPI (draft → confirmed); `TpiDecision` its decision on one
  sheet (propose to TPN or not, with a reason), final once the panel is confirmed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "GateComparison",
    "GateKind",
    "GateSource",
    "GateValueType",
    "PanelStatus",
    "StageStatus",
    "TpiDecision",
    "TpiGate",
    "TpiGateFact",
    "TpiGateOverride",
    "TpiPanel",
    "TpiStage",
    "TpiStepConfig",
]


class TpiStepConfig(models.Model):
    """Marks a chain step as the TPI's: its reviews have two stages and the panel decides."""

    step = models.OneToOneField(
        "workflow.ChainStep",
        on_delete=models.CASCADE,
        related_name="tpi_config",
        verbose_name=_("step"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("TPI step")
        verbose_name_plural = _("TPI steps")

    def __str__(self) -> str:
        return f"TPI {self.step}"


class GateKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the scores")
    RECORDED = "recorded", _("Recorded by the TPI")


class GateSource(models.TextChoices):
    """What a computed gate reads from the TPI tier's view of the stored scores."""

    NONE = "", _("(recorded)")
    HASIL = "hasil", _("The Hasil conditions of the target predicate")
    PREDICATE = "predicate", _("Every condition of the target predicate")


class GateValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    GRADE = "grade", _("Grade on a scale")
    YES_NO = "yes_no", _("Yes or no")


class GateComparison(models.TextChoices):
    AT_LEAST = "gte", _("at least")
    AT_MOST = "lte", _("at most")
    EQUALS = "eq", _("equal to")


class TpiGate(models.Model):
    """One of the agency's gates before the TPI may propose a unit to TPN."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="tpi_gates",
        verbose_name=_("agency"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=GateKind.choices)
    source = models.CharField(
        _("computed from"), max_length=16, choices=GateSource.choices, blank=True
    )
    value_type = models.CharField(
        _("value"), max_length=8, choices=GateValueType.choices, default=GateValueType.YES_NO
    )
    comparison = models.CharField(
        _("comparison"), max_length=4, choices=GateComparison.choices, default="gte"
    )
    required = models.CharField(_("required value"), max_length=40)
    # A grade gate's scale, best first (e.g. ["AA", "A", "BB", "B", "CC", "C", "D"]).
    scale = models.JSONField(_("scale"), default=list, blank=True)
    # Only sheets aiming at this predicate (empty: every sheet).
    target = models.CharField(_("target predicate"), max_length=16, blank=True)
    # When this gate fails, the later gates are not checked (e.g. Hasil first).
    stops_on_failure = models.BooleanField(_("stop at this gate when it fails"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("TPI gate")
        verbose_name_plural = _("TPI gates")
        ordering = ["agency_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="workflow_tpigate_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


def tpi_upload_to(instance: object, filename: str) -> str:
    # The service chooses the name (tpi/...); a fallback only.
    return f"tpi/{filename}"


class TpiGateFact(models.Model):
    """The value of a recorded gate on one sheet, with its source and evidence."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="tpi_facts",
        verbose_name=_("assessment"),
    )
    gate = models.ForeignKey(
        TpiGate, on_delete=models.CASCADE, related_name="facts", verbose_name=_("gate")
    )
    value = models.CharField(_("value"), max_length=40)
    source = models.TextField(_("source"))
    evidence_file = models.FileField(
        _("evidence file"), upload_to=tpi_upload_to, max_length=500, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("TPI gate fact")
        verbose_name_plural = _("TPI gate facts")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "gate"], name="workflow_tpifact_unique_gate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.gate_id}={self.value}"


class TpiGateOverride(models.Model):
    """A failed gate let through on one sheet, with the reason (audited)."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="tpi_overrides",
        verbose_name=_("assessment"),
    )
    gate = models.ForeignKey(
        TpiGate, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("gate")
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("TPI gate override")
        verbose_name_plural = _("TPI gate overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "gate"], name="workflow_tpioverride_unique_gate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.gate_id} override"


class StageStatus(models.TextChoices):
    FINDINGS = "findings", _("Stage 1: findings to the unit")
    DECIDING = "deciding", _("Stage 2: decision")
    DECIDED = "decided", pgettext_lazy("tpi stage", "Decided")


class TpiStage(models.Model):
    """Where the TPI's review of one sheet is (its lifecycle: tables/tpi.py TPI_STAGE)."""

    review = models.OneToOneField(
        "workflow.TierReview",
        on_delete=models.CASCADE,
        related_name="tpi_stage",
        verbose_name=_("review"),
    )
    status = models.CharField(
        _("stage"), max_length=12, choices=StageStatus.choices, default=StageStatus.FINDINGS
    )
    findings_items = models.JSONField(_("items"), default=list, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    findings_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    findings_at = models.DateTimeField(null=True, blank=True)
    # Whether the findings went back to the unit (False: stage 1 closed without findings).
    returned = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("TPI stage")
        verbose_name_plural = _("TPI stages")

    def __str__(self) -> str:
        return f"{self.review_id} {self.status}"

    @property
    def number(self) -> int:
        return 1 if self.status == StageStatus.FINDINGS else 2


class PanelStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("tpi panel", "Draft")
    CONFIRMED = "confirmed", pgettext_lazy("tpi panel", "Confirmed")


class TpiPanel(models.Model):
    """A meeting of the TPI that decides, per sheet, whether to propose the unit to TPN."""

    period = models.ForeignKey(
        "assessments.Period",
        on_delete=models.CASCADE,
        related_name="tpi_panels",
        verbose_name=_("period"),
    )
    step = models.ForeignKey(
        "workflow.ChainStep", on_delete=models.PROTECT, related_name="+", verbose_name=_("step")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PanelStatus.choices, default=PanelStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
    )
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("members present")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes file"), upload_to=tpi_upload_to, max_length=500, blank=True
    )
    minutes_name = models.CharField(_("file name"), max_length=255, blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("TPI panel")
        verbose_name_plural = _("TPI panels")
        ordering = ["period_id", "-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class TpiDecision(models.Model):
    """The panel's decision on one sheet: propose the unit to TPN or not, with the reason."""

    panel = models.ForeignKey(
        TpiPanel, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("panel")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="tpi_decisions",
        verbose_name=_("assessment"),
    )
    propose = models.BooleanField(_("propose to TPN"))
    reason = models.TextField(_("reason"))
    # The gates as they stood when decided (code -> state), kept with the decision.
    gates = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("TPI decision")
        verbose_name_plural = _("TPI decisions")
        ordering = ["panel_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "assessment"], name="workflow_tpidecision_unique_sheet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.panel_id}:{self.assessment_id} {'propose' if self.propose else 'hold'}"
