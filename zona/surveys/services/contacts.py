"""Contacts respondents leave for verification, kept unlinkable to their responses.

A contact is never written as a Contact row next to its response. The request seals it
(Fernet, a key derived from SECRET_KEY) into a ContactDrop in a transaction of its own and
enqueues nothing (a task row would date the response to the second); the background worker
(`zona.surveys.tasks.contacts_flush`, on its own clock, django-tasks database backend, run by
`manage.py db_worker`) opens the drops of a campaign once ZONA_SURVEY_CONTACT_BATCH of them
wait, shuffles them and writes them as Contact rows with random keys in ONE transaction, then
deletes the drops. On PostgreSQL every contact of a batch shares the worker's transaction id
(xmin) and their physical order is shuffled, so neither links a contact to a response; a
drop read before the worker ran shows only ciphertext. A reviewer's draw opens what is left
(validation_draw_create), also shuffled.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zona.core.errors import Problem, ValidationFailed
from zona.surveys.models import Campaign, Contact, ContactDrop


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"zona.surveys.contacts:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def contact_leave(*, campaign: Campaign, contact: str, name: str = "") -> ContactDrop:
    """Queue one contact, sealed, in its own transaction; the worker makes it a Contact."""
    contact = contact.strip()[:200]
    if not contact:
        raise ValidationFailed(
            _("Enter a phone number or e-mail."), problems=[Problem("required", "", "contact")]
        )
    payload = json.dumps({"c": contact, "n": name.strip()[:120]}).encode()
    with transaction.atomic():
        return ContactDrop.objects.create(
            campaign=campaign, sealed=_fernet().encrypt(payload).decode()
        )


def contact_pool_size(campaign: Campaign) -> int:
    """Contacts of the campaign, counting those still waiting for the worker."""
    return (
        Contact.objects.filter(campaign=campaign).count()
        + ContactDrop.objects.filter(campaign=campaign).count()
    )


def contact_drops_open(*, campaign: Campaign | None = None, force: bool = False) -> int:
    """Turn waiting drops into Contact rows, shuffled, one transaction per campaign.

    Without `force` a campaign's drops wait until ZONA_SURVEY_CONTACT_BATCH of them are
    there. Returns the number of contacts written. Undecryptable drops (a changed
    SECRET_KEY) are kept for an operator to look at, never guessed.
    """
    batch = max(1, settings.ZONA_SURVEY_CONTACT_BATCH)
    drops = ContactDrop.objects.all()
    if campaign is not None:
        drops = drops.filter(campaign=campaign)
    campaign_ids = sorted(set(drops.values_list("campaign_id", flat=True)))
    written = 0
    fernet = _fernet()
    rng = random.SystemRandom()
    for campaign_id in campaign_ids:
        with transaction.atomic():
            waiting = list(
                ContactDrop.objects.select_for_update()
                .filter(campaign_id=campaign_id)
                .order_by("pk")
            )
            if not waiting or (len(waiting) < batch and not force):
                continue
            rng.shuffle(waiting)
            contacts, opened = [], []
            for drop in waiting:
                try:
                    data = json.loads(fernet.decrypt(drop.sealed.encode()))
                except (InvalidToken, ValueError):
                    continue
                opened.append(drop.pk)
                contacts.append(
                    Contact(
                        campaign_id=campaign_id,
                        contact=str(data.get("c", ""))[:200],
                        name=str(data.get("n", ""))[:120],
                        token=secrets.token_urlsafe(12),
                    )
                )
            Contact.objects.bulk_create(contacts)
            ContactDrop.objects.filter(pk__in=opened).delete()
            written += len(contacts)
    return written
