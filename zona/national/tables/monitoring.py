"""A monitoring round's lifecycle (issue 11 §4):

    scheduled ──start──▶ in_progress ──conclude──▶ concluded

The monitor of the predicate's kind (services/monitoring.py) starts the round, links the
unit's sheet of the current period (kept with the round as a snapshot), and concludes it with
the findings, the follow-up and the outcome: maintained, warning or recommend revocation.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal
from zona.national.models import MonitoringOutcome, MonitoringRound, MonitoringStatus
from zona.workflow.engine import Context, Table, Transition

MAX_TEXT = 10000


def _monitor(ctx: Context[MonitoringRound]) -> Refusal | None:
    from zona.accounts.access import is_system_admin
    from zona.national.selectors.predicates import is_monitor

    if is_system_admin(ctx.actor) or is_monitor(ctx.actor, ctx.subject):
        return None
    return Refusal("not_monitor", _("Only the monitor of this predicate acts on the round."))


def _conclusion(ctx: Context[MonitoringRound]) -> Refusal | None:
    outcome = ctx.data.get("outcome", "")
    if outcome not in MonitoringOutcome.values:
        return Refusal("outcome_required", _("Choose the outcome of the round."))
    findings = str(ctx.data.get("findings", "")).strip()
    if not findings:
        return Refusal("findings_required", _("Write the findings of the round."))
    if len(findings) > MAX_TEXT or len(str(ctx.data.get("follow_up", ""))) > MAX_TEXT:
        return Refusal("too_long", _("At most %(n)s characters.") % {"n": MAX_TEXT})
    return None


def _started(ctx: Context[MonitoringRound]) -> None:
    rnd = ctx.subject
    rnd.started_by = ctx.actor
    rnd.started_at = ctx.now


def _concluded(ctx: Context[MonitoringRound]) -> None:
    rnd = ctx.subject
    rnd.outcome = ctx.data["outcome"]
    rnd.findings = str(ctx.data["findings"]).strip()
    rnd.follow_up = str(ctx.data.get("follow_up", "")).strip()
    rnd.concluded_by = ctx.actor
    rnd.concluded_at = ctx.now
    ctx.details.update(outcome=rnd.outcome, assessment=rnd.assessment_id)


S = MonitoringStatus

MONITORING_ROUND: Table[MonitoringRound] = Table(
    kind="monitoring_round",
    model=MonitoringRound,
    audit_prefix="monitoring_round",
    unit_of=lambda rnd: rnd.predicate.unit,
    transitions={
        "start": Transition(
            "start",
            frozenset({S.SCHEDULED}),
            S.IN_PROGRESS,
            guards=(_monitor,),
            effect=_started,
            label=gettext_lazy("Start the monitoring round"),
        ),
        "conclude": Transition(
            "conclude",
            frozenset({S.IN_PROGRESS}),
            S.CONCLUDED,
            guards=(_monitor, _conclusion),
            effect=_concluded,
            label=gettext_lazy("Conclude the monitoring round"),
        ),
    },
)
