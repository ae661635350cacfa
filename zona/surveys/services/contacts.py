"""Contacts respondents leave for verification, kept unlinkable to their responses.

A contact is never written as a Contact row next to its response: it waits sealed in the
contacts queue (zona.surveys.services.sealed, shared with suggestions) until the worker
writes it with others of its campaign in one shuffled transaction. A reviewer's draw opens
what is left (validation_draw_create), also shuffled.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from zona.core.errors import Problem, ValidationFailed
from zona.surveys.models import Campaign, Contact
from zona.surveys.services.sealed import CONTACTS


def contact_leave(*, campaign: Campaign, contact: str, name: str = "") -> models.Model:
    """Queue one contact, sealed, in its own transaction; the worker makes it a Contact."""
    contact = contact.strip()[:200]
    if not contact:
        raise ValidationFailed(
            _("Enter a phone number or e-mail."), problems=[Problem("required", "", "contact")]
        )
    return CONTACTS.seal(campaign=campaign, payload={"c": contact, "n": name.strip()[:120]})


def contact_pool_size(campaign: Campaign) -> int:
    """Contacts of the campaign, counting those still waiting for the worker."""
    return Contact.objects.filter(campaign=campaign).count() + CONTACTS.waiting(campaign)
