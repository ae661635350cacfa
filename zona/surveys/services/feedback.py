"""Free-text suggestions (saran): left by respondents, moderated by managers, never published.

A suggestion is kept apart like a contact, by the same sealed queue
(zona.surveys.services.sealed): the request seals it and enqueues nothing; the worker, on its
own clock, writes a campaign's suggestions once ZONA_SURVEY_SUGGESTION_BATCH of them wait, in
one shuffled transaction. Once the campaign has closed, a manager may open the last few.
The unit's survey managers (`survey.manage`) read every suggestion and approve or hide each
with a reason (audited, without the text); reviewers (`survey.validate`) read the approved
ones and see how many were hidden and why. No public page, API or export shows them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.core.spreadsheets import clean_text
from zona.surveys.models import Campaign, Suggestion, SuggestionStatus
from zona.surveys.services.common import check_perm
from zona.surveys.services.sealed import SUGGESTIONS


def suggestion_leave(*, campaign: Campaign, text: str) -> models.Model | None:
    """Queue a respondent's suggestion, sealed, if the campaign collects them and there is
    text; the worker writes it as a Suggestion with others of the campaign."""
    text = clean_text(text).strip()[: settings.ZONA_SURVEY_SUGGESTION_MAX_CHARS]
    if not text or not campaign.collects_suggestions:
        return None
    return SUGGESTIONS.seal(campaign=campaign, payload={"t": text})


def suggestion_open_rest(*, actor: Any, campaign: Campaign) -> int:
    """After the campaign has closed, open the last drops, fewer than a batch (audited)."""
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    if campaign.closes_on >= timezone.localdate():
        raise StateError(_("The last suggestions can be opened once the survey has closed."))
    written = SUGGESTIONS.open(campaign=campaign, force=True)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="survey.suggestions_opened",
            target=campaign,
            unit=campaign.unit,
            details={"count": written},
        )
    return written


def suggestion_moderate(
    *, actor: Any, suggestion: Suggestion, approve: bool, reason: str = ""
) -> Suggestion:
    """Approve a suggestion for reviewers, or hide it; hiding needs a reason."""
    campaign = suggestion.campaign
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationFailed(
            _("Give a reason for hiding the suggestion."),
            problems=[Problem("required", _("Give a reason."), "reason")],
        )
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        previous = suggestion.status
        suggestion.status = SuggestionStatus.APPROVED if approve else SuggestionStatus.HIDDEN
        suggestion.moderation_reason = reason
        suggestion.moderated_by = actor
        suggestion.moderated_at = timezone.now()
        suggestion.save()
        audit_record(
            actor=actor,
            action="survey.suggestion_approved" if approve else "survey.suggestion_hidden",
            target=suggestion,
            unit=campaign.unit,
            # Never the text: the audit log is read by more people than the suggestions.
            details={"campaign": campaign.pk, "previous": previous, "reason": reason},
        )
    suggestion.campaign = campaign
    return suggestion
