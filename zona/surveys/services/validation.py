"""Survey validation by assessors: repeatable random draws of contacts and call outcomes."""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.audit.services import audit_record
from zona.core.errors import Problem, StateError, ValidationFailed
from zona.surveys.models import (
    CallOutcome,
    Campaign,
    Contact,
    ValidationCall,
    ValidationDraw,
)
from zona.surveys.services.common import check_perm
from zona.surveys.services.sealed import CONTACTS

# --- survey validation by assessors -------------------------------------------------------

# The form's upper bound; the real cap of a draw is `draw_cap` (settings).
MAX_DRAW = 200


def draw_cap(pool_size: int) -> int:
    """The most contacts one draw may return: ZONA_SURVEY_DRAW_MAX_SHARE of the pool (at
    least one) and never more than ZONA_SURVEY_DRAW_MAX, so no draw hands out the pool."""
    share = int(pool_size * settings.ZONA_SURVEY_DRAW_MAX_SHARE)
    return max(0, min(settings.ZONA_SURVEY_DRAW_MAX, max(1, share), pool_size))


def contact_pool(campaign: Campaign) -> list[tuple[int, str]]:
    """The campaign's contacts as (id, token), sorted by token: the pool a draw samples."""
    return list(
        Contact.objects.filter(campaign=campaign).order_by("token").values_list("pk", "token")
    )


def pool_digest(pool: Sequence[tuple[int, str]]) -> str:
    return hashlib.sha256("\n".join(token for _, token in pool).encode()).hexdigest()


def draw_sample(pool: Sequence[tuple[int, str]], size: int, seed: int) -> list[tuple[int, str]]:
    """The same pool and seed always give the same sample (Python's Mersenne Twister)."""
    return random.Random(seed).sample(list(pool), min(size, len(pool)))


def validation_draw_create(
    *, actor: Any, campaign: Campaign, size: int, seed: int | None = None
) -> ValidationDraw:
    check_perm(actor, Perm.SURVEY_VALIDATE, campaign.unit)
    if not 1 <= size <= MAX_DRAW:
        raise ValidationFailed(
            _("Draw from 1 to %(max)s contacts.") % {"max": MAX_DRAW},
            problems=[Problem("invalid", _("Out of range."), "size")],
        )
    if seed is not None and not 0 <= seed < 2**63:
        raise ValidationFailed(
            _("The seed must be a whole number from 0."),
            problems=[Problem("invalid", _("Out of range."), "seed")],
        )
    # Contacts still waiting for the worker join the pool now, shuffled as a batch.
    CONTACTS.open(campaign=campaign, force=True)
    with transaction.atomic():
        pool = contact_pool(campaign)
        if not pool:
            raise StateError(_("No respondent of this campaign left a contact."))
        cap = draw_cap(len(pool))
        if size > cap:
            raise ValidationFailed(
                _(
                    "A draw may take at most %(cap)s of the %(pool)s contacts (a share of the "
                    "pool, so that no one holds the whole list)."
                )
                % {"cap": cap, "pool": len(pool)},
                problems=[Problem("too_large", _("Draw fewer contacts."), "size")],
            )
        seed = secrets.randbits(48) if seed is None else seed
        chosen = draw_sample(pool, size, seed)
        draw = ValidationDraw.objects.create(
            campaign=campaign,
            seed=seed,
            requested=size,
            pool_size=len(pool),
            pool_digest=pool_digest(pool),
            drawn_by=actor,
        )
        ValidationCall.objects.bulk_create(
            ValidationCall(draw=draw, contact_id=contact_id, position=i)
            for i, (contact_id, _token) in enumerate(chosen, start=1)
        )
        audit_record(
            actor=actor,
            action="survey.validation_drawn",
            target=draw,
            unit=campaign.unit,
            details={
                "seed": seed,
                "requested": size,
                "size": len(chosen),
                "pool_size": len(pool),
                "cap": cap,
            },
        )
    return draw


def validation_call_record(
    *, actor: Any, call: ValidationCall, outcome: str, note: str = ""
) -> ValidationCall:
    campaign = call.draw.campaign
    check_perm(actor, Perm.SURVEY_VALIDATE, campaign.unit)
    if outcome not in CallOutcome.values or outcome == CallOutcome.PENDING:
        raise ValidationFailed(
            _("Choose the outcome of the call."),
            problems=[Problem("required", _("Choose the outcome of the call."), "outcome")],
        )
    with transaction.atomic():
        call = ValidationCall.objects.select_for_update().get(pk=call.pk)
        previous = call.outcome
        call.outcome = outcome
        call.note = note.strip()
        call.called_by = actor
        call.called_at = timezone.now()
        call.save()
        audit_record(
            actor=actor,
            action="survey.validation_call_recorded",
            target=call.draw,
            unit=campaign.unit,
            details={"position": call.position, "outcome": outcome, "previous": previous},
        )
    return call
