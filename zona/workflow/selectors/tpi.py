"""Reads of the TPI part (issue 10 §8): which step is the TPI's, the gates of a sheet, the
stage of the TPI's review, the panel's rows, and what the national stage reads
(`panel_recommended`).

Who does what (docs: /tmp/s3/docs-tpi.md):
- The agency administrator (UNIT_MANAGE on the agency root) configures the gates; the
  administrator of the period (PERIOD_MANAGE) marks the TPI step.
- The TPI's team lead or technical controller for the unit records gate facts and
  overrides, and moves the stage (returns findings or closes stage 1 without findings).
- The agency administrator or a team lead of the TPI step holds panels and records the
  decisions; every member of a TPI team reads them. Anyone else: 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.accounts.access import Perm, user_can
from zona.accounts.models import ReviewTier, Unit
from zona.assessments.models import AnswerChange, Assessment, Period, StoredScore
from zona.assessments.sheet import sheet_spec
from zona.core.api.params import int_or_none
from zona.core.errors import Refusal
from zona.frameworks.scoring import CompiledFramework
from zona.workflow.models import (
    ChainStep,
    GateComparison,
    GateKind,
    GateSource,
    GateValueType,
    PanelStatus,
    ReviewTeam,
    StageStatus,
    TierReview,
    TierReviewStatus,
    TpiDecision,
    TpiGate,
    TpiGateFact,
    TpiGateOverride,
    TpiPanel,
    TpiStage,
    TpiStepConfig,
)

YES, NO = "yes", "no"

# --- the TPI step -------------------------------------------------------------------------------


def tpi_step(period: Period | int) -> ChainStep | None:
    """The period's step marked as the TPI's, or None."""
    config = (
        TpiStepConfig.objects.select_related("step__tier", "step__period")
        .filter(step__period=period)
        .first()
    )
    return config.step if config else None


def is_tpi_step(step: ChainStep) -> bool:
    return TpiStepConfig.objects.filter(step=step).exists()


def tpi_review(assessment: Assessment) -> TierReview | None:
    """The sheet's review in its period's TPI step, or None."""
    return (
        TierReview.objects.select_related("tier", "step", "assessment")
        .filter(assessment=assessment, step__tpi_config__isnull=False)
        .first()
    )


# --- who may do what ------------------------------------------------------------------------


def is_period_admin(user: Any, period: Period) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user_can(user, Perm.PERIOD_MANAGE, period.agency)
    )


def in_step_team(user: Any, step: ChainStep | int, *, leads_only: bool = False) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    who = Q(lead_id=user.pk) | Q(controller_id=user.pk)
    if not leads_only:
        who |= Q(members=user.pk)
    return ReviewTeam.objects.filter(step=step).filter(who).exists()


def may_hold_panel(user: Any, period: Period, step: ChainStep | None) -> bool:
    """The agency administrator, or a team lead or controller of the TPI step."""
    if is_period_admin(user, period):
        return True
    return step is not None and in_step_team(user, step, leads_only=True)


def access_tpi_period(user: Any, period_id: object) -> Period:
    """A period whose TPI panels the user sees: the agency administrator's, or one whose TPI
    step has the user in a team. Else 404."""
    pk = int_or_none(period_id)
    period = (
        Period.objects.select_related("agency", "framework").filter(pk=pk).first() if pk else None
    )
    if period is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if is_period_admin(user, period):
        return period
    step = tpi_step(period)
    if step is not None and in_step_team(user, step):
        return period
    raise Http404


def access_panel_by_id(user: Any, panel_id: object) -> TpiPanel:
    """A panel the user sees (as `access_tpi_period`); else 404."""
    pk = int_or_none(panel_id)
    panel = (
        TpiPanel.objects.select_related(
            "period__agency", "period__framework", "step__tier", "chair", "confirmed_by"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if panel is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if is_period_admin(user, panel.period) or in_step_team(user, panel.step):
        return panel
    raise Http404


def access_gate_by_id(agency: Unit, gate_id: object) -> TpiGate:
    """A gate of an already-authorised agency; else 404."""
    pk = int_or_none(gate_id)
    gate = TpiGate.objects.filter(pk=pk, agency=agency).first() if pk else None
    if gate is None:
        raise Http404
    return gate


def tpi_actor_refusal(user: Any, review: TierReview) -> Refusal | None:
    """Why `user` may not act for the TPI on this sheet (record facts and overrides, move
    the stage), or None: the team lead or technical controller for the unit, while the
    period is open, separation of duties holding."""
    from zona.assessments.models import PeriodStatus
    from zona.workflow.tables.reviews import separation_refusal, team_for

    team = team_for(review)
    pk = getattr(user, "pk", None)
    if team is None or pk is None or pk not in (team.lead_id, team.controller_id):
        return Refusal(
            "not_tpi_lead",
            _("Only the TPI team lead or technical controller for this unit can do this."),
        )
    if review.assessment.period.status == PeriodStatus.CLOSED:
        return Refusal(
            "period_closed", _("The period is closed; the sheet can no longer be changed.")
        )
    return separation_refusal(user, review)


# --- gates ------------------------------------------------------------------------------------


def gates_of(agency: Unit | int, *, active_only: bool = False) -> list[TpiGate]:
    rows = TpiGate.objects.filter(agency=agency)
    if active_only:
        rows = rows.filter(active=True)
    return list(rows.order_by("position", "pk"))


def applies_to(gate: TpiGate, assessment: Assessment) -> bool:
    return not gate.target or gate.target == assessment.target


_hasil_names: dict[tuple[str, int, str, str], frozenset[str]] = {}


def hasil_conditions(fw: CompiledFramework, target: str) -> dict[str, Any]:
    """The target predicate's conditions on the Hasil component (the framework's second
    top-level component): name -> condition (thresholds from the framework file)."""
    roots = [c for c, n in fw.nodes.items() if n.parent is None]
    predicate = next((p for p in fw.predicates if p.key == target), None)
    if predicate is None or len(roots) < 2:
        return {}
    hasil = roots[1]

    def under(code: str) -> bool:
        node = fw.nodes.get(code)
        while node is not None:
            if node.code == hasil:
                return True
            node = fw.nodes.get(node.parent) if node.parent else None
        return False

    return {
        c.name: c
        for c in predicate.conditions
        if c.nodes and all(code != "TOTAL" and under(code) for code in c.nodes)
    }


def predicate_conditions(fw: CompiledFramework, target: str) -> dict[str, Any]:
    predicate = next((p for p in fw.predicates if p.key == target), None)
    return {c.name: c for c in predicate.conditions} if predicate else {}


class GateState:
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"
    OVERRIDDEN = "overridden"
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True)
class GateResult:
    gate: TpiGate
    state: str
    value: str = ""
    # A computed gate's failing conditions: (title, bound) pairs to show.
    failing: tuple[str, ...] = ()
    fact: TpiGateFact | None = None
    override: TpiGateOverride | None = None

    @property
    def shown_value(self) -> str:
        """The value as people read it (yes/no in their language)."""
        return shown(self.gate, self.value)

    @property
    def shown_required(self) -> str:
        return shown(self.gate, self.gate.required)

    @property
    def blocks(self) -> bool:
        return self.state in (GateState.FAILED, GateState.MISSING, GateState.NOT_CHECKED)

    @property
    def may_override(self) -> bool:
        return self.state in (GateState.FAILED, GateState.MISSING)


@dataclass(frozen=True)
class SheetGates:
    results: tuple[GateResult, ...] = ()

    @property
    def blocked(self) -> bool:
        return any(r.blocks for r in self.results)

    @property
    def blocking(self) -> list[GateResult]:
        return [r for r in self.results if r.blocks]

    def snapshot(self) -> dict[str, str]:
        return {r.gate.code: r.state for r in self.results}


def shown(gate: TpiGate, value: str) -> str:
    if gate.value_type == GateValueType.YES_NO and value in (YES, NO):
        return str(
            pgettext("tpi gate value", "yes") if value == YES else pgettext("tpi gate value", "no")
        )
    return value


def compare(gate: TpiGate, value: str) -> bool | None:
    """Whether `value` meets the gate (None: the value cannot be read for this gate)."""
    op = gate.comparison
    if gate.value_type == GateValueType.NUMBER:
        try:
            got, need = Decimal(value), Decimal(gate.required)
        except (InvalidOperation, ValueError):
            return None
        if not got.is_finite():
            return None
        return got >= need if op == "gte" else got <= need if op == "lte" else got == need
    if gate.value_type == GateValueType.GRADE:
        scale = [str(s) for s in gate.scale or []]
        if value not in scale or gate.required not in scale:
            return None
        # Best first: "at least" means the same place or earlier.
        got_i, need_i = scale.index(value), scale.index(gate.required)
        if op == GateComparison.AT_LEAST:
            return got_i <= need_i
        if op == GateComparison.AT_MOST:
            return got_i >= need_i
        return got_i == need_i
    if value not in (YES, NO):
        return None
    return value == gate.required


def valid_value(gate: TpiGate, value: str) -> bool:
    return compare(gate, value) is not None


def _view_for(rows: Sequence[StoredScore], tier: ReviewTier | None) -> StoredScore | None:
    """The TPI tier's view: its own, else the highest tier view below it, else the unit's."""
    if tier is not None:
        tiers = [
            r
            for r in rows
            if r.tier_id is not None and r.tier is not None and r.tier.rank <= tier.rank
        ]
        if tiers:
            return max(tiers, key=lambda r: r.tier.rank)  # type: ignore[union-attr]
    return next((r for r in rows if r.key == "unit"), None)


def _computed(gate: TpiGate, assessment: Assessment, view: StoredScore | None) -> GateResult:
    if view is None:
        return GateResult(gate, GateState.MISSING)
    fw = sheet_spec(assessment.period.framework).compiled
    target = assessment.target
    conditions = (
        hasil_conditions(fw, target)
        if gate.source == GateSource.HASIL
        else predicate_conditions(fw, target)
    )
    failing_names = [
        n for n in (view.verdicts or {}).get(target, {}).get("failing", []) if n in conditions
    ]
    language = _lang()
    failing = tuple(
        f"{_title(conditions[n].title, language)} \u2265 {conditions[n].bound}"
        for n in failing_names
    )
    value = NO if failing_names else YES
    ok = compare(gate, value)
    return GateResult(gate, GateState.PASSED if ok else GateState.FAILED, value, failing)


def _lang() -> str:
    from django.utils.translation import get_language

    return (get_language() or "id")[:2]


def _title(title: Any, language: str) -> str:
    if title is None:
        return ""
    return str(getattr(title, language, None) or getattr(title, "id", "") or title)


def evaluate_gates(
    assessments: Sequence[Assessment], tier: ReviewTier | None
) -> dict[int, SheetGates]:
    """Each sheet's gates (its agency's active gates that apply to its target), in order.
    Four queries for any number of sheets (gates, stored views, facts, overrides)."""
    if not assessments:
        return {}
    agencies = {a.period.agency_id for a in assessments}
    gates_by_agency: dict[int, list[TpiGate]] = defaultdict(list)
    for gate in TpiGate.objects.filter(agency_id__in=agencies, active=True).order_by(
        "position", "pk"
    ):
        gates_by_agency[gate.agency_id].append(gate)
    ids = [a.pk for a in assessments]
    views: dict[int, list[StoredScore]] = defaultdict(list)
    for row in StoredScore.objects.filter(assessment_id__in=ids).select_related("tier"):
        views[row.assessment_id].append(row)
    facts = {
        (f.assessment_id, f.gate_id): f
        for f in TpiGateFact.objects.filter(assessment_id__in=ids).select_related("recorded_by")
    }
    overrides = {
        (o.assessment_id, o.gate_id): o
        for o in TpiGateOverride.objects.filter(assessment_id__in=ids).select_related("by")
    }
    result: dict[int, SheetGates] = {}
    for assessment in assessments:
        view = _view_for(views.get(assessment.pk, []), tier)
        rows: list[GateResult] = []
        stopped = False
        for gate in gates_by_agency.get(assessment.period.agency_id, []):
            if not applies_to(gate, assessment):
                continue
            override = overrides.get((assessment.pk, gate.pk))
            if stopped:
                rows.append(GateResult(gate, GateState.NOT_CHECKED))
                continue
            if gate.kind == GateKind.COMPUTED:
                res = _computed(gate, assessment, view)
            else:
                fact = facts.get((assessment.pk, gate.pk))
                if fact is None:
                    res = GateResult(gate, GateState.MISSING)
                else:
                    ok = compare(gate, fact.value)
                    res = GateResult(
                        gate,
                        GateState.PASSED if ok else GateState.FAILED,
                        fact.value,
                        fact=fact,
                    )
            if res.may_override and override is not None:
                res = GateResult(
                    gate, GateState.OVERRIDDEN, res.value, res.failing, res.fact, override
                )
            elif res.state == GateState.FAILED and gate.stops_on_failure:
                stopped = True
            rows.append(res)
        result[assessment.pk] = SheetGates(tuple(rows))
    return result


def sheet_gates(assessment: Assessment) -> SheetGates:
    step = tpi_step(assessment.period_id)
    return evaluate_gates([assessment], step.tier if step else None)[assessment.pk]


def gates_refusal(gates: SheetGates) -> Refusal | None:
    blocking = gates.blocking
    if not blocking:
        return None
    return Refusal(
        "gate_failed",
        _("A gate is not met and not overridden: %(gates)s.")
        % {"gates": ", ".join(r.gate.name for r in blocking)},
    )


# --- the stage --------------------------------------------------------------------------------


def stage_of(review: TierReview) -> TpiStage | None:
    return TpiStage.objects.filter(review=review).first()


def stage_number(stage: TpiStage | None) -> int:
    return 1 if stage is None else stage.number


def complete_refusal(review: TierReview, recommendation: str) -> Refusal | None:
    """For the reviews part's completion of a TPI review: forwarding needs stage 2 and the
    gates met (or overridden). None for any other step."""
    if recommendation != "forward" or not is_tpi_step(review.step):
        return None
    stage = stage_of(review)
    if stage is None or stage.status == StageStatus.FINDINGS:
        return Refusal(
            "tpi_stage_1",
            _("Stage 1 is not finished: return the findings to the unit (or close it) first."),
        )
    return gates_refusal(sheet_gates(review.assessment))


# --- the panel ------------------------------------------------------------------------------


def panels_of(period: Period) -> list[TpiPanel]:
    return list(
        TpiPanel.objects.filter(period=period)
        .select_related("chair", "step__tier")
        .order_by("-held_on", "-pk")
    )


@dataclass
class PanelRow:
    review: TierReview
    assessment: Assessment
    view: StoredScore | None
    gates: SheetGates
    stage: TpiStage | None
    answered_by: list[str] = field(default_factory=list)
    decision: TpiDecision | None = None

    @property
    def stage_number(self) -> int:
        return stage_number(self.stage)

    @property
    def may_decide(self) -> bool:
        return self.stage is not None and self.stage.status != StageStatus.FINDINGS


# The reviews a panel decides on: the sheets the TPI holds or has completed.
PANEL_REVIEW_STATES = (
    TierReviewStatus.OPEN,
    TierReviewStatus.RETURNED,
    TierReviewStatus.COMPLETED,
)


def panel_rows(panel: TpiPanel) -> list[PanelRow]:
    """One row per sheet that reached the TPI step: its TPI view, gates, stage, the members
    who answered in the TPI layer, and the panel's decision. A constant number of queries."""
    reviews = list(
        TierReview.objects.filter(step=panel.step, status__in=PANEL_REVIEW_STATES)
        .select_related(
            "tier",
            "assessment__unit",
            "assessment__period__agency",
            "assessment__period__framework",
        )
        .order_by("assessment__unit__code", "pk")
    )
    assessments = [r.assessment for r in reviews]
    tier = panel.step.tier
    gates = evaluate_gates(assessments, tier)
    ids = [a.pk for a in assessments]
    stages = {s.review_id: s for s in TpiStage.objects.filter(review__in=reviews)}
    views: dict[int, list[StoredScore]] = defaultdict(list)
    for row in StoredScore.objects.filter(assessment_id__in=ids).select_related("tier"):
        views[row.assessment_id].append(row)
    answered: dict[int, set[str]] = defaultdict(set)
    for aid, name, username in (
        AnswerChange.objects.filter(assessment_id__in=ids, layer__tier=tier)
        .values_list("assessment_id", "changed_by__full_name", "changed_by__username")
        .distinct()
    ):
        if name or username:
            answered[aid].add(name or username)
    decisions = {
        d.assessment_id: d
        for d in TpiDecision.objects.filter(panel=panel).select_related("decided_by")
    }
    return [
        PanelRow(
            review=r,
            assessment=r.assessment,
            view=_view_for(views.get(r.assessment_id, []), tier),
            gates=gates.get(r.assessment_id, SheetGates()),
            stage=stages.get(r.pk),
            answered_by=sorted(answered.get(r.assessment_id, set())),
            decision=decisions.get(r.assessment_id),
        )
        for r in reviews
        # A sheet an earlier panel decided (its stage is decided, and not by this panel)
        # is not on this one's agenda.
        if r.assessment_id in decisions
        or getattr(stages.get(r.pk), "status", None) != StageStatus.DECIDED
    ]


