"""Who may see and change periods, assessments, answers and evidence.

Every view and endpoint fetches these objects through the `access_*_by_id` functions: a
missing object and a forbidden one give the same 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zona.accounts.access import (
    ROLE_PERMS,
    Perm,
    assignment_units,
    assignments_of,
    filter_by_unit_scope,
    lke_areas_for,
    review_tiers_for,
    units_where,
    user_can,
)
from zona.accounts.models import ReviewTier, Unit, User
from zona.assessments.models import (
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceLink,
    EvidenceRevision,
    ImportJob,
    Period,
    PeriodStatus,
)
from zona.assessments.ports import review_gate
from zona.assessments.selectors import deadline_for
from zona.assessments.sheet import ItemSpec
from zona.core.api.params import int_or_none
from zona.core.errors import PermissionDenied, Refusal


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404 from None


# --- periods ---------------------------------------------------------------------------------


def _agency_paths(user: User, perms: set[Perm]) -> list[str] | None:
    """Paths of the agencies where the user holds one of `perms` somewhere; None = all."""
    if user.is_authenticated and user.is_superuser:
        return None
    paths: set[str] = set()
    for a in assignments_of(user):
        if not perms & ROLE_PERMS.get(a.role, frozenset()):
            continue
        if a.unit is not None:
            paths.add(a.unit.path[: Unit.steplen])
            continue
        # A global role: every agency, or (the TPN's) the agencies of the units it covers.
        units = assignment_units(a)
        if units is None:
            continue
        if not units:
            return None
        paths.update(
            Unit.objects.filter(units)
            .annotate(root=Substr("path", 1, Unit.steplen))
            .values_list("root", flat=True)
            .distinct()
        )
    return sorted(paths)


def periods_visible_to(user: User) -> QuerySet[Period]:
    """Periods of every agency in which the user sees assessments or manages periods."""
    paths = _agency_paths(user, {Perm.ASSESSMENT_VIEW, Perm.PERIOD_MANAGE})
    qs = Period.objects.select_related("agency", "framework")
    if paths is None:
        return qs
    return qs.filter(agency__path__in=paths)


def periods_managed_by(user: User) -> QuerySet[Period]:
    return filter_by_unit_scope(
        Period.objects.select_related("agency", "framework"), user, Perm.PERIOD_MANAGE, "agency"
    )


def access_period_by_id(
    user: User, period_id: object, *, perm: Perm = Perm.PERIOD_MANAGE
) -> Period:
    try:
        period = Period.objects.select_related("agency", "framework").get(pk=_int(period_id))
    except Period.DoesNotExist:
        raise Http404 from None
    if perm == Perm.ASSESSMENT_VIEW:
        if not periods_visible_to(user).filter(pk=period.pk).exists():
            raise Http404
    elif not user_can(user, perm, period.agency):
        raise Http404
    return period


# --- assessments -----------------------------------------------------------------------------


def assessments_visible_to(user: User, perm: Perm = Perm.ASSESSMENT_VIEW) -> QuerySet[Assessment]:
    return filter_by_unit_scope(
        Assessment.objects.select_related("period", "period__framework", "unit"), user, perm
    )


def access_assessment_by_id(
    user: User, assessment_id: object, *, perm: Perm = Perm.ASSESSMENT_VIEW
) -> Assessment:
    try:
        assessment = Assessment.objects.select_related(
            "period", "period__framework", "period__agency", "unit"
        ).get(pk=_int(assessment_id))
    except Assessment.DoesNotExist:
        raise Http404 from None
    if not user_can(user, perm, assessment.unit):
        raise Http404
    return assessment


def assessment_tasks_for(user: User) -> QuerySet[Assessment]:
    """Sheets waiting for this user in open periods: drafts and returned sheets of units
    where they may edit, submitted sheets of units they review."""
    work = assessments_visible_to(user, Perm.ASSESSMENT_EDIT).filter(
        status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED]
    )
    review = assessments_visible_to(user, Perm.ASSESSMENT_REVIEW).filter(
        status=AssessmentStatus.SUBMITTED
    )
    return (work | review).filter(period__status=PeriodStatus.OPEN)


@dataclass(frozen=True)
class SheetRights:
    """What one user may do on one assessment, worked out once per request."""

    can_edit: bool
    # LKE areas the user may edit; None = all. Empty = none.
    areas: frozenset[str] | None
    can_submit: bool
    can_assign: bool
    can_edit_evidence: bool
    review_tiers: tuple[ReviewTier, ...]

    def may_edit_area(self, area: str | None) -> bool:
        return self.can_edit and (self.areas is None or area in self.areas)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.review_tiers)

    def review_tier(self, code: str | None = None) -> ReviewTier | None:
        """The tier whose layer the user works in: the one named, else their first (None
        when they do not review this unit in it)."""
        return pick_review_tier(self.review_tiers, code)


# --- review tiers ----------------------------------------------------------------------------


def pick_review_tier(
    tiers: Sequence[ReviewTier], wanted: str | ReviewTier | None
) -> ReviewTier | None:
    """Among a reviewer's tiers (lowest rank first): the one `wanted` names by its code or is
    itself, else their first when nothing is wanted; None when the reviewer has no such tier.

    A code names a tier only among the user's own tiers of this unit (an agency's tier and
    the national one may share a code elsewhere), so every lookup goes through here.
    """
    if wanted is None:
        return tiers[0] if tiers else None
    if isinstance(wanted, ReviewTier):
        return next((t for t in tiers if t.pk == wanted.pk), None)
    return next((t for t in tiers if t.code == wanted), None)


def reviewer_tier(user: User, unit: Unit, wanted: str | ReviewTier | None) -> ReviewTier:
    """The review tier `wanted` (by code or itself; None: the first) in which `user` reviews
    `unit`; PermissionDenied when they do not review it in that tier."""
    tier = pick_review_tier(review_tiers_for(user, unit), wanted)
    if tier is None:
        raise PermissionDenied(_("You do not review this unit in that tier."))
    return tier


def review_tier_code_known(unit: Unit, code: str) -> bool:
    """Whether `code` names a review tier that could answer this unit's sheet (its agency's
    or a national one), so an address naming a layer not yet answered is no typo."""
    return ReviewTier.objects.filter(
        Q(agency__isnull=True) | Q(agency__path=unit.agency_path), code=code
    ).exists()


def sheet_rights(user: User, assessment: Assessment) -> SheetRights:
    unit = assessment.unit
    can_edit = user_can(user, Perm.ASSESSMENT_EDIT, unit)
    return SheetRights(
        can_edit=can_edit,
        areas=lke_areas_for(user, unit) if can_edit else frozenset(),
        can_submit=user_can(user, Perm.ASSESSMENT_SUBMIT, unit),
        can_assign=user_can(user, Perm.ASSESSMENT_ASSIGN, unit),
        can_edit_evidence=user_can(user, Perm.EVIDENCE_EDIT, unit),
        review_tiers=tuple(review_tiers_for(user, unit)),
    )


def sheet_lock_reason(assessment: Assessment) -> Refusal | None:
    """Why the unit layer is read-only for everyone right now, or None."""
    if assessment.period.status == PeriodStatus.CLOSED:
        return Refusal(
            "period_closed", _("The period is closed; the sheet can no longer be changed.")
        )
    if assessment.status == AssessmentStatus.SUBMITTED:
        return Refusal(
            "submitted",
            _("The sheet was submitted. It stays read-only until a reviewer returns items."),
        )
    return None


def unit_item_lock_reason(
    rights: SheetRights, assessment: Assessment, item: ItemSpec
) -> Refusal | None:
    """Why this user may not change this item of the unit layer, or None if they may."""
    if not rights.can_edit:
        return Refusal("view_only", _("You can view this sheet but not change it."))
    if not rights.may_edit_area(item.area):
        return Refusal(
            "other_area",
            _("This item belongs to area %(area)s, which is assigned to other members.")
            % {"area": item.area},
        )
    reason = sheet_lock_reason(assessment)
    if reason:
        return reason
    if not assessment.item_reopened(item.code):
        return Refusal("not_returned", _("Only the items the reviewer returned can be changed."))
    return None


def review_lock_reason(
    assessment: Assessment, tier: ReviewTier, *, today: dt.date | None = None
) -> Refusal | None:
    """Why the layer of `tier` cannot be changed now (for anyone), or None.

    Reviewers answer while the sheet is submitted: not before the unit submits, and not while
    it is back with the unit for revision. The review deadline of the unit's tree level binds
    the agency's own tiers; a national tier (TPN) evaluates after the agency's review, so the
    agency's deadline does not apply to it: the review gate says when its layer is open (the
    national stage: while the nomination is at desk evaluation). A closed period locks every
    layer.
    """
    if assessment.period.status == PeriodStatus.CLOSED:
        return Refusal(
            "period_closed", _("The period is closed; the sheet can no longer be changed.")
        )
    if assessment.status == AssessmentStatus.DRAFT:
        return Refusal(
            "not_submitted", _("Reviewers answer once the unit has submitted its sheet.")
        )
    if assessment.status == AssessmentStatus.RETURNED:
        return Refusal(
            "returned",
            _(
                "The sheet is back with the unit for revision; reviewers answer again once the "
                "unit resubmits it."
            ),
        )
    gate = review_gate()
    if tier.agency_id is None:
        # A national tier answers on the national stage's terms (the national app's gate:
        # while the sheet's nomination is at desk evaluation), chain or no chain.
        return gate.layer_lock(assessment, tier, today or timezone.localdate())
    chained = gate.governs(assessment)
    if chained:
        # The chain decides: the tier's review must be open and within its own window.
        return gate.layer_lock(assessment, tier, today or timezone.localdate())
    if tier.agency_id is not None:
        deadline = deadline_for(assessment.period, assessment.unit.depth)
        due = deadline.review_deadline if deadline else None
        if due is not None and (today or timezone.localdate()) > due:
            return Refusal(
                "review_deadline_passed",
                _(
                    "The review deadline for this level was %(date)s; ask your agency "
                    "administrator to extend it."
                )
                % {"date": date_format(due, "j F Y")},
            )
    return None


# --- evidence --------------------------------------------------------------------------------


def evidence_visible_to(user: User, perm: Perm = Perm.ASSESSMENT_VIEW) -> QuerySet[Evidence]:
    return filter_by_unit_scope(Evidence.objects.select_related("unit"), user, perm)


def access_evidence_by_id(
    user: User, evidence_id: object, *, perm: Perm = Perm.ASSESSMENT_VIEW
) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("unit", "current_revision").get(
            pk=_int(evidence_id)
        )
    except Evidence.DoesNotExist:
        raise Http404 from None
    if not user_can(user, perm, evidence.unit):
        raise Http404
    return evidence


def access_evidence_revision_by_id(user: User, revision_id: object) -> EvidenceRevision:
    try:
        revision = EvidenceRevision.objects.select_related("evidence", "evidence__unit").get(
            pk=_int(revision_id)
        )
    except EvidenceRevision.DoesNotExist:
        raise Http404 from None
    if not user_can(user, Perm.ASSESSMENT_VIEW, revision.evidence.unit):
        raise Http404
    return revision


def access_evidence_link_by_id(user: User, assessment_id: object, link_id: object) -> EvidenceLink:
    """A link (active or detached) of a sheet the user may see; else 404."""
    assessment = access_assessment_by_id(user, assessment_id)
    link = EvidenceLink.objects.filter(pk=_int(link_id), assessment=assessment).first()
    if link is None:
        raise Http404
    link.assessment = assessment  # the one fetched above, with its unit and period
    return link


def access_import_job_by_id(user: User, assessment: Assessment, job_id: object) -> ImportJob:
    """An import of an already-authorised sheet, its data left behind; else 404.

    Only the person who started an import follows it (the same 404 as a missing job).
    """
    job = (
        ImportJob.objects.defer("data")
        .filter(pk=_int(job_id), assessment=assessment, created_by=user)
        .first()
    )
    if job is None:
        raise Http404
    return job


def units_of_agency_by_ids(agency: Unit, ids: Sequence[object]) -> dict[int, Unit]:
    """The units (by id) among `ids` that lie in the agency's tree; others are left out."""
    wanted = [i for i in map(int_or_none, ids) if i is not None]
    return {u.pk: u for u in Unit.objects.filter(pk__in=wanted, path__startswith=agency.path)}


def units_for_evidence(user: User) -> QuerySet[Unit]:
    """Units whose evidence library the user may change (for the library's unit picker)."""
    return units_where(user, Perm.EVIDENCE_EDIT).order_by("path")
