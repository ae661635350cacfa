"""The lifecycle of a koefisien event: recorded (it counts) ──withdraw──▶ withdrawn (kept,
with its reason, no longer counting). Recording creates the row (services.koefisien)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models import KoefisienEvent, KoefisienEventStatus

MAX_REASON = 2000


def _may_act(ctx: Context) -> Refusal | None:
    """The actor reviews the unit in the event's tier, the period is open, and separation of
    duties holds (the same rule as recording)."""
    from zona.workflow.selectors.koefisien import record_refusal

    event = ctx.subject
    refused = record_refusal(ctx.actor, event.assessment, event.tier)
    if refused is not None and refused.code == "not_tier_reviewer":
        return Refusal(
            "not_tier_reviewer",
            _("Only reviewers of %(tier)s can withdraw it.") % {"tier": event.tier},
        )
    return refused


def _reason_given(ctx: Context) -> Refusal | None:
    if not ctx.reason.strip():
        return Refusal("reason_required", _("Say why the event is withdrawn."))
    if len(ctx.reason) > MAX_REASON:
        return Refusal("too_long", _("At most %(n)s characters.") % {"n": MAX_REASON})
    return None


def _withdrawn(ctx: Context) -> None:
    event = ctx.subject
    event.withdrawn_by = ctx.actor
    event.withdrawn_at = ctx.now
    event.withdraw_reason = ctx.reason
    ctx.details.update({"kind": event.kind.code, "label": event.label})


KOEFISIEN_EVENT = Table(
    kind="koefisien",
    model=KoefisienEvent,
    audit_prefix="koefisien",
    assessment_of=lambda e: e.assessment,
    unit_of=lambda e: e.assessment.unit,
    transitions={
        "withdraw": Transition(
            "withdraw",
            frozenset({KoefisienEventStatus.RECORDED}),
            KoefisienEventStatus.WITHDRAWN,
            guards=(_may_act, _reason_given),
            effect=_withdrawn,
            label=gettext_lazy("Withdraw"),
        ),
    },
)
