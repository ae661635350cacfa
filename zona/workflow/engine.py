"""Lifecycles as transition tables, and the one function that applies a transition.

Every subject with a lifecycle (a sheet, a tier's review of it, a selection round, later a
nomination or a predicate) declares one `Table`: its transitions, each with the states it
starts from, the state it leads to, and its guards. A guard is a function of the `Context`
that returns a `Refusal` (why the action is not allowed now, for this actor) or None.

`refusal()` answers "may this actor do this now, and if not why": pages use it for button
state, services and the API through `apply()`, so the rule lives in one place.

`apply()` locks the subject's row, checks the table and the guards on the locked row, runs
the transition's effect (the fields that go with it: submitted_at, a recommendation ...),
sets the status, appends a `WorkflowEvent` and writes the audit event, in one transaction.
Nothing else assigns a subject's status (`scripts/check_rules.py` checks it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from zona.audit.services import audit_record
from zona.core.errors import Refusal, StateError

M = TypeVar("M", bound=models.Model)


@dataclass
class Context(Generic[M]):
    """What a guard and an effect see: the (locked, when applying) subject and the request."""

    subject: M
    action: str
    actor: Any
    now: dt.datetime
    tier: Any = None  # the ReviewTier the actor acts in, when it matters
    items: tuple[str, ...] = ()
    reason: str = ""
    # Anything else an action carries (a recommendation, a note, an override ...).
    data: dict[str, Any] = field(default_factory=dict)
    # Filled by the effect for the event and the audit record.
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


Guard = Callable[[Context[Any]], Refusal | None]
Effect = Callable[[Context[Any]], None]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    guards: tuple[Guard, ...] = ()
    # Runs on the locked subject before the status is set (may raise ZonaError to refuse).
    effect: Effect | None = None
    label: str | Promise = ""


@dataclass(frozen=True)
class Table(Generic[M]):
    """One lifecycle: `kind` names the subject in `WorkflowEvent.subject_kind`."""

    kind: str
    model: type[M]
    transitions: Mapping[str, Transition]
    status_field: str = "status"
    # The audit action is f"{audit_prefix}.{action}" (e.g. "assessment.submit").
    audit_prefix: str = ""
    # The sheet an event concerns, for the sheet's history (None when none).
    assessment_of: Callable[[M], Any] = lambda subject: None
    # The unit the audit event is filed under (scope of the audit log).
    unit_of: Callable[[M], Any] = lambda subject: None

    def transition(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise ValueError(f"{self.kind}: no transition {action!r}") from None

    def state(self, subject: M) -> str:
        return str(getattr(subject, self.status_field))

    def actions_from(self, state: str) -> list[str]:
        return [a for a, t in self.transitions.items() if state in t.sources]


def _state_refusal(table: Table[Any], subject: Any, t: Transition) -> Refusal | None:
    state = table.state(subject)
    if state in t.sources:
        return None
    display = getattr(subject, f"get_{table.status_field}_display", lambda: state)()
    return Refusal(
        "wrong_state",
        _("This cannot be done while it is “%(status)s”.") % {"status": display},
    )


def check(table: Table[M], ctx: Context[M]) -> Refusal | None:
    """The first reason the transition of `ctx.action` is refused on `ctx.subject`, or None."""
    t = table.transition(ctx.action)
    refusal = _state_refusal(table, ctx.subject, t)
    if refusal is not None:
        return refusal
    for guard in t.guards:
        refusal = guard(ctx)
        if refusal is not None:
            return refusal
    return None


def refusal(
    table: Table[M],
    subject: M,
    action: str,
    actor: Any,
    *,
    now: dt.datetime | None = None,
    tier: Any = None,
    items: Sequence[str] = (),
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> Refusal | None:
    """Why `actor` may not do `action` on `subject` now, or None: for buttons, lists and
    the API's `allowed_actions`. Reads only (no lock); `apply()` checks again under lock."""
    ctx = Context(
        subject=subject,
        action=action,
        actor=actor,
        now=now or timezone.now(),
        tier=tier,
        items=tuple(items),
        reason=reason,
        data=dict(data or {}),
    )
    return check(table, ctx)


def allowed_actions(
    table: Table[M], subject: M, actor: Any, *, now: dt.datetime | None = None, tier: Any = None
) -> dict[str, Refusal | None]:
    """Every action the subject's state allows, with the refusal for this actor (None = may)."""
    return {
        action: refusal(table, subject, action, actor, now=now, tier=tier)
        for action in table.actions_from(table.state(subject))
    }


def lock(table: Table[M], subject: M) -> M:
    """Re-read the subject under a row lock (its own row only)."""
    manager = table.model._default_manager
    return manager.select_for_update(of=("self",)).get(pk=subject.pk)


def apply(
    table: Table[M],
    subject: M,
    action: str,
    actor: Any,
    *,
    now: dt.datetime | None = None,
    tier: Any = None,
    items: Iterable[str] = (),
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    locked: bool = False,
) -> M:
    """Apply one transition: lock, check state and guards, run the effect, set the status,
    append the WorkflowEvent and the audit event; all or nothing. Returns the locked,
    updated subject. Raises StateError (with the refusal's code) when refused.

    `locked=True` when the caller already holds the row lock inside its own transaction
    (then `subject` must be that locked instance).
    """
    from zona.workflow.models import WorkflowEvent  # the engine is imported by models' users

    t = table.transition(action)
    with transaction.atomic():
        row = subject if locked else lock(table, subject)
        ctx = Context(
            subject=row,
            action=action,
            actor=actor,
            now=now or timezone.now(),
            tier=tier,
            items=tuple(dict.fromkeys(items)),
            reason=reason.strip(),
            data=dict(data or {}),
        )
        refused = check(table, ctx)
        if refused is not None:
            raise StateError(refused.message, problems=refused.problems())
        before = table.state(row)
        if t.effect is not None:
            t.effect(ctx)
        setattr(row, table.status_field, t.target)
        row.save()
        actor_obj = actor if getattr(actor, "is_authenticated", False) else None
        WorkflowEvent.objects.create(
            subject_kind=table.kind,
            subject_id=row.pk,
            assessment=table.assessment_of(row),
            action=action,
            from_state=before,
            to_state=t.target,
            tier=tier,
            actor=actor_obj,
            items=list(ctx.items),
            reason=ctx.reason,
            details=ctx.details,
            at=ctx.now,
        )
        details: dict[str, Any] = {"from": before, "to": t.target, **ctx.details}
        if ctx.items:
            details["items"] = list(ctx.items)
        if ctx.reason:
            details["reason"] = ctx.reason
        if tier is not None:
            details["tier"] = getattr(tier, "code", str(tier))
        audit_record(
            actor=actor,
            action=f"{table.audit_prefix or table.kind}.{action}",
            target=row,
            unit=table.unit_of(row),
            details=details,
        )
    return row
