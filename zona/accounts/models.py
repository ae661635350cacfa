"""Users, the organisation tree and role assignments."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    # Roots of the tree: the agencies (instansi).
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", pgettext_lazy("unit kind", "Agency")  # a lembaga, beside ministries
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency")
    CITY = "city", _("City")
    # Below an agency.
    ECHELON_I = "echelon_i", _("Echelon I unit")
    REGIONAL_OFFICE = "regional_office", _("Regional office")
    ECHELON_II = "echelon_ii", _("Echelon II unit")
    SATKER = "satker", _("Work unit (satker)")
    OTHER = "other", _("Other unit")


AGENCY_KINDS = frozenset(
    {UnitKind.MINISTRY, UnitKind.AGENCY, UnitKind.PROVINCE, UnitKind.REGENCY, UnitKind.CITY}
)


class Unit(MP_Node):
    """A node of an agency's tree. Roots are agencies; any depth below.

    Materialised path (django-treebeard): a subtree is `path LIKE 'prefix%'`, one indexed
    query, never a walk in Python.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind)
    echelon = models.PositiveSmallIntegerField(_("echelon level"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Only meaningful on agency roots: reviewers of this agency must use TOTP.
    mfa_required_for_reviewers = models.BooleanField(_("MFA required for reviewers"), default=False)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.depth == 1

    @property
    def agency_path(self) -> str:
        return self.path[: self.steplen]

    def get_agency(self) -> Unit:
        if self.is_agency:
            return self
        return Unit.objects.get(path=self.agency_path)

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)


class ServiceType(models.Model):
    """A public service a unit delivers (jenis layanan); surveys are reported per service."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="service_types")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="uniq_service_type_code"),
        ]
        ordering = ["unit_id", "name"]

    def __str__(self) -> str:
        return self.name


class ReviewTier(models.Model):
    """A review layer an agency defines (regional office, echelon I, TPM, TPI ...).

    `rank` orders the layers: a higher rank is a later, more authoritative review. The
    effective score takes, per item, the answer of the highest-ranked tier that answered.
    A tier without agency is national (TPN).
    """

    agency = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="review_tiers", null=True, blank=True
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=128)
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("review tier")
        verbose_name_plural = _("review tiers")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="uniq_review_tier_code"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    nip = models.CharField(_("employee number (NIP)"), max_length=32, blank=True)
    # The unit that owns the account: admins whose scope covers it manage it.
    home_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="accounts",
        null=True,
        blank=True,
        verbose_name=_("home unit"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    UNIT_OPERATOR = "unit_operator", _("Unit operator")
    WORKING_GROUP = "working_group", _("Working-group member")
    UNIT_HEAD = "unit_head", _("Unit head")
    REVIEWER = "reviewer", _("Reviewer")
    NATIONAL_EVALUATOR = "national_evaluator", _("National evaluator (TPN)")
    VIEWER = "viewer", _("Viewer")


# Roles whose scope may be "everything" (unit left empty).
GLOBAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.NATIONAL_EVALUATOR})


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    covers_subtree = models.BooleanField(_("covers sub-units"), default=False)
    review_tier = models.ForeignKey(
        ReviewTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("review tier"),
    )
    lke_areas = models.JSONField(_("LKE areas"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "review_tier"], name="uniq_role_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '*'}"
