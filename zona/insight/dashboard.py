"""The unit dashboard (issue 12 §2): where one sheet stands, from its STORED scores.

Every score here is read from `StoredScore` (the unit's view, each tier's view, the effective
view); nothing is rescored per request. The thresholds are the framework's own predicate
conditions on the total, never constants. Progress and the item-by-item comparison read the
sheet's answers (three queries), the survey trend the running tallies, the timeline the
workflow events: a fixed number of queries whatever the number of tiers and rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import pgettext

from zona.accounts.selectors import working_group_of
from zona.assessments.models import Assessment
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    Progress,
    StoredView,
    empty_view,
    stored_scores,
)
from zona.assessments.selectors.state import UNIT_KEY, item_layers, load_sheet_state
from zona.assessments.sheet import SheetSpec, display_value, is_incomplete, text
from zona.frameworks.schema.documents import TOTAL
from zona.frameworks.scoring import round_half_up
from zona.surveys.reporting import trend_from_k
from zona.surveys.selectors import unit_trend
from zona.workflow.selectors.sheet import SheetEvent, sheet_history


@dataclass(frozen=True)
class Threshold:
    """A predicate's minimum on the total, as its framework states it."""

    key: str
    title: str
    bound: Decimal
    passed: bool | None


@dataclass(frozen=True)
class ViewColumn:
    key: str
    label: str
    # The view's stored total (the effective one after koefisien).
    total: Decimal


@dataclass(frozen=True)
class AreaRow:
    key: str
    title: str
    weight: Decimal
    # View key -> the area's stored score in that view.
    scores: dict[str, Decimal]
    # The effective view's score as a percentage of the area's weight.
    percent: Decimal | None
    # Whether the area lies in the first component (Pengungkit): those make the radar.
    enabler: bool
    progress: Progress


@dataclass(frozen=True)
class GroupRow:
    name: str
    areas: tuple[str, ...]
    progress: Progress


@dataclass(frozen=True)
class ItemDiff:
    code: str
    question: str
    # View column key -> the answer in words ("" where the layer has none).
    answers: dict[str, str]


@dataclass(frozen=True)
class SurveyPoint:
    label: str
    campaign_id: int
    values: dict[str, Decimal | None]


@dataclass(frozen=True)
class Dashboard:
    assessment: Assessment
    total: Decimal
    total_max: Decimal
    effective: StoredView
    thresholds: list[Threshold]
    views: list[ViewColumn]
    stored: dict[str, StoredView]
    areas: list[AreaRow]
    progress: Progress
    groups: list[GroupRow]
    survey_keys: list[str]
    survey: list[SurveyPoint]
    events: list[SheetEvent]
    items: list[ItemDiff]

    @property
    def radar(self) -> list[AreaRow]:
        return [area for area in self.areas if area.enabler]


def _percent(score: Decimal, weight: Decimal) -> Decimal | None:
    return round_half_up(100 * score / weight, 2) if weight else None


def _root(spec: SheetSpec, code: str) -> str:
    node = spec.nodes[code]
    while node.parent is not None:
        node = spec.nodes[node.parent]
    return node.code


def thresholds(spec: SheetSpec, effective: StoredView) -> list[Threshold]:
    """Each predicate's condition on the total, in the file's order."""
    result = []
    for predicate in spec.compiled.predicates:
        for condition in predicate.conditions:
            if condition.nodes == (TOTAL,) and condition.measure == "score":
                verdict = effective.verdicts.get(predicate.key)
                result.append(
                    Threshold(
                        key=predicate.key,
                        title=text(predicate.title),
                        bound=condition.bound,
                        passed=bool(verdict["passed"]) if verdict else None,
                    )
                )
    return result


