"""Submitting a sheet and returning it for revision: the one transition table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, review_tiers_for
from zona.accounts.models import ReviewTier, User
from zona.assessments.access import pick_review_tier, review_lock_reason
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.ports import survey_feed
from zona.assessments.selectors import (
    completeness_refusal,
    load_sheet_state,
    submission_counts,
    submission_refusal,
    survey_indices,
)
from zona.assessments.services._common import invalid, require_perm
from zona.assessments.services.answers import lock_assessment
from zona.assessments.services.evidence import evidence_pin_links
from zona.assessments.services.surveys import answers_fill_from_surveys
from zona.assessments.sheet import sheet_spec, takes_survey_index
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, StateError


class StaleConfirmation(StateError):
    """The counts the unit head confirmed are no longer the sheet's."""

    code = "stale_confirmation"


# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (
        frozenset({AssessmentStatus.DRAFT, AssessmentStatus.RETURNED}),
        AssessmentStatus.SUBMITTED,
    ),
    "return": (frozenset({AssessmentStatus.SUBMITTED}), AssessmentStatus.RETURNED),
}


def _transition(assessment: Assessment, action: str) -> str:
    sources, target = TRANSITIONS[action]
    if assessment.status not in sources:
        raise StateError(
            _("This cannot be done while the sheet is “%(status)s”.")
            % {"status": assessment.get_status_display()}
        )
    return target


def assessment_submit(
    *,
    actor: User,
    assessment: Assessment,
    now: dt.datetime | None = None,
    confirmed: Mapping[str, Any] | None = None,
) -> Assessment:
    """The unit head submits the unit layer within the window; it is then read-only.

    `confirmed` holds the counts the unit head saw and confirmed (unanswered items, items
    without evidence, failing conditions; `selectors.submission_counts`). If the sheet
    changed meanwhile the confirmation is stale and nothing is submitted. The counts are
    recorded with the submission. A period that requires complete sheets refuses a sheet
    with an unanswered item or an item without evidence.
    """
    require_perm(actor, Perm.ASSESSMENT_SUBMIT, assessment.unit)
    with transaction.atomic():
        locked = lock_assessment(assessment)
        target = _transition(locked, "submit")
        reason = submission_refusal(locked, now=now)
        if reason:
            message = _("The sheet was not submitted: %(reason)s") % {"reason": reason}
            raise StateError(message, problems=reason.problems(message))
        indices = survey_indices(locked) or {}
        counts = submission_counts(load_sheet_state(locked), indices)
        if confirmed is not None and not counts.matches(confirmed):
            raise StaleConfirmation(
                _(
                    "The sheet changed after you opened the summary: now %(unanswered)d "
                    "unanswered, %(no_evidence)d without evidence, %(failing)d failing "
                    "conditions. Check the summary again and confirm."
                )
                % counts.as_dict()
            )
        incomplete = completeness_refusal(counts, locked.period)
        if incomplete:
            message = _("The sheet was not submitted: %(reason)s") % {"reason": incomplete}
            raise StateError(message, problems=incomplete.problems(message))
        # An index item the unit left empty goes out with its survey's index as it is now.
        answers_fill_from_surveys(assessment=locked, actor=actor, indices=indices)
        # The campaign that feeds B.I.a/B.II.a can no longer be switched for this year.
        survey_feed().pin(unit=locked.unit, year=locked.period.year, actor=actor)
        submitted_at = now or timezone.now()
        # What reviewers will see: the evidence as it is now, whatever the library does later.
        evidence_pin_links(assessment=locked, now=submitted_at)
        before = locked.status
        locked.status = target
        locked.submitted_at = submitted_at
        locked.submitted_by = actor
        locked.submitted_counts = counts.as_dict()
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "submitted_counts"])
        audit_record(
            actor=actor,
            action="assessment.submitted",
            target=locked,
            unit=locked.unit,
            details={
                "from": before,
                "returned_items": locked.returned_items,
                "counts": counts.as_dict(),
                "confirmed": confirmed is not None,
            },
        )
    return locked


def assessment_return(
    *,
    actor: User,
    assessment: Assessment,
    items: Sequence[str] = (),
    reason: str = "",
    tier: ReviewTier | None = None,
) -> Assessment:
    """A reviewer reopens the unit layer: the listed items, or the whole sheet when empty.

    `tier` is the review tier the reviewer acts in (default: the first of theirs that may
    act now); its review deadline applies as for answering.
    """
    tiers = review_tiers_for(actor, assessment.unit)
    if not tiers or (tier is not None and pick_review_tier(tiers, tier) is None):
        raise PermissionDenied(_("Only a reviewer of this unit can return its sheet."))
    spec = sheet_spec(assessment.period.framework)
    unknown = [code for code in items if code not in spec.items]
    if unknown:
        raise invalid(
            _("Unknown item codes: %(codes)s.") % {"codes": ", ".join(unknown)}, field="items"
        )
    if not reason.strip():
        raise invalid(_("Say what the unit should revise."), field="reason")
    with transaction.atomic():
        locked = lock_assessment(assessment)
        target = _transition(locked, "return")
        candidates = [tier] if tier is not None else tiers
        reasons = [review_lock_reason(locked, t) for t in candidates]
        acting = next((t for t, r in zip(candidates, reasons, strict=True) if r is None), None)
        if acting is None:
            refusal = reasons[0]
            message = _("The sheet was not returned: %(reason)s") % {"reason": refusal}
            raise StateError(message, problems=refusal.problems(message) if refusal else None)
        locked.status = target
        locked.returned_items = list(dict.fromkeys(items))
        locked.returned_at = timezone.now()
        locked.return_reason = reason.strip()
        locked.save(update_fields=["status", "returned_items", "returned_at", "return_reason"])
        index_items = [code for code, item in spec.items.items() if takes_survey_index(item)]
        if index_items and any(locked.item_reopened(code) for code in index_items):
            # B.I.a or B.II.a is the unit's again: it may choose the feeding campaign again.
            survey_feed().unpin(unit=locked.unit, year=locked.period.year, actor=actor)
        audit_record(
            actor=actor,
            action="assessment.returned",
            target=locked,
            unit=locked.unit,
            details={
                "items": locked.returned_items,
                "reason": locked.return_reason,
                "tier": acting.code,
                "tier_name": acting.name,
            },
        )
    return locked
