"""A sheet's scores: per layer and per view, as stored for lists, and progress per section.

A *view* is the sheet as one party sees it: the unit's layer alone (`unit`), the sheet as a
review tier sees it once it has answered (`tier:<id>`: per item the answer of the highest
layer at or below that tier, the unit's at the bottom) and the effective sheet
(`effective`: the highest layer of all, then the koefisien). `score_views` computes them
and `stored_fields` gives the row that `services.scores.scores_refresh` keeps in
`StoredScore`; both are pure, so the pages, the refresh, `check_scores` and the migration
that filled the first rows agree by construction.
Lists read the stored rows (`stored_scores`) and never rescore a sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils import timezone

from zona.assessments.models import Answer as AnswerModel
from zona.assessments.models import AnswerLayer, Assessment, StoredAreaScore, StoredScore
from zona.assessments.selectors.state import UNIT_KEY, SheetState
from zona.assessments.sheet import SheetSpec, is_incomplete, score_value, sheet_spec
from zona.frameworks.scoring import (
    Answer,
    CompiledFramework,
    Penalty,
    Scorecard,
    effective_answers,
    round_half_up,
    score,
    score_layers,
)

# The effective view's key among the stored views (the unit's is `UNIT_KEY`).
EFFECTIVE_KEY = "effective"

# The fields of `StoredScore` that `stored_fields` computes (what `check_scores` compares).
STORED_FIELDS = (
    "tier_id",
    "total",
    "pengungkit",
    "hasil",
    "components",
    "areas",
    "answered",
    "passed",
    "verdicts",
    "deductions",
    "total_after_deductions",
)


@dataclass(frozen=True)
class SheetScores:
    unit: Scorecard
    # Each layer alone, keyed by `LayerInfo.key`.
    layers: dict[str, Scorecard]
    effective: Scorecard
    target: str
    # The views as stored: `unit`, `tier:<id>` for each tier with a layer, `effective`.
    views: dict[str, Scorecard] = field(default_factory=dict)


def held_predicates(assessment: Assessment, target: str | None = None) -> frozenset[str]:
    """The predicates the sheet's unit holds today, from the predicate register (the WBBM
    verdict needs a held WBK). Without a register the sheet is judged as holding what its
    target requires (`target`: another target than the sheet's, for the planner)."""
    return held_predicates_of([assessment], target=target)[assessment.pk]


def held_predicates_of(
    assessments: Sequence[Assessment], *, target: str | None = None
) -> dict[int, frozenset[str]]:
    """`held_predicates` for many sheets in one query."""
    from zona.assessments.ports import predicate_register

    held = predicate_register().held({a.unit_id for a in assessments}, timezone.localdate())
    result: dict[int, frozenset[str]] = {}
    for a in assessments:
        if held is None:
            fw = sheet_spec(a.period.framework).compiled
            result[a.pk] = fw.prerequisites(target or a.target)
        else:
            result[a.pk] = held.get(a.unit_id, frozenset())
    return result


def sheet_scores(state: SheetState) -> SheetScores:
    """The sheet scored live from its state. The effective view carries the koefisien
    recorded on the sheet (the deductions stored with its effective view), as lists do."""
    fw = state.spec.compiled
    held = held_predicates(state.assessment)
    layered = score_layers(
        fw,
        [(layer.key, state.layer_values(layer)) for layer in state.layers],
        held_predicates=held,
    )
    stored = (
        StoredScore.objects.filter(assessment_id=state.assessment.pk, key=EFFECTIVE_KEY)
        .values_list("deductions", flat=True)
        .first()
    )
    penalties = penalties_from_json(stored or [])
    views = score_views(
        fw,
        [
            LayerAnswers(layer.key, layer.tier_id, layer.rank, state.scoreable[layer.key])
            for layer in state.layers
        ],
        held_predicates=held,
        penalties=penalties,
    )
    return SheetScores(
        unit=layered.layers[UNIT_KEY],
        layers=layered.layers,
        effective=views[EFFECTIVE_KEY] if penalties else layered.effective,
        target=state.assessment.target,
        views=views,
    )


# --- views and the rows stored for them -------------------------------------------------------


class LayerAnswers(NamedTuple):
    """One layer's scoreable answers, with what orders it among the sheet's layers."""

    key: str
    tier_id: int | None
    # The tier's rank; the unit's layer is below every tier.
    rank: int
    values: Mapping[str, Answer]


def tier_key(tier_id: int) -> str:
    return f"tier:{tier_id}"


def key_tier_id(key: str) -> int | None:
    """The tier of a view key (`tier_key`'s inverse); None for the unit's and effective views."""
    return int(key.split(":", 1)[1]) if key.startswith("tier:") else None


def score_views(
    fw: CompiledFramework,
    layers: Sequence[LayerAnswers],
    *,
    held_predicates: Set[str] = frozenset(),
    penalties: Sequence[Penalty] = (),
) -> dict[str, Scorecard]:
    """The unit's view, the view of each tier that answered (its answers over those below)
    and the effective view (the koefisien reduce this one only)."""
    ordered = sorted(layers, key=lambda layer: (layer.tier_id is not None, layer.rank))
    unit = next((layer.values for layer in ordered if layer.tier_id is None), {})
    views = {UNIT_KEY: score(fw, unit, held_predicates=held_predicates)}
    below: list[Mapping[str, Answer]] = [unit]
    last = UNIT_KEY
    for layer in ordered:
        # A tier with nothing scoreable yet sees the sheet as the tier below does: it gets
        # its view with its first answer (a value change, which is what refreshes).
        if layer.tier_id is None or not layer.values:
            continue
        below.append(layer.values)
        last = tier_key(layer.tier_id)
        views[last] = score(fw, effective_answers(below), held_predicates=held_predicates)
    if penalties:
        views[EFFECTIVE_KEY] = score(
            fw, effective_answers(below), penalties=penalties, held_predicates=held_predicates
        )
    else:
        # Without koefisien the effective sheet is the highest view: no second scoring.
        views[EFFECTIVE_KEY] = views[last]
    return views


@dataclass(frozen=True)
class _Layout:
    components: tuple[str, ...]
    roots: tuple[str, ...]
    # Area key -> the topmost nodes declared in it, and its items.
    area_nodes: dict[str, tuple[str, ...]]
    area_items: dict[str, frozenset[str]]


_layouts: dict[tuple[str, int, str], _Layout] = {}


def _layout(fw: CompiledFramework) -> _Layout:
    key = (fw.key, fw.version, fw.content_hash)
    layout = _layouts.get(key)
    if layout is None:
        nodes = fw.nodes
        area_nodes: dict[str, list[str]] = defaultdict(list)
        area_items: dict[str, list[str]] = defaultdict(list)
        for code, node in nodes.items():
            if node.area is None:
                continue
            parent = nodes[node.parent] if node.parent else None
            if parent is None or parent.area != node.area:
                area_nodes[node.area].append(code)
            if node.kind == "item":
                area_items[node.area].append(code)
        layout = _Layout(
            components=tuple(c for c, n in nodes.items() if n.kind in ("component", "part")),
            roots=tuple(c for c, n in nodes.items() if n.parent is None),
            area_nodes={k: tuple(v) for k, v in area_nodes.items()},
            area_items={k: frozenset(v) for k, v in area_items.items()},
        )
        _layouts[key] = layout
    return layout


def area_weights(fw: CompiledFramework) -> dict[str, Decimal]:
    """Area key -> its weight: what `stored_fields` writes as each area's "weight"."""
    weights = {code: weight for code, _slot, weight in fw.score_slots}
    return {
        area: _d(sum((weights[c] for c in codes if c in weights), Decimal(0)))
        for area, codes in _layout(fw).area_nodes.items()
    }


def _d(value: Decimal) -> Decimal:
    return round_half_up(value, 4)


def _s(value: Decimal) -> str:
    return str(round_half_up(value, 4))


def penalties_json(penalties: Sequence[Penalty]) -> list[dict[str, Any]]:
    return [
        {
            "kind": p.kind,
            "factor": _s(p.factor) if p.factor is not None else None,
            "points": _s(p.points) if p.points is not None else None,
            "label": p.label,
        }
        for p in penalties
    ]


def penalties_from_json(raw: Iterable[Mapping[str, Any]]) -> list[Penalty]:
    return [
        Penalty(
            kind=entry["kind"],
            factor=Decimal(entry["factor"]) if entry.get("factor") is not None else None,
            points=Decimal(entry["points"]) if entry.get("points") is not None else None,
            label=entry.get("label", ""),
        )
        for entry in raw
    ]


def stored_fields(
    fw: CompiledFramework,
    key: str,
    card: Scorecard,
    *,
    target: str,
    penalties: Sequence[Penalty] = (),
) -> dict[str, Any]:
    """The `StoredScore` fields of one view (see STORED_FIELDS)."""
    layout = _layout(fw)
    nodes = card.nodes
    roots = [nodes[code].score for code in layout.roots if code in nodes]
    answered = {code for code, value in card.items.items() if value is not None}
    areas: dict[str, dict[str, Any]] = {}
    for area, codes in layout.area_nodes.items():
        items = layout.area_items.get(area, frozenset())
        areas[area] = {
            "score": _s(sum((nodes[c].score for c in codes if c in nodes), Decimal(0))),
            "weight": _s(sum((nodes[c].weight for c in codes if c in nodes), Decimal(0))),
            "answered": len(answered & items),
            "items": len(items),
        }
    verdict = card.verdicts.get(target)
    effective = key == EFFECTIVE_KEY
    return {
        "tier_id": key_tier_id(key),
        "total": _d(card.total_before_penalties),
        "pengungkit": _d(roots[0]) if roots else None,
        "hasil": _d(roots[1]) if len(roots) > 1 else None,
        "components": {code: _s(nodes[code].score) for code in layout.components},
        "areas": areas,
        "answered": len(answered),
        "passed": verdict.passed if verdict else None,
        "verdicts": {
            k: {"passed": v.passed, "failing": [c.name for c in v.conditions if not c.passed]}
            for k, v in card.verdicts.items()
        },
        "deductions": penalties_json(penalties) if effective else [],
        "total_after_deductions": _d(card.total) if effective else None,
    }


def computed_rows(
    spec: SheetSpec,
    layers: Sequence[LayerAnswers],
    *,
    target: str,
    penalties: Sequence[Penalty] = (),
    held: frozenset[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """View key -> its stored fields, for one sheet (`held`: the predicates its unit holds;
    None: what the target requires)."""
    fw = spec.compiled
    if held is None:
        held = fw.prerequisites(target)
    views = score_views(fw, layers, held_predicates=held, penalties=penalties)
    return {
        key: stored_fields(fw, key, card, target=target, penalties=penalties)
        for key, card in views.items()
    }


def area_rows(views: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], AreaFigures]:
    """(view key, area) -> the `StoredAreaScore` figures of one sheet's views (as
    `computed_rows` gives them, or as stored): the area's score, and its difference from
    the unit's own view's score in the same area (0 for the unit's view)."""
    own = (views.get(UNIT_KEY) or {}).get("areas") or {}
    result: dict[tuple[str, str], AreaFigures] = {}
    for key, fields in views.items():
        for area, figures in (fields.get("areas") or {}).items():
            score = Decimal(str(figures.get("score", "0")))
            base = Decimal(str(own[area].get("score", "0"))) if area in own else score
            result[(key, area)] = AreaFigures(_d(score), _d(score - base))
    return result


class AreaFigures(NamedTuple):
    score: Decimal
    difference: Decimal


def scoreable(spec: SheetSpec, values: Mapping[str, Any]) -> dict[str, Answer]:
    """The answers the engine gets from stored values (incomplete counts are unanswered)."""
    result: dict[str, Answer] = {}
    for code, value in values.items():
        item = spec.items.get(code)
        if item is None:
            continue
        answer = score_value(item, value)
        if answer is not None:
            result[code] = answer
    return result


def layer_answers(assessments: Sequence[Assessment]) -> dict[int, list[LayerAnswers]]:
    """Every layer's scoreable answers of the given sheets, in two queries whatever their
    number (the caller chunks long lists)."""
    by_id = {a.pk: a for a in assessments}
    layers: dict[int, tuple[int, int | None, int]] = {}
    for pk, sheet_id, tier, rank in AnswerLayer.objects.filter(
        assessment_id__in=list(by_id)
    ).values_list("pk", "assessment_id", "tier_id", "tier__rank"):
        layers[pk] = (sheet_id, tier, rank if rank is not None else -1)
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    for layer_id, code, value in (
        AnswerModel.objects.filter(layer_id__in=list(layers), value__isnull=False)
        .values_list("layer_id", "item_code", "value")
        .iterator(chunk_size=5000)
    ):
        values[layer_id][code] = value
    result: dict[int, list[LayerAnswers]] = {pk: [] for pk in by_id}
    for layer_id, (assessment_id, tier_id, order) in layers.items():
        spec = sheet_spec(by_id[assessment_id].period.framework)
        key = UNIT_KEY if tier_id is None else tier_key(tier_id)
        result[assessment_id].append(
            LayerAnswers(key, tier_id, order, scoreable(spec, values.get(layer_id, {})))
        )
    return result


# --- reading stored views ----------------------------------------------------------------------


@dataclass(frozen=True)
class StoredView:
    """One stored view of a sheet, as lists read it."""

    key: str
    tier_id: int | None
    total: Decimal
    pengungkit: Decimal | None
    hasil: Decimal | None
    components: Mapping[str, str]
    areas: Mapping[str, Mapping[str, Any]]
    answered: int
    passed: bool | None
    verdicts: Mapping[str, Mapping[str, Any]]
    deductions: Sequence[Mapping[str, Any]]
    total_after_deductions: Decimal | None

    @property
    def final_total(self) -> Decimal:
        """The total the sheet is ranked by: after the koefisien where they apply."""
        return self.total if self.total_after_deductions is None else self.total_after_deductions

    def area_answered(self, areas: Iterable[str]) -> int:
        return sum(int(self.areas.get(area, {}).get("answered", 0)) for area in areas)


# What a view holds for a field that was not read (`stored_scores(fields=...)`).
_UNREAD: dict[str, Any] = {
    "pengungkit": None,
    "hasil": None,
    "components": {},
    "areas": {},
    "answered": 0,
    "passed": None,
    "verdicts": {},
    "deductions": [],
    "total_after_deductions": None,
}


def stored_scores(
    assessment_ids: Iterable[int],
    *,
    keys: Sequence[str] | None = None,
    fields: Sequence[str] | None = None,
) -> dict[int, dict[str, StoredView]]:
    """Assessment id -> view key -> stored view, in one query (`keys` limits the views;
    `fields` the columns read: a reader that needs no area or component JSON skips
    decoding it, and the views hold empty values for what was not read)."""
    rows = StoredScore.objects.filter(assessment_id__in=list(assessment_ids))
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    wanted = STORED_FIELDS if fields is None else ("tier_id", "total", *fields)
    missing = {k: v for k, v in _UNREAD.items() if k not in wanted}
    result: dict[int, dict[str, StoredView]] = defaultdict(dict)
    for row in rows.values("assessment_id", "key", *dict.fromkeys(wanted)):
        assessment_id = row.pop("assessment_id")
        result[assessment_id][row["key"]] = StoredView(**missing, **row)
    return dict(result)


_empty: dict[tuple[int, str, str], StoredView] = {}


def empty_view(assessment: Assessment, key: str = UNIT_KEY) -> StoredView:
    """What a sheet without a stored row scores: nothing answered yet. A sheet gets its rows
    with its first answer (or when created); this covers the moment in between."""
    spec = sheet_spec(assessment.period.framework)
    cache_key = (spec.framework_id, assessment.target, key)
    view = _empty.get(cache_key)
    if view is None:
        fields = computed_rows(spec, [], target=assessment.target)[
            EFFECTIVE_KEY if key == EFFECTIVE_KEY else UNIT_KEY
        ]
        view = StoredView(key=key, **fields)
        _empty[cache_key] = view
    return view


# --- drift between stored and recomputed views ------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """A stored view that differs from what the sheet's answers score now."""

    assessment: Assessment
    key: str
    # "missing" (no row), "extra" (a row for no view) or "differs".
    problem: str
    # Field -> (stored, recomputed), for "differs".
    fields: dict[str, tuple[Any, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "fields": {name: [str(a), str(b)] for name, (a, b) in self.fields.items()},
        }


def scores_drift(assessments: Sequence[Assessment]) -> list[Drift]:
    """Recompute the views of the given sheets (with `period__framework` loaded) from their
    answers and compare with the stored rows (the views and their area rows): four queries
    for the lot. The koefisien
    stored with the effective view are an input here, not a result. A sheet with neither
    rows nor answers (just created) is not drift."""
    stored: dict[int, dict[str, dict[str, Any]]] = {a.pk: {} for a in assessments}
    for row in StoredScore.objects.filter(assessment_id__in=list(stored)).values(
        "assessment_id", "key", *STORED_FIELDS
    ):
        stored[row.pop("assessment_id")][row.pop("key")] = row
    stored_areas: dict[int, dict[tuple[str, str], AreaFigures]] = {pk: {} for pk in stored}
    for assessment_id, key, area, value, difference in StoredAreaScore.objects.filter(
        assessment_id__in=list(stored)
    ).values_list("assessment_id", "key", "area", "score", "difference"):
        stored_areas[assessment_id][(key, area)] = AreaFigures(value, difference)
    layers = layer_answers(assessments)
    held = held_predicates_of(assessments)
    result: list[Drift] = []
    for assessment in assessments:
        have = stored[assessment.pk]
        have_areas = stored_areas[assessment.pk]
        if not have and not have_areas and not any(layer.values for layer in layers[assessment.pk]):
            # Nothing answered and nothing stored yet: lists show it as the empty sheet it
            # is (`empty_view`), so there is nothing to drift from.
            continue
        effective = have.get(EFFECTIVE_KEY)
        views = computed_rows(
            sheet_spec(assessment.period.framework),
            layers[assessment.pk],
            target=assessment.target,
            penalties=penalties_from_json(effective["deductions"] if effective else []),
            held=held[assessment.pk],
        )
        expected_areas = area_rows(views)
        for key, fields in views.items():
            row = have.get(key)
            if row is None:
                result.append(Drift(assessment, key, "missing", {}))
                continue
            changed = {
                name: (row[name], value) for name, value in fields.items() if row[name] != value
            }
            # The view's narrow area rows (`StoredAreaScore`).
            mine = {a: f for (k, a), f in have_areas.items() if k == key}
            wanted = {a: f for (k, a), f in expected_areas.items() if k == key}
            if mine != wanted:
                changed["area_rows"] = (_area_text(mine), _area_text(wanted))
            if changed:
                result.append(Drift(assessment, key, "differs", changed))
        extra = {key for key in have if key not in views}
        extra |= {key for key, _area in have_areas if key not in views}
        result.extend(Drift(assessment, key, "extra", {}) for key in sorted(extra))
    return result


def _area_text(rows: Mapping[str, AreaFigures]) -> str:
    return ", ".join(f"{a}={f.score}/{f.difference}" for a, f in sorted(rows.items())) or "-"


# --- progress --------------------------------------------------------------------------------


@dataclass
class Progress:
    total: int = 0
    answered: int = 0
    with_evidence: int = 0
    incomplete: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def progress_by_section(state: SheetState) -> dict[str, Progress]:
    """Items answered and items with evidence, per worksheet section and overall ("")."""
    result: dict[str, Progress] = defaultdict(Progress)
    for code, item in state.spec.items.items():
        value = state.unit_value(code)
        for key in (item.section, ""):
            progress = result[key]
            progress.total += 1
            if value is not None and not is_incomplete(item, value):
                progress.answered += 1
            elif value is not None:
                progress.incomplete += 1
            if state.links.get(code):
                progress.with_evidence += 1
    return dict(result)


def review_progress(state: SheetState, mine: str | None) -> dict[str, Progress]:
    """Per section and overall (""): items the layer keyed `mine` answered; `incomplete`
    holds the items where a reviewer layer differs from the unit."""
    result: dict[str, Progress] = {}
    answered = state.scoreable.get(mine, {}) if mine else {}
    for code, item in state.spec.items.items():
        differs = state.differs(code)
        for key in (item.section, ""):
            progress = result.setdefault(key, Progress())
            progress.total += 1
            progress.answered += code in answered
            progress.incomplete += differs
    return result
