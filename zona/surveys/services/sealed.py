"""Sealed queues: what a respondent leaves beside a response, kept unlinkable to it.

A contact (for verification) and a suggestion (saran) are never written as rows next to
their response. The request seals the payload (Fernet, a key derived from SECRET_KEY and the
queue's label) into a drop row in a transaction of its own and enqueues nothing: a task row
carries its enqueue time to the second and would date the response. The background worker
(`zona.surveys.tasks.sealed_drops_flush`, on its own clock; see that module) opens the drops
of a campaign once the queue's batch of them wait, shuffles them and writes them as rows with
random keys in ONE transaction, then deletes the drops. On PostgreSQL every row of a batch
shares the worker's transaction id (xmin) and their physical order is shuffled, so neither
links a row to a response; a drop read before the worker ran shows only ciphertext.

Both queues are this one piece of code; `CONTACTS` and `SUGGESTIONS` differ only in their
models, batch setting and how a payload becomes a row.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models, transaction

from zona.surveys.models import Campaign, Contact, ContactDrop, Suggestion, SuggestionDrop


@dataclass(frozen=True)
class SealedQueue:
    # Part of the key derivation: changing it makes waiting drops unreadable.
    label: str
    drop_model: type[ContactDrop] | type[SuggestionDrop]
    row_model: type[Contact] | type[Suggestion]
    batch_setting: str
    make_row: Callable[[int, dict[str, Any]], models.Model]

    def _fernet(self) -> Fernet:
        digest = hashlib.sha256(f"{self.label}:{settings.SECRET_KEY}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, *, campaign: Campaign, payload: dict[str, str]) -> models.Model:
        """Queue one payload, sealed, in its own transaction; nothing is enqueued."""
        sealed = self._fernet().encrypt(json.dumps(payload).encode()).decode()
        with transaction.atomic():
            return self.drop_model.objects.create(campaign=campaign, sealed=sealed)

    def waiting(self, campaign: Campaign) -> int:
        return self.drop_model.objects.filter(campaign=campaign).count()

    def open(self, *, campaign: Campaign | None = None, force: bool = False) -> int:
        """Turn waiting drops into rows, shuffled, one transaction per campaign.

        Without `force` a campaign's drops wait until the queue's batch of them are there.
        Returns the number of rows written. Undecryptable drops (a changed SECRET_KEY) are
        kept for an operator to look at, never guessed.
        """
        batch = max(1, getattr(settings, self.batch_setting))
        drops = self.drop_model.objects.all()
        if campaign is not None:
            drops = drops.filter(campaign=campaign)
        written = 0
        fernet = self._fernet()
        rng = random.SystemRandom()
        for campaign_id in sorted(set(drops.values_list("campaign_id", flat=True))):
            with transaction.atomic():
                waiting: list[tuple[int, str]] = list(
                    self.drop_model.objects.select_for_update()
                    .filter(campaign_id=campaign_id)
                    .order_by("pk")
                    .values_list("pk", "sealed")
                )
                if not waiting or (len(waiting) < batch and not force):
                    continue
                rng.shuffle(waiting)
                rows, opened = [], []
                for pk, sealed in waiting:
                    try:
                        data = json.loads(fernet.decrypt(sealed.encode()))
                    except (InvalidToken, ValueError):
                        continue
                    opened.append(pk)
                    rows.append(self.make_row(campaign_id, data))
                self.row_model.objects.bulk_create(rows)  # type: ignore[arg-type]
                self.drop_model.objects.filter(pk__in=opened).delete()
                written += len(rows)
        return written


def _contact_row(campaign_id: int, data: dict[str, Any]) -> Contact:
    return Contact(
        campaign_id=campaign_id,
        contact=str(data.get("c", ""))[:200],
        name=str(data.get("n", ""))[:120],
        token=secrets.token_urlsafe(12),
    )


def _suggestion_row(campaign_id: int, data: dict[str, Any]) -> Suggestion:
    return Suggestion(campaign_id=campaign_id, text=str(data.get("t", "")))


CONTACTS = SealedQueue(
    label="zona.surveys.contacts",
    drop_model=ContactDrop,
    row_model=Contact,
    batch_setting="ZONA_SURVEY_CONTACT_BATCH",
    make_row=_contact_row,
)
SUGGESTIONS = SealedQueue(
    label="zona.surveys.suggestions",
    drop_model=SuggestionDrop,
    row_model=Suggestion,
    batch_setting="ZONA_SURVEY_SUGGESTION_BATCH",
    make_row=_suggestion_row,
)
QUEUES = (CONTACTS, SUGGESTIONS)


def sealed_drops_open(*, force: bool = False) -> int:
    """Open every queue's ready batches (`force`: every waiting drop); the worker's run."""
    return sum(queue.open(force=force) for queue in QUEUES)
