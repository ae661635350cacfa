"""The agency's proposal to the TPN (issue 11 §2):

    draft ──submit──▶ submitted ──withdraw──▶ withdrawn

`submit` checks the deadline of the year, the letter (number, date, signer) and every unit
(candidate, no revocation block, WBK held for a WBBM target, recommended by a confirmed TPI
panel, not nominated yet that year). Its effect generates the package, creates one
`Nomination` per unit (at the administrative selection) and tells the TPN and the units.
`withdraw` is allowed while the TPN has not moved any nomination past "admin"; it removes the
nominations (nothing of the TPN's work hangs on them yet).
"""

from __future__ import annotations

from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal, StateError
from zona.national.models import Proposal, ProposalStatus, Proposer
from zona.workflow.engine import Context, Table, Transition

MAX_REASON = 5000


def proposer_guard(ctx: Context[Proposal]) -> Refusal | None:
    from zona.national.access_proposal import may_propose, proposer_of

    agency = ctx.subject.agency
    who = proposer_of(agency)
    if may_propose(ctx.actor, agency, who):
        return None
    if who == Proposer.HEAD:
        message = _("Only the agency head submits or withdraws the proposal.")
    elif who == Proposer.ADMIN:
        message = _("Only the agency administrator submits or withdraws the proposal.")
    else:
        message = _("Only the agency head or the agency administrator submits the proposal.")
    return Refusal("not_proposer", message)


def ready_guard(ctx: Context[Proposal]) -> Refusal | None:
    from zona.national.selectors.proposal import refusal_of, submit_problems

    return refusal_of(submit_problems(ctx.subject, ctx.today))


def not_started_guard(ctx: Context[Proposal]) -> Refusal | None:
    from zona.national.selectors.proposal import withdraw_problem

    problem = withdraw_problem(ctx.subject)
    return Refusal(problem.code, problem.message) if problem else None


def reason_guard(ctx: Context[Proposal]) -> Refusal | None:
    if not ctx.reason.strip():
        return Refusal("reason_required", _("Give the reason."))
    if len(ctx.reason) > MAX_REASON:
        return Refusal("too_long", _("At most %(n)s characters.") % {"n": MAX_REASON})
    return None


def _submitted(ctx: Context[Proposal]) -> None:
    from zona.national.services.proposal import on_submit

    ctx.details.update(on_submit(ctx.subject, actor=ctx.actor, now=ctx.now))


def _withdrawn(ctx: Context[Proposal]) -> None:
    proposal = ctx.subject
    units = list(proposal.nominations.values_list("unit__code", flat=True))
    try:
        proposal.nominations.all().delete()
    except ProtectedError:
        raise StateError(
            _("The TPN has already recorded work on this proposal's nominations.")
        ) from None
    ctx.details.update(nominations_removed=units)


PROPOSAL: Table[Proposal] = Table(
    kind="proposal",
    model=Proposal,
    audit_prefix="proposal",
    unit_of=lambda proposal: proposal.agency,
    transitions={
        "submit": Transition(
            "submit",
            frozenset({ProposalStatus.DRAFT}),
            ProposalStatus.SUBMITTED,
            guards=(proposer_guard, ready_guard),
            effect=_submitted,
            label=gettext_lazy("Submit to the TPN"),
        ),
        "withdraw": Transition(
            "withdraw",
            frozenset({ProposalStatus.SUBMITTED}),
            ProposalStatus.WITHDRAWN,
            guards=(proposer_guard, not_started_guard, reason_guard),
            effect=_withdrawn,
            label=gettext_lazy("Withdraw the proposal"),
        ),
    },
)
