"""Review tiers an agency defines."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max, Min, ProtectedError, Q
from django.utils.translation import gettext as _

from zona.accounts.access import (
    Perm,
    is_system_admin,
    user_can,
)
from zona.accounts.models import (
    ReviewTier,
    RoleAssignment,
    Unit,
    User,
)
from zona.accounts.services._common import as_changes, raise_if
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed

TIER_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _check_tier_rights(actor: User, agency: Unit | None) -> None:
    if agency is None:
        if not is_system_admin(actor):
            raise PermissionDenied(_("Only a system administrator manages national review tiers."))
    elif not agency.is_agency or not user_can(actor, Perm.UNIT_MANAGE, agency):
        raise PermissionDenied(_("You cannot manage the review tiers of this agency."))


def _tier_problems(
    *, agency: Unit | None, code: str, name: str, rank: int, exclude_pk: int | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    if not code or len(code) > 32 or not TIER_CODE_RE.match(code):
        problems.append(
            Problem(
                "invalid_code",
                _("A tier code has up to 32 lower-case letters, digits, dashes or underscores."),
                "code",
            )
        )
    else:
        # An agency tier's code is unique within the agency and among the national tiers;
        # a national tier's code is unique among all tiers.
        taken = ReviewTier.objects.filter(code=code)
        if agency is not None:
            taken = taken.filter(Q(agency=agency) | Q(agency__isnull=True))
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            problems.append(
                Problem(
                    "duplicate_code",
                    _("This code is already used by this agency's or a national review tier."),
                    "code",
                )
            )
    if not name.strip() or len(name) > 128:
        problems.append(Problem("required", _("Enter a name of at most 128 characters."), "name"))
    if not 1 <= rank <= 1000:
        problems.append(Problem("invalid_rank", _("The rank is a number from 1 to 1000."), "rank"))
    else:
        problems.extend(_rank_problems(agency=agency, rank=rank, exclude_pk=exclude_pk))
    return problems


def _rank_problems(*, agency: Unit | None, rank: int, exclude_pk: int | None) -> list[Problem]:
    """The national layer is the last word: every agency tier ranks below every national one."""
    if agency is not None:
        national = ReviewTier.objects.filter(agency__isnull=True)
        if exclude_pk is not None:
            national = national.exclude(pk=exclude_pk)
        lowest = national.aggregate(m=Min("rank"))["m"]
        if lowest is not None and rank >= lowest:
            return [
                Problem(
                    "rank_not_below_national",
                    _("An agency tier must rank below the national tiers (below %(rank)s).")
                    % {"rank": lowest},
                    "rank",
                )
            ]
        return []
    agency_tiers = ReviewTier.objects.filter(agency__isnull=False)
    if exclude_pk is not None:
        agency_tiers = agency_tiers.exclude(pk=exclude_pk)
    highest = agency_tiers.aggregate(m=Max("rank"))["m"]
    if highest is not None and rank <= highest:
        return [
            Problem(
                "rank_not_above_agencies",
                _("A national tier must rank above every agency tier (above %(rank)s).")
                % {"rank": highest},
                "rank",
            )
        ]
    return []


def _lock_tiers() -> None:
    """Serialise tier writes: the rules compare a tier with all national and agency tiers."""
    list(ReviewTier.objects.select_for_update().filter(agency__isnull=True).values_list("pk"))


@transaction.atomic
def review_tier_create(
    *, actor: User, agency: Unit | None, code: str, name: str, rank: int
) -> ReviewTier:
    _check_tier_rights(actor, agency)
    code, name = code.strip().lower(), name.strip()
    _lock_tiers()
    raise_if(_tier_problems(agency=agency, code=code, name=name, rank=rank))
    tier = ReviewTier.objects.create(agency=agency, code=code, name=name, rank=rank)
    audit_record(
        actor=actor,
        action="review_tier.created",
        target=tier,
        unit=agency,
        details={"code": code, "name": name, "rank": rank},
    )
    return tier


@transaction.atomic
def review_tier_update(
    *, actor: User, tier: ReviewTier, code: str, name: str, rank: int
) -> ReviewTier:
    tier = ReviewTier.objects.select_for_update().get(pk=tier.pk)
    _check_tier_rights(actor, tier.agency)
    code, name = code.strip().lower(), name.strip()
    _lock_tiers()
    raise_if(
        _tier_problems(agency=tier.agency, code=code, name=name, rank=rank, exclude_pk=tier.pk)
    )
    new = {"code": code, "name": name, "rank": rank}
    changes = {f: [getattr(tier, f), v] for f, v in new.items() if getattr(tier, f) != v}
    if changes:
        for field, (_old, value) in changes.items():
            setattr(tier, field, value)
        tier.save(update_fields=list(changes))
        audit_record(
            actor=actor,
            action="review_tier.updated",
            target=tier,
            unit=tier.agency,
            details=as_changes(changes),
        )
    return tier


@transaction.atomic
def review_tier_delete(*, actor: User, tier: ReviewTier) -> None:
    _check_tier_rights(actor, tier.agency)
    if RoleAssignment.objects.filter(review_tier=tier).exists():
        raise ValidationFailed(
            _("Reviewers are still assigned to this tier; revoke their roles first.")
        )
    details = {"code": tier.code, "name": tier.name, "rank": tier.rank}
    audit_record(
        actor=actor, action="review_tier.deleted", target=tier, unit=tier.agency, details=details
    )
    try:
        tier.delete()
    except ProtectedError:
        raise ValidationFailed(_("This tier is in use by reviews and cannot be deleted.")) from None
