"""The lifecycle of a selection round (issue 10 §7).

    draft ──confirm──▶ confirmed ──close──▶ closed
      ▲                   │
      └──────reopen───────┘

In draft the round's configuration and overrides change and the preview is a dry run.
`confirm` freezes the preview as the round's result; `close` applies it (the services open
the next tier for the selected sheets, close the rest and tell every unit). Each action is
taken by the agency administrator or a team lead of the round's step, before the round is
late: the period still open and the next tier's window not closed.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.assessments.models import PeriodStatus
from zona.core.errors import Refusal
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models.selection import RoundStatus, SelectionRound
from zona.workflow.selectors.selection import (
    applicants_of,
    may_decide,
    next_step,
    round_preview,
)

R = RoundStatus


def decider(ctx: Context[SelectionRound]) -> Refusal | None:
    if may_decide(ctx.actor, ctx.subject):
        return None
    return Refusal(
        "not_round_decider",
        _("Only the agency administrator or a team lead of %(tier)s decides this round.")
        % {"tier": ctx.subject.step.tier.name},
    )


def late_refusal(rnd: SelectionRound, today: object) -> Refusal | None:
    """Why the round cannot change any more, or None: the period is closed, or the window
    of the next tier (which the selected sheets go to) has closed."""
    if rnd.period.status == PeriodStatus.CLOSED:
        return Refusal("period_closed", _("The period is closed; its rounds cannot change."))
    following = next_step(rnd.step)
    if following is not None and today > following.closes_on:  # type: ignore[operator]
        return Refusal(
            "round_late",
            _(
                "The window of %(tier)s closed on %(date)s: this round can no longer change; "
                "ask the agency administrator to extend it."
            )
            % {"tier": following.tier.name, "date": date_format(following.closes_on, "j F Y")},
        )
    return None


def not_late(ctx: Context[SelectionRound]) -> Refusal | None:
    return late_refusal(ctx.subject, ctx.today)


def reviews_done(ctx: Context[SelectionRound]) -> Refusal | None:
    pending = sum(1 for r in applicants_of(ctx.subject) if r.status != "completed")
    if pending:
        return Refusal(
            "reviews_pending",
            _(
                "%(n)d sheets that reached %(tier)s are still under review; the round is "
                "decided once every review of the tier is completed."
            )
            % {"n": pending, "tier": ctx.subject.step.tier.name},
        )
    return None


def _confirmed(ctx: Context[SelectionRound]) -> None:
    rnd = ctx.subject
    preview = round_preview(rnd)
    rnd.result = preview.as_result()
    rnd.confirmed_at = ctx.now
    rnd.confirmed_by = ctx.actor
    ctx.details.update(
        selected=[r.unit.code for r in preview.rows if r.selected],
        not_selected=[r.unit.code for r in preview.rows if not r.selected],
    )


def _reopened(ctx: Context[SelectionRound]) -> None:
    rnd = ctx.subject
    rnd.result = {}
    rnd.confirmed_at = None
    rnd.confirmed_by = None


def _closed(ctx: Context[SelectionRound]) -> None:
    ctx.subject.closed_at = ctx.now
    ctx.subject.closed_by = ctx.actor


GUARDS = (decider, not_late)

SELECTION_ROUND: Table[SelectionRound] = Table(
    kind="selection_round",
    model=SelectionRound,
    audit_prefix="selection_round",
    unit_of=lambda rnd: rnd.period.agency,
    transitions={
        "confirm": Transition(
            "confirm",
            frozenset({R.DRAFT}),
            R.CONFIRMED,
            guards=(*GUARDS, reviews_done),
            effect=_confirmed,
            label=gettext_lazy("Confirm the selection"),
        ),
        "reopen": Transition(
            "reopen",
            frozenset({R.CONFIRMED}),
            R.DRAFT,
            guards=GUARDS,
            effect=_reopened,
            label=gettext_lazy("Back to draft"),
        ),
        "close": Transition(
            "close",
            frozenset({R.CONFIRMED}),
            R.CLOSED,
            guards=(*GUARDS, reviews_done),
            effect=_closed,
            label=gettext_lazy("Close the round"),
        ),
    },
)

ACTIONS = ("confirm", "reopen", "close")