def access_panel_sheet(panel: TpiPanel, assessment_id: object) -> TierReview:
    """The TPI review of a sheet the (authorised) panel decides on; else 404."""
    pk = int_or_none(assessment_id)
    review = (
        TierReview.objects.filter(step=panel.step, assessment_id=pk, status__in=PANEL_REVIEW_STATES)
        .select_related("assessment__unit", "assessment__period__agency", "tier", "step")
        .first()
        if pk
        else None
    )
    if review is None:
        raise Http404
    return review


def panel_recommended(period: Period | int) -> list[Assessment]:
    """The sheets the TPI proposes to TPN in the period: the latest decision on each sheet
    in a confirmed panel, when it proposes. What the national stage (issue 11) reads."""
    latest: dict[int, TpiDecision] = {}
    for d in (
        TpiDecision.objects.filter(panel__period=period, panel__status=PanelStatus.CONFIRMED)
        .select_related("assessment__unit", "assessment__period")
        .order_by("panel__confirmed_at", "panel_id", "pk")
    ):
        latest[d.assessment_id] = d
    return sorted((d.assessment for d in latest.values() if d.propose), key=lambda a: a.unit.code)


def today() -> dt.date:
    return timezone.localdate()


def recipients_of_decision(assessment: Assessment) -> tuple[list[Any], list[Any]]:
    """Who is told of a decision: (the unit's operators and head, the agency administrators)."""
    from zona.accounts.models import Role, RoleAssignment

    rows = RoleAssignment.objects.filter(
        Q(unit=assessment.unit, role__in=[Role.UNIT_OPERATOR, Role.UNIT_HEAD])
        | Q(unit=assessment.period.agency, role=Role.AGENCY_ADMIN),
        user__is_active=True,
    ).select_related("user")
    unit: dict[int, Any] = {}
    admins: dict[int, Any] = {}
    for a in rows:
        (admins if a.role == Role.AGENCY_ADMIN else unit)[a.user.pk] = a.user
    return (
        sorted(unit.values(), key=lambda u: u.pk),
        sorted((u for pk, u in admins.items() if pk not in unit), key=lambda u: u.pk),
    )


def units_of(rows: Iterable[PanelRow]) -> list[str]:
    return [r.assessment.unit.code for r in rows]
