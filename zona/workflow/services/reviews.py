"""Tier after tier (the reviews workstream fills this module; the signatures below are the
contract the sheet workstream calls)."""

from __future__ import annotations

from typing import Any

from zona.core.errors import Refusal


def reviews_layer_lock(assessment: Any, tier: Any, today: Any) -> Refusal | None:
    """Why the layer of `tier` on this sheet cannot change now (its review is not open ...)."""
    return None


def on_sheet_submitted(*, assessment: Any, actor: Any, now: Any, resubmission: bool) -> None:
    """Called by the sheet's `submit` effect, in its transaction, on the locked sheet: create
    the sheet's tier reviews from its chain (first submission) and open the first, or reopen
    the review that returned it (resubmission)."""
    return


def on_sheet_returned(*, assessment: Any, review: Any, actor: Any, now: Any) -> None:
    """Called by the sheet's `return` effect, in its transaction: `review` (the holding tier's
    TierReview, None for a sheet without chain) moves to `returned`."""
    return
