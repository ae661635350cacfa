"""A candidacy's lifecycle (issue 11 §1):

    designated ──withdraw──▶ withdrawn ──redesignate──▶ designated

The echelon-I head above the unit (or the agency administrator) designates a unit for a
year (`services.candidacy.candidacy_designate` creates the row) and may withdraw it, with a
reason. Designating it again checks the same conditions as the first designation: the
unit's declaration for the year and every active eligibility criterion answered "yes".
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal
from zona.national.models import Candidacy, CandidacyStatus, PredicateKind
from zona.workflow.engine import Context, Table, Transition

MAX_REASON = 2000


def _designator(ctx: Context[Candidacy]) -> Refusal | None:
    from zona.national.access_candidacy import is_designator

    if is_designator(ctx.actor, ctx.subject.unit):
        return None
    return Refusal(
        "not_designator",
        _("Only the echelon-I head above the unit or the agency administrator designates it."),
    )


def _reason(ctx: Context[Candidacy]) -> Refusal | None:
    if not ctx.reason.strip():
        return Refusal("reason_required", _("Give the reason."))
    if len(ctx.reason) > MAX_REASON:
        return Refusal("too_long", _("At most %(n)s characters.") % {"n": MAX_REASON})
    return None


def _ready(ctx: Context[Candidacy]) -> Refusal | None:
    from zona.national.selectors.candidacy import designation_refusal

    return designation_refusal(ctx.subject.unit, ctx.subject.year)


def _withdrawn(ctx: Context[Candidacy]) -> None:
    ctx.details.update(year=ctx.subject.year, target=ctx.subject.target)


def _redesignated(ctx: Context[Candidacy]) -> None:
    candidacy = ctx.subject
    target = ctx.data.get("target") or candidacy.target
    if target not in PredicateKind.values:
        from zona.core.errors import ValidationFailed

        raise ValidationFailed(_("Choose WBK or WBBM."))
    ctx.details.update(year=candidacy.year, target=target, previous_target=candidacy.target)
    candidacy.target = target
    candidacy.designated_by = ctx.actor
    candidacy.designated_at = ctx.now
    if "note" in ctx.data:
        candidacy.note = str(ctx.data["note"])[:MAX_REASON]


S = CandidacyStatus

CANDIDACY: Table[Candidacy] = Table(
    kind="candidacy",
    model=Candidacy,
    audit_prefix="candidacy",
    unit_of=lambda candidacy: candidacy.unit,
    transitions={
        "withdraw": Transition(
            "withdraw",
            frozenset({S.DESIGNATED}),
            S.WITHDRAWN,
            guards=(_designator, _reason),
            effect=_withdrawn,
            label=gettext_lazy("Withdraw the designation"),
        ),
        "redesignate": Transition(
            "redesignate",
            frozenset({S.WITHDRAWN}),
            S.DESIGNATED,
            guards=(_designator, _ready),
            effect=_redesignated,
            label=gettext_lazy("Designate again"),
        ),
    },
)