def load_dashboard(assessment: Assessment) -> Dashboard:
    state = load_sheet_state(assessment)
    spec = state.spec
    stored = stored_scores([assessment.pk]).get(assessment.pk, {})
    if EFFECTIVE_KEY not in stored:
        stored[EFFECTIVE_KEY] = empty_view(assessment, EFFECTIVE_KEY)
    if UNIT_KEY not in stored:
        stored[UNIT_KEY] = empty_view(assessment, UNIT_KEY)
    effective = stored[EFFECTIVE_KEY]

    # The views in the chain's order: the unit, each tier that answered (by rank), effective.
    names = {layer.key: layer.name for layer in state.layers}
    views = [ViewColumn(UNIT_KEY, pgettext("score view", "Unit"), stored[UNIT_KEY].final_total)]
    for layer in state.layers:
        if layer.key in stored and layer.key != UNIT_KEY:
            views.append(ViewColumn(layer.key, names[layer.key], stored[layer.key].final_total))
    views.append(
        ViewColumn(EFFECTIVE_KEY, pgettext("score view", "Effective"), effective.final_total)
    )

    per_area: dict[str, Progress] = {area.key: Progress() for area in spec.areas}
    overall = Progress()
    for code, item in spec.items.items():
        value = state.unit_value(code)
        targets = [overall]
        if item.area in per_area:
            targets.append(per_area[item.area])
        for progress in targets:
            progress.total += 1
            if value is not None and not is_incomplete(item, value):
                progress.answered += 1
            elif value is not None:
                progress.incomplete += 1
            if state.links.get(code):
                progress.with_evidence += 1

    first_root = next((c for c, n in spec.nodes.items() if n.parent is None), None)
    area_rows = []
    for area in spec.areas:
        fields: Mapping[str, Any] = effective.areas.get(area.key, {})
        weight = Decimal(fields.get("weight", "0"))
        codes = [c for c, i in spec.items.items() if i.area == area.key]
        area_rows.append(
            AreaRow(
                key=area.key,
                title=text(area.title),
                weight=weight,
                scores={
                    v.key: Decimal(stored[v.key].areas.get(area.key, {}).get("score", "0"))
                    for v in views
                },
                percent=_percent(Decimal(fields.get("score", "0")), weight),
                enabler=bool(codes) and _root(spec, codes[0]) == first_root,
                progress=per_area[area.key],
            )
        )

    groups = []
    for assignment in working_group_of(assessment.unit):
        keys = tuple(k for k in (assignment.lke_areas or []) if k in per_area)
        progress = Progress()
        for key in keys:
            part = per_area[key]
            progress.total += part.total
            progress.answered += part.answered
            progress.with_evidence += part.with_evidence
            progress.incomplete += part.incomplete
        groups.append(GroupRow(assignment.user.display_name, keys, progress))

    survey_keys, trend = unit_trend(assessment.unit)
    survey = [
        SurveyPoint(
            f"{p.campaign.year} {p.campaign.period_label}",
            p.campaign.pk,
            {
                k: (None if p.values.get(k) is None else round_half_up(p.values[k], 2))  # type: ignore[arg-type]
                for k in survey_keys
            },
        )
        for p in trend_from_k(trend)
    ]

    layer_views = {layer.code: layer.key for layer in state.layers}
    items = []
    for row in item_layers(state):
        if not row.differs:
            continue
        spec_item = spec.items[row.item_code]
        by_view = {
            layer_views[code]: display_value(spec_item, answer.value)
            for code, answer in row.answers.items()
            if code in layer_views
        }
        by_view[EFFECTIVE_KEY] = display_value(spec_item, row.effective.value)
        # In the columns' order, so the table reads them in a row.
        answers = {v.key: by_view.get(v.key, "") for v in views}
        items.append(ItemDiff(row.item_code, text(spec_item.question), answers))

    roots = [n for n in spec.nodes.values() if n.parent is None]
    return Dashboard(
        assessment=assessment,
        total=round_half_up(effective.final_total, 2),
        total_max=sum((n.weight or Decimal(0) for n in roots), Decimal(0)),
        effective=effective,
        thresholds=thresholds(spec, effective),
        views=views,
        stored=stored,
        areas=area_rows,
        progress=overall,
        groups=groups,
        survey_keys=survey_keys,
        survey=survey,
        events=sheet_history(assessment, sheet_only=False),
        items=items,
    )


def chart_data(board: Dashboard) -> dict[str, Any]:
    """What the charts draw (JSON-ready; the same numbers are in the page's tables)."""

    def f(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "total": f(board.total),
        "max": f(board.total_max),
        "thresholds": [{"title": t.title, "bound": f(t.bound)} for t in board.thresholds],
        "radar": {
            "areas": [a.title for a in board.radar],
            "values": [f(a.percent) or 0 for a in board.radar],
        },
        "layers": {
            "areas": [a.title for a in board.areas],
            "series": [
                {"name": v.label, "values": [f(a.scores[v.key]) for a in board.areas]}
                for v in board.views
            ],
        },
        "survey": {
            "labels": [p.label for p in board.survey],
            "series": [
                {"name": k.upper(), "values": [f(p.values.get(k)) for p in board.survey]}
                for k in board.survey_keys
            ],
        },
    }
