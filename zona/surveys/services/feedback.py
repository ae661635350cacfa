"""Free-text suggestions (saran): left by respondents, moderated by managers, never published.

A suggestion is kept apart like a contact: the request seals it (Fernet, a key derived from
SECRET_KEY) into a SuggestionDrop in a transaction of its own; the background worker
(`suggestions_flush`, run by `manage.py db_worker`) opens a campaign's drops once
ZONA_SURVEY_SUGGESTION_BATCH of them wait, shuffles them and writes them as Suggestion rows
with random keys in ONE transaction. On PostgreSQL they share the worker's transaction id and
their physical order is shuffled, so neither links a suggestion to a response. Once the
campaign has closed, a manager may open the last few. The unit's survey managers
(`survey.manage`) read every suggestion and approve or hide each with a reason (audited,
without the text); reviewers (`survey.validate`) read the approved ones and see how many
were hidden and why. No public page, API or export shows them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from zona.accounts.access import Perm
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.core.spreadsheets import clean_text
from zona.surveys.models import Campaign, Suggestion, SuggestionDrop, SuggestionStatus
from zona.surveys.services.common import check_perm


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"zona.surveys.suggestions:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def suggestion_leave(*, campaign: Campaign, text: str) -> SuggestionDrop | None:
    """Queue a respondent's suggestion, sealed, if the campaign collects them and there is
    text; the worker writes it as a Suggestion with others of the campaign."""
    text = clean_text(text).strip()[: settings.ZONA_SURVEY_SUGGESTION_MAX_CHARS]
    if not text or not campaign.collects_suggestions:
        return None
    sealed = _fernet().encrypt(json.dumps({"t": text}).encode()).decode()
    with transaction.atomic():
        drop = SuggestionDrop.objects.create(campaign=campaign, sealed=sealed)
    suggestions_flush.enqueue()
    return drop


def suggestion_drops_open(*, campaign: Campaign | None = None, force: bool = False) -> int:
    """Turn waiting drops into Suggestion rows, shuffled, one transaction per campaign.

    Without `force` a campaign's drops wait until ZONA_SURVEY_SUGGESTION_BATCH of them are
    there. Returns the number written; undecryptable drops (a changed SECRET_KEY) are kept.
    """
    batch = max(1, settings.ZONA_SURVEY_SUGGESTION_BATCH)
    drops = SuggestionDrop.objects.all()
    if campaign is not None:
        drops = drops.filter(campaign=campaign)
    written = 0
    fernet = _fernet()
    rng = random.SystemRandom()
    for campaign_id in sorted(set(drops.values_list("campaign_id", flat=True))):
        with transaction.atomic():
            waiting = list(
                SuggestionDrop.objects.select_for_update()
                .filter(campaign_id=campaign_id)
                .order_by("pk")
            )
            if not waiting or (len(waiting) < batch and not force):
                continue
            rng.shuffle(waiting)
            rows, opened = [], []
            for drop in waiting:
                try:
                    data = json.loads(fernet.decrypt(drop.sealed.encode()))
                except (InvalidToken, ValueError):
                    continue
                opened.append(drop.pk)
                rows.append(Suggestion(campaign_id=campaign_id, text=str(data.get("t", ""))))
            Suggestion.objects.bulk_create(rows)
            SuggestionDrop.objects.filter(pk__in=opened).delete()
            written += len(rows)
    return written


@task()
def suggestions_flush() -> int:
    """Write waiting suggestions as shuffled batches apart from their responses."""
    return suggestion_drops_open()


def suggestions_waiting(campaign: Campaign) -> int:
    return SuggestionDrop.objects.filter(campaign=campaign).count()


def suggestion_open_rest(*, actor: Any, campaign: Campaign) -> int:
    """After the campaign has closed, open the last drops, fewer than a batch (audited)."""
    check_perm(actor, Perm.SURVEY_MANAGE, campaign.unit)
    if campaign.closes_on >= timezone.localdate():
        raise StateError(_("The last suggestions can be opened once the survey has closed."))
    written = suggestion_drops_open(campaign=campaign, force=True)
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
