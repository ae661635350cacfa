"""Who reads and who writes each document (the same 404 for missing and forbidden).

- An LHE is issued (numbered, signatories set, signed copy uploaded) by the reviewers of its
  tier on the sheet's unit and by the agency's administrators; everyone who may view the
  sheet reads it once issued (the unit included), nobody else.
- The unit profile is read by everyone who may view the sheet.
- The SKM report is read by everyone who may view the round's surveys; its follow-up plan
  is written by those who manage the unit's surveys (the unit's operator and head).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from zona.accounts.access import AnyUser, Perm, review_tiers_for, user_can
from zona.accounts.models import ReviewTier
from zona.assessments.models import AnswerLayer, Assessment
from zona.insight.models_documents import Lhe
from zona.workflow.models import TierReview


def lhe_tiers(assessment: Assessment) -> list[ReviewTier]:
    """The tiers that reviewed the sheet (a layer of answers or a review), lowest rank first."""
    layer_tiers = (
        AnswerLayer.objects.filter(assessment=assessment, tier__isnull=False)
        .order_by()
        .values("tier_id")
    )
    review_tiers = TierReview.objects.filter(assessment=assessment).order_by().values("tier_id")
    return list(
        ReviewTier.objects.filter(Q(pk__in=layer_tiers) | Q(pk__in=review_tiers)).order_by(
            "rank", "pk"
        )
    )


def can_issue_lhe(user: AnyUser, assessment: Assessment, tier: ReviewTier) -> bool:
    unit = assessment.unit
    if user_can(user, Perm.PERIOD_MANAGE, unit):
        # Agency administrators (and system administrators): period managers of the agency.
        return True
    return any(t.pk == tier.pk for t in review_tiers_for(user, unit))


def access_lhe_tier(user: AnyUser, assessment: Assessment, tier_id: object) -> ReviewTier:
    """One of the tiers that reviewed the sheet (the caller has checked the sheet), or 404."""
    try:
        pk = int(tier_id)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    tier = next((t for t in lhe_tiers(assessment) if t.pk == pk), None)
    if tier is None:
        raise Http404
    return tier


def access_lhe(user: AnyUser, assessment: Assessment, tier: ReviewTier) -> Lhe:
    """The issued LHE of the tier on the sheet, for a reader of the sheet; else 404."""
    lhe = (
        Lhe.objects.select_related("tier", "agency", "issued_by", "signed_by")
        .filter(assessment=assessment, tier=tier)
        .first()
    )
    if lhe is None:
        raise Http404
    return lhe
