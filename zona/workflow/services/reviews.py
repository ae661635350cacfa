"""Placeholder: filled in by the reviews workstream (tier after tier)."""

from __future__ import annotations

from typing import Any

from zona.core.errors import Refusal


def reviews_layer_lock(assessment: Any, tier: Any, today: Any) -> Refusal | None:
    """Why the layer of `tier` on this sheet cannot change now (its review is not open ...)."""
    return None
