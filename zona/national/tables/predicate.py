"""The predicate's lifecycle (issue 11 §4):

    held ──revoke──▶ revoked

Revocation is the TPN's (or the system administrator's), after confirming with the TPI. Its
effect records the `Revocation` (grounds, source, confirmation, decision date) and sets the
predicate's `blocked_until` (decision date + NationalSettings.revocation_block_months). The
service (services/predicates.py `predicate_revoke`) checks the input first and rescores the
unit's sheets afterwards.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal
from zona.national.models import Predicate, PredicateStatus, Revocation
from zona.workflow.engine import Context, Table, Transition


def _national(ctx: Context[Predicate]) -> Refusal | None:
    from zona.national.selectors.predicates import is_national

    if is_national(ctx.actor):
        return None
    return Refusal("forbidden", _("Only the TPN or the system administrator revokes a predicate."))


def _revoked(ctx: Context[Predicate]) -> None:
    from zona.national.selectors.core import add_months, national_settings

    d = ctx.data
    predicate = ctx.subject
    blocked = add_months(d["decided_on"], national_settings().revocation_block_months)
    predicate.blocked_until = blocked
    Revocation.objects.create(
        predicate=predicate,
        grounds=d["grounds"],
        grounds_note=d.get("grounds_note", ""),
        source=d["source"],
        source_reference=d.get("source_reference", ""),
        monitoring_round=d.get("monitoring_round"),
        confirmed_by=d["confirmed_by"],
        confirmed_on=d["confirmed_on"],
        decided_on=d["decided_on"],
        blocked_until=blocked,
        recorded_by=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
        recorded_at=ctx.now,
    )
    ctx.details.update(
        grounds=d["grounds"],
        source=d["source"],
        decided_on=d["decided_on"].isoformat(),
        blocked_until=blocked.isoformat(),
    )


PREDICATE: Table[Predicate] = Table(
    kind="predicate",
    model=Predicate,
    audit_prefix="predicate",
    unit_of=lambda predicate: predicate.unit,
    transitions={
        "revoke": Transition(
            "revoke",
            frozenset({PredicateStatus.HELD}),
            PredicateStatus.REVOKED,
            guards=(_national,),
            effect=_revoked,
            label=gettext_lazy("Revoke the predicate"),
        ),
    },
)
