"""The colour of every lifecycle status on a badge: data, one map for the whole site.

A status value maps to a Bootstrap colour (`text-bg-<colour>`). Where two lifecycles use
the same value with different weight, `"<kind>:<value>"` (e.g. `"period:open"`) wins over
the plain value. A value not listed shows as `secondary`.
"""

from __future__ import annotations

from typing import Final

DEFAULT_COLOUR: Final = "secondary"

STATUS_COLOURS: Final[dict[str, str]] = {
    # The sheet (Assessment).
    "draft": "secondary",
    "submitted": "success",
    "returned": "warning",
    # Periods and windows.
    "open": "success",
    "closed": "secondary",
    # A tier's review of a sheet (kind "review").
    "review:waiting": "secondary",
    "review:open": "primary",
    "review:completed": "success",
    "review:returned": "warning",
    "review:closed": "secondary",
    # Desk evaluation sessions and assistance follow-up.
    "planned": "info",
    "held": "success",
    "cancelled": "secondary",
    "in_progress": "warning",
    "done": "success",
    "assistance:open": "warning",
    # Koefisien events: counted, or withdrawn (kept, no longer counted).
    "koefisien:recorded": "danger",
    "koefisien:withdrawn": "secondary",
    # TPI panel minutes: a draft, then confirmed (the decisions are final).
    "tpi_panel:draft": "secondary",
    "tpi_panel:confirmed": "success",
    # Selection rounds.
    "round:draft": "secondary",
    "round:confirmed": "primary",
    "round:closed": "success",
    # The national stage (zona.national): candidacy, proposal, the TPN's stages of a
    # nomination, predicates and their monitoring rounds.
    "candidacy:designated": "success",
    "candidacy:withdrawn": "secondary",
    "proposal:draft": "secondary",
    "proposal:submitted": "success",
    "proposal:withdrawn": "secondary",
    "nomination:admin": "info",
    "nomination:follow_up": "warning",
    "nomination:failed": "danger",
    "nomination:appeal": "warning",
    "nomination:desk": "primary",
    "nomination:field": "primary",
    "nomination:clearance": "primary",
    "nomination:determination": "info",
    "nomination:awarded": "success",
    "nomination:not_awarded": "secondary",
    "nomination:ended": "dark",
    "predicate:held": "success",
    "predicate:revoked": "danger",
    "monitoring:scheduled": "info",
    "monitoring:in_progress": "warning",
    "monitoring:concluded": "success",
}


def status_colour(value: object, kind: str = "") -> str:
    """The badge colour of a status `value` (of the lifecycle `kind`, when given)."""
    text = str(value)
    if kind and f"{kind}:{text}" in STATUS_COLOURS:
        return STATUS_COLOURS[f"{kind}:{text}"]
    return STATUS_COLOURS.get(text, DEFAULT_COLOUR)
