"""Submitting a sheet and returning it for revision, through the sheet's transition table
(`zona.workflow.tables.sheet`) and `engine.apply`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from zona.accounts.models import ReviewTier, User
from zona.assessments.models import Assessment
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.workflow import engine
from zona.workflow.tables.sheet import PERMISSION_CODES, PREVIEW, SHEET, return_tier


class StaleConfirmation(StateError):
    """The counts the unit head confirmed are no longer the sheet's (the API's error code)."""

    code = "stale_confirmation"


# Refusals of an action's input (400 with the field, not 409).
_INPUT_FIELDS = {"reason_required": "reason", "unknown_items": "items"}


def _apply(assessment: Assessment, action: str, actor: User, **kwargs: Any) -> Assessment:
    # The rights first, outside the lock: a user who may never do this gets 403, not 409.
    refused = engine.refusal(SHEET, assessment, action, actor, data={PREVIEW: True})
    if refused is not None and refused.code in PERMISSION_CODES:
        raise PermissionDenied(refused.message, problems=refused.problems())
    try:
        return engine.apply(SHEET, assessment, action, actor, **kwargs)
    except StateError as exc:
        code = exc.problems[0].code if exc.problems else ""
        if code in PERMISSION_CODES:
            raise PermissionDenied(exc.message, problems=exc.problems) from None
        if code in _INPUT_FIELDS:
            raise ValidationFailed(
                exc.message, problems=[Problem(code, exc.message, field=_INPUT_FIELDS[code])]
            ) from None
        if code == StaleConfirmation.code:
            raise StaleConfirmation(exc.message, problems=exc.problems) from None
        raise


def sheet_submit(
    *,
    actor: User,
    assessment: Assessment,
    now: dt.datetime | None = None,
    confirmed: Mapping[str, Any] | None = None,
) -> Assessment:
    """The unit head submits the unit layer within the window; it is then read-only.

    `confirmed` holds the counts the unit head saw and confirmed (unanswered items, items
    without evidence, failing conditions; `selectors.submission_counts`). If the sheet
    changed meanwhile the confirmation is stale (`stale_confirmation`) and nothing is
    submitted. A period that requires complete sheets refuses an incomplete one.
    """
    data = {"confirmed": dict(confirmed)} if confirmed is not None else {}
    return _apply(assessment, "submit", actor, now=now, data=data)


def sheet_return(
    *,
    actor: User,
    assessment: Assessment,
    items: Sequence[str] = (),
    reason: str = "",
    tier: ReviewTier | None = None,
    now: dt.datetime | None = None,
) -> Assessment:
    """A reviewer of the tier that holds the sheet reopens the unit layer: the listed items,
    or the whole sheet when empty, saying why. `tier`: the tier acted in (default: the one
    holding the sheet, or for a sheet without chain the reviewer's first that may act now).
    """
    # The event names the tier acted in: the one holding the sheet (checked again under lock).
    fresh = Assessment.objects.select_related("period", "unit").get(pk=assessment.pk)
    acting, _refused = return_tier(fresh, actor, tier)
    return _apply(
        assessment,
        "return",
        actor,
        tier=acting or tier,
        items=items,
        reason=reason,
        now=now,
    )
