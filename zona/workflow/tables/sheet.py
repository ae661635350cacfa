"""Placeholder: filled in by the sheet workstream (the sheet's transition table)."""

from __future__ import annotations

from typing import Any

from zona.core.errors import Refusal


def sheet_refusal(assessment: Any, action: str, actor: Any) -> Refusal | None:
    """Why `actor` may not do the sheet `action` now (submit, return ...), or None."""
    return Refusal("not_built", "not built yet")
