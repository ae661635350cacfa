"""The national stage's backbone (issue 11): the rules per year, candidates, the proposal to
the TPN, each unit's nomination, and the predicate register.

Each part adds its own records in its own module (declaration and pacts, the proposal's
package, the TPN's stage records, monitoring and revocation); these are the ones every part
reads.

- `ProgramYear`: the national administrator's rules for one year (proposal deadline, appeal
  and follow-up windows). A year without a row uses `data/program.yaml`.
- `NationalSettings`: the rules that are not per year (revocation block, monitoring cycle,
  whether the register is public). One row.
- `Candidacy`: the echelon-I head designates a unit as a candidate for a year; only a
  candidate may be proposed.
- `Proposal`: the agency's proposal letter to the TPN for a year, listing its units.
- `Nomination`: one proposed unit (its sheet and target) once the proposal is submitted;
  the TPN moves it through its stages (tables/nomination.py).
- `Predicate`: a WBK or WBBM a unit holds (or held: revoked), with its decree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "Candidacy",
    "CandidacyStatus",
    "NationalSettings",
    "Nomination",
    "NominationStatus",
    "Predicate",
    "PredicateKind",
    "PredicateStatus",
    "ProgramYear",
    "Proposal",
    "ProposalStatus",
]


class ProgramYear(models.Model):
    """The national administrator's rules for one year of the program."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    proposal_deadline = models.DateField(_("proposal deadline"))
    appeal_window_days = models.PositiveSmallIntegerField(_("appeal window (days)"))
    follow_up_days = models.PositiveSmallIntegerField(_("follow-up window (days)"))
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("program year")
        verbose_name_plural = _("program years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class NationalSettings(models.Model):
    """The national rules that are not per year. One row (pk 1)."""

    revocation_block_months = models.PositiveSmallIntegerField(_("block after revocation (months)"))
    monitoring_cycle_months = models.PositiveSmallIntegerField(_("monitoring cycle (months)"))
    public_registry = models.BooleanField(_("public predicate register"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("national settings")
        verbose_name_plural = _("national settings")

    def __str__(self) -> str:
        return "national settings"


class PredicateKind(models.TextChoices):
    WBK = "WBK", "WBK"
    WBBM = "WBBM", "WBBM"


class CandidacyStatus(models.TextChoices):
    DESIGNATED = "designated", pgettext_lazy("candidacy", "Designated")
    WITHDRAWN = "withdrawn", pgettext_lazy("candidacy", "Withdrawn")


class Candidacy(models.Model):
    """A unit designated by its echelon-I head as a candidate for one year."""

    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="candidacies",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.CharField(_("target predicate"), max_length=8, choices=PredicateKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CandidacyStatus.choices,
        default=CandidacyStatus.DESIGNATED,
    )
    note = models.TextField(_("note"), blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    designated_at = models.DateTimeField(_("designated at"))

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="national_candidacy_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposal", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted to the TPN")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal", "Withdrawn")


class Proposal(models.Model):
    """An agency's proposal to the TPN for one year (the letter and its units)."""

    agency = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.ForeignKey(
        "assessments.Period",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("period"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    letter_number = models.CharField(_("letter number"), max_length=100, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_nip = models.CharField(_("NIP"), max_length=30, blank=True)
    signer_title = models.CharField(_("signer's position"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-year", "agency__path", "-pk"]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}#{self.pk}"


class NominationStatus(models.TextChoices):
    """The TPN's stages (tables/nomination.py has the lifecycle)."""

    ADMIN = "admin", _("Administrative selection")
    FOLLOW_UP = "follow_up", _("Passed with notes: follow-up")
    FAILED = "failed", _("Did not pass the administrative selection")
    APPEAL = "appeal", _("Appeal under consideration")
    DESK = "desk", _("Desk evaluation")
    FIELD = "field", _("Field evaluation")
    CLEARANCE = "clearance", _("Clearance (KPK and Ombudsman)")
    DETERMINATION = "determination", _("Determination")
    AWARDED = "awarded", _("Predicate awarded")
    NOT_AWARDED = "not_awarded", _("No predicate")
    ENDED = "ended", pgettext_lazy("nomination", "Ended")


class Nomination(models.Model):
    """One unit proposed to the TPN (from a submitted proposal), on its way through the
    TPN's stages. Its sheet is the one the TPI reviewed; the TPN's desk evaluation is the
    TPN tier's layer on that sheet."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("proposal")
    )
    assessment = models.OneToOneField(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        related_name="nomination",
        verbose_name=_("assessment"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.CharField(_("target predicate"), max_length=8, choices=PredicateKind.choices)
    status = models.CharField(
        _("stage"),
        max_length=16,
        choices=NominationStatus.choices,
        default=NominationStatus.ADMIN,
    )
    # Sampling mode: None when the agency's nominations are all evaluated; True/False when
    # the TPN evaluates a sample of them (see the TPN part's sampling plan).
    sampled = models.BooleanField(_("in the sample"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-year", "unit__path"]
        indexes = [
            models.Index(fields=["year", "status"]),
            models.Index(fields=["unit", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year} {self.target} {self.status}"


class PredicateStatus(models.TextChoices):
    HELD = "held", pgettext_lazy("predicate", "Held")
    REVOKED = "revoked", pgettext_lazy("predicate", "Revoked")


class Predicate(models.Model):
    """A predicate in the register: the unit, the kind, the year, the decree."""

    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="predicates", verbose_name=_("unit")
    )
    kind = models.CharField(_("predicate"), max_length=8, choices=PredicateKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    decree_number = models.CharField(_("decree number"), max_length=120)
    decree_date = models.DateField(_("decree date"))
    status = models.CharField(
        _("status"), max_length=10, choices=PredicateStatus.choices, default=PredicateStatus.HELD
    )
    nomination = models.OneToOneField(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predicate",
        verbose_name=_("nomination"),
    )
    # Set when revoked: the unit may not be proposed again before this day.
    blocked_until = models.DateField(_("blocked until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("predicate")
        verbose_name_plural = _("predicates")
        ordering = ["-year", "unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "year"], name="national_predicate_unique_kind_year"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.unit_id}"
