"""Reads about tier reviews (the reviews workstream extends this module)."""

from __future__ import annotations

from zona.assessments.models import Assessment
from zona.workflow.models import TierReview, TierReviewStatus


def holding_review(assessment: Assessment) -> TierReview | None:
    """The tier review that holds the sheet now: the first of its chain (by position) that
    is open or has returned the sheet to the unit; None when no tier holds it (no chain,
    not yet submitted, or every tier done)."""
    return (
        TierReview.objects.select_related("tier", "step")
        .filter(
            assessment=assessment,
            status__in=[TierReviewStatus.OPEN, TierReviewStatus.RETURNED],
        )
        .order_by("position")
        .first()
    )
