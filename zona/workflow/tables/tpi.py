"""The TPI's lifecycles (issue 10 §8).

The stage of the TPI's review of a sheet:

    findings ──return_findings──▶ deciding ──decide──▶ decided
        └────────skip_findings─────▲

Stage 1 (findings): the TPI returns its findings to the unit (the sheet's return, with the
items and the reason) or closes the stage without findings, saying why. Stage 2 (deciding):
the panel decides; its confirmation applies `decide`.

A TPI panel: draft ──confirm──▶ confirmed. Decisions change only in draft; confirming the
minutes makes them final.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.core.errors import Refusal
from zona.workflow.engine import Context, Table, Transition
from zona.workflow.models import PanelStatus, StageStatus, TpiPanel, TpiStage

MAX_REASON = 5000


def _tpi_actor(ctx: Context[TpiStage]) -> Refusal | None:
    from zona.workflow.selectors.tpi import tpi_actor_refusal

    return tpi_actor_refusal(ctx.actor, ctx.subject.review)


def _reason(ctx: Context) -> Refusal | None:
    if not ctx.reason.strip():
        return Refusal("reason_required", _("Give the reason."))
    if len(ctx.reason) > MAX_REASON:
        return Refusal("too_long", _("At most %(n)s characters.") % {"n": MAX_REASON})
    return None


def _returned(ctx: Context[TpiStage]) -> None:
    """Stage 1's findings go back to the unit through the sheet's return (its own guards:
    the TPI holds the sheet, the items exist); a refusal there refuses the whole action."""
    from zona.workflow.services.sheet import sheet_return

    stage = ctx.subject
    review = stage.review
    sheet_return(
        actor=ctx.actor,
        assessment=review.assessment,
        items=ctx.items,
        reason=ctx.reason,
        tier=review.tier,
        now=ctx.now,
    )
    stage.findings_items = list(ctx.items)
    stage.findings = ctx.reason
    stage.findings_by = ctx.actor
    stage.findings_at = ctx.now
    stage.returned = True
    ctx.details.update(returned=True)


def _skipped(ctx: Context[TpiStage]) -> None:
    stage = ctx.subject
    stage.findings_items = []
    stage.findings = ctx.reason
    stage.findings_by = ctx.actor
    stage.findings_at = ctx.now
    stage.returned = False
    ctx.details.update(returned=False)


def _decided(ctx: Context[TpiStage]) -> None:
    ctx.details.update(
        panel=ctx.data.get("panel"), propose=bool(ctx.data.get("propose")), decided=True
    )


S = StageStatus

TPI_STAGE: Table[TpiStage] = Table(
    kind="tpi_stage",
    model=TpiStage,
    audit_prefix="tpi_stage",
    assessment_of=lambda stage: stage.review.assessment,
    unit_of=lambda stage: stage.review.assessment.unit,
    transitions={
        "return_findings": Transition(
            "return_findings",
            frozenset({S.FINDINGS}),
            S.DECIDING,
            guards=(_tpi_actor, _reason),
            effect=_returned,
            label=gettext_lazy("Return the findings to the unit"),
        ),
        "skip_findings": Transition(
            "skip_findings",
            frozenset({S.FINDINGS}),
            S.DECIDING,
            guards=(_tpi_actor, _reason),
            effect=_skipped,
            label=gettext_lazy("Close stage 1 without findings"),
        ),
        "decide": Transition(
            "decide",
            frozenset({S.DECIDING}),
            S.DECIDED,
            effect=_decided,
            label=gettext_lazy("Decide"),
        ),
    },
)


# --- the panel ------------------------------------------------------------------------------


def panel_holder(ctx: Context[TpiPanel]) -> Refusal | None:
    from zona.workflow.selectors.tpi import may_hold_panel

    if may_hold_panel(ctx.actor, ctx.subject.period, ctx.subject.step):
        return None
    return Refusal(
        "not_panel_holder",
        _("Only the agency administrator or a TPI team lead holds the panel."),
    )


def minutes_ready(ctx: Context[TpiPanel]) -> Refusal | None:
    panel = ctx.subject
    if panel.chair_id is None:
        return Refusal("chair_required", _("Name the chair of the meeting first."))
    if not (panel.minutes.strip() or panel.minutes_file):
        return Refusal("minutes_required", _("Write the minutes or upload the minutes file."))
    if panel.held_on > ctx.today:
        return Refusal(
            "meeting_in_future", _("The meeting has not taken place yet; confirm it afterwards.")
        )
    if not panel.decisions.exists():
        return Refusal("no_decisions", _("Record at least one decision first."))
    return None


def decisions_hold(ctx: Context[TpiPanel]) -> Refusal | None:
    """Checked again at confirmation: every proposal's gates still met or overridden, every
    sheet in stage 2."""
    from zona.workflow.selectors.tpi import gates_refusal, panel_rows

    for row in panel_rows(ctx.subject):
        if row.decision is None:
            continue
        if not row.may_decide:
            return Refusal(
                "tpi_stage_1",
                _("%(unit)s is still in stage 1.") % {"unit": row.assessment.unit.name},
            )
        if row.decision.propose:
            refused = gates_refusal(row.gates)
            if refused is not None:
                return Refusal(refused.code, f"{row.assessment.unit.name}: {refused.message}")
    return None


def _confirmed(ctx: Context[TpiPanel]) -> None:
    from zona.workflow.engine import apply

    panel = ctx.subject
    panel.confirmed_at = ctx.now
    panel.confirmed_by = ctx.actor
    decided = []
    for decision in panel.decisions.select_related("assessment__unit"):
        stage = (
            TpiStage.objects.select_related("review__assessment__unit", "review__tier")
            .filter(review__step=panel.step, review__assessment=decision.assessment)
            .first()
        )
        if stage is not None and stage.status == StageStatus.DECIDING:
            apply(
                TPI_STAGE,
                stage,
                "decide",
                ctx.actor,
                now=ctx.now,
                tier=panel.step.tier,
                reason=decision.reason,
                data={"panel": panel.pk, "propose": decision.propose},
            )
        decided.append({"unit": decision.assessment.unit.code, "propose": decision.propose})
    ctx.details.update(decisions=decided)


TPI_PANEL: Table[TpiPanel] = Table(
    kind="tpi_panel",
    model=TpiPanel,
    audit_prefix="tpi_panel",
    unit_of=lambda panel: panel.period.agency,
    transitions={
        "confirm": Transition(
            "confirm",
            frozenset({PanelStatus.DRAFT}),
            PanelStatus.CONFIRMED,
            guards=(panel_holder, minutes_ready, decisions_hold),
            effect=_confirmed,
            label=gettext_lazy("Confirm the minutes"),
        ),
    },
)
