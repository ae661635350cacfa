"""Plain dicts for the worksheet templates, built from a SheetState without further queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zona.accounts.models import ReviewTier
from zona.assessments.access import (
    SheetRights,
    review_lock_reason,
    sheet_lock_reason,
    unit_item_lock_reason,
)
from zona.assessments.models import AnswerSource, AssessmentStatus
from zona.assessments.selectors import (
    LayerInfo,
    Progress,
    SheetScores,
    SheetState,
    progress_by_section,
    sheet_scores,
)
from zona.assessments.sheet import (
    ItemSpec,
    display_value,
    index_text,
    is_incomplete,
    same_value,
    skm_rounds_answer,
    survey_index_answer,
    text,
)
from zona.frameworks.scoring import NodeScore, Scorecard, Verdict, round_half_up


def slug(code: str) -> str:
    """An HTML id for a node code (codes are letters, digits and dots only)."""
    return code.replace(".", "-")


def num(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return number_format(round_half_up(value, places), places)


def pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number_format(round_half_up(value, 1), 1) + "%"


def node_numbers(node: NodeScore | None) -> dict[str, Any]:
    if node is None:
        return {"score": "—", "weight": "—", "percent": "—", "percent_value": 0}
    percent = node.percent
    return {
        "score": num(node.score),
        "weight": num(node.weight),
        "percent": pct(percent),
        "percent_value": float(round_half_up(percent, 1)) if percent is not None else 0,
    }


def answer_fields(card: dict[str, Any], item: ItemSpec, value: Any) -> None:
    """The inputs of one answer (options, counts or index) for `_answer_fields.html`."""
    if item.is_choice:
        card["options"] = [
            {
                "key": o.key,
                "label": text(o.label),
                "value": num(o.value),
                "checked": value == o.key,
            }
            for o in item.options
        ]
    elif item.answer_type == "PCT":
        counts = value if isinstance(value, Mapping) else {}
        card["counts"] = [
            {
                "key": c.key,
                "label": text(c.label),
                "informational": c.informational,
                "value": "" if counts.get(c.key) is None else counts.get(c.key),
            }
            for c in item.counts
        ]
    else:
        card["index"] = "" if value is None else index_text(value)


def item_numbers(item: ItemSpec, item_value: Decimal | None) -> dict[str, Any]:
    """An item's value (and score for a Hasil item, which carries its own weight)."""
    return {
        "answered": item_value is not None,
        "value_text": num(item_value) if item_value is not None else "—",
        "value_percent": pct(item_value * 100) if item_value is not None else "",
        "score_text": num(item_value * item.weight)
        if item_value is not None and item.weight is not None
        else "",
    }


@dataclass
class SheetView:
    """Everything the worksheet page (or a fragment of it) needs."""

    state: SheetState
    rights: SheetRights
    scores: SheetScores
    progress: dict[str, Progress]
    # What the unit's surveys give (`selectors.survey_indices`), when read for this page.
    survey: Mapping[str, Any] | None = None

    item_template = "assessments/_item.html"

    @classmethod
    def build(
        cls, state: SheetState, rights: SheetRights, *, survey: Mapping[str, Any] | None = None
    ) -> SheetView:
        return cls(state, rights, sheet_scores(state), progress_by_section(state), survey)

    @property
    def heading(self) -> Scorecard:
        """The scores shown in the headings and the navigation: the unit's own."""
        return self.scores.unit

    def card(self, item: ItemSpec) -> dict[str, Any]:
        return self.item_card(item)

    def returned(self, code: str) -> bool:
        """Whether a reviewer returned this very item (not the whole sheet) for revision."""
        assessment = self.state.assessment
        return assessment.status == AssessmentStatus.RETURNED and code in (
            assessment.returned_items or []
        )

    def survey_suggestion(self, item: ItemSpec, current: Any) -> dict[str, Any] | None:
        """What the unit's surveys in Zona offer for this item, if anything: an index
        (IPAK, IPKP) or the option the SKM rounds earn. Offered, never written by a read."""
        if self.survey is None:
            return None
        year = self.state.assessment.period.year
        index = survey_index_answer(item, self.survey)
        if index is not None:
            return {
                "kind": "index",
                "value": index,
                "text": index_text(index),
                "index": (item.source or "").upper(),
                "year": year,
                "taken": same_value(current, index),
                "differs": current is not None and not same_value(current, index),
            }
        rounds = self.survey.get("skm_rounds")
        value = skm_rounds_answer(item, rounds)
        if value is None:
            return None
        label = next((o.label for o in item.options if o.key == value), None)
        return {
            "kind": "rounds",
            "value": value,
            "label": text(label),
            "rounds": rounds,
            "year": year,
            "taken": same_value(current, value),
            "differs": current is not None and not same_value(current, value),
        }

    # --- items -----------------------------------------------------------------------------

    def item_card(
        self, item: ItemSpec, *, posted: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        state = self.state
        row = state.unit_answers.get(item.code)
        value = row["value"] if row else None
        if posted is not None:
            value = posted.get("value", value)
        note = row["note"] if row else ""
        if posted is not None and "note" in posted:
            note = posted["note"]
        survey = bool(row and row["source"] == AnswerSource.SURVEY and row["value"] is not None)
        lock = unit_item_lock_reason(self.rights, state.assessment, item)
        card: dict[str, Any] = {
            "code": item.code,
            "slug": slug(item.code),
            "type": item.answer_type,
            "is_choice": item.is_choice,
            "is_pct": item.answer_type == "PCT",
            "is_num4": item.answer_type == "NUM4",
            "question": text(item.question),
            "guidance": text(item.guidance),
            "weight": num(item.weight) if item.weight is not None else "",
            "note": note,
            "revision": row["revision"] if row else 0,
            "updated_by": (row["updated_by"] or (_("Zona survey") if survey else ""))
            if row
            else "",
            "updated_at": row["updated_at"] if row else None,
            **item_numbers(item, self.scores.unit.items.get(item.code)),
            "incomplete": is_incomplete(item, value) if posted is None else False,
            "editable": lock is None,
            "can_attach": lock is None and self.rights.can_edit_evidence,
            "lock_reason": lock or "",
            "survey": survey,
            "source": item.source or "",
            "evidence": state.links.get(item.code, []),
            "formula_json": item.formula_json,
            "returned": self.returned(item.code),
            "survey_suggestion": self.survey_suggestion(item, value),
        }
        answer_fields(card, item, value)
        if (
            row
            and row["suggested_value"] is not None
            and not same_value(row["suggested_value"], row["value"])
        ):
            card["suggestion"] = {
                "text": display_value(item, row["suggested_value"]),
                "note": row["suggested_note"],
            }
        layers = []
        for layer in state.review_layers:
            other = state.answers.get(layer.id, {}).get(item.code)
            if other is None or (other["value"] is None and not other["note"]):
                continue
            layers.append(
                {
                    "name": layer.name,
                    "text": display_value(item, other["value"]) or "—",
                    "note": other["note"],
                    "differs": not same_value(other["value"], value),
                }
            )
        card["layers"] = layers
        return card

    # --- tree, sections and scores ---------------------------------------------------------

    def section_code(self, wanted: str | None) -> str:
        sections = self.state.spec.sections
        if wanted is not None and wanted in sections:
            return wanted
        return sections[0] if sections else ""

    def section(self, code: str) -> dict[str, Any]:
        spec = self.state.spec
        node = spec.nodes[code]
        groups: list[dict[str, Any]] = []
        direct: list[dict[str, Any]] = []
        for child_code in node.children:
            child = spec.nodes[child_code]
            if child.kind == "item":
                direct.append(self.card(spec.items[child_code]))
                continue
            groups.append(
                {
                    "code": child_code,
                    "slug": slug(child_code),
                    "title": text(child.title),
                    **node_numbers(self.heading.nodes.get(child_code)),
                    "items": [self.card(spec.items[c]) for c in child.children],
                }
            )
        if direct:
            groups.insert(0, {"code": "", "slug": "", "title": "", "items": direct})
        return {
            "code": code,
            "slug": slug(code),
            "title": text(node.title),
            **node_numbers(self.heading.nodes.get(code)),
            "progress": self.progress.get(code, Progress()),
            "groups": groups,
        }

    def group_scores(self, item: ItemSpec) -> list[dict[str, Any]]:
        """The sub-area (or part) headings that change when this item changes."""
        spec = self.state.spec
        codes = [item.parent]
        if spec.nodes[item.parent].kind != "subarea":
            codes = [item.section]
        else:
            codes.append(item.section)
        return [
            {"slug": slug(c), **node_numbers(self.heading.nodes.get(c))}
            for c in dict.fromkeys(codes)
        ]

    def nav(self, current: str) -> list[dict[str, Any]]:
        spec = self.state.spec
        entries = []
        sections = set(spec.sections)
        for code, node in spec.nodes.items():
            if node.kind == "item":
                continue
            section = code if code in sections else None
            if section is None and node.parent in sections:
                section = node.parent
            entries.append(
                {
                    "code": code,
                    "slug": slug(code),
                    "title": text(node.title),
                    "kind": node.kind,
                    "depth": node.depth,
                    "is_section": code in sections,
                    "section": section,
                    "active": code == current,
                    "in_current": section == current,
                    "progress": self.progress.get(code) if code in sections else None,
                    **node_numbers(self.heading.nodes.get(code)),
                }
            )
        return entries

    def panel(self) -> dict[str, Any]:
        scores = self.scores
        unit = scores.unit
        layers = [
            {"name": layer.name, "total": num(scores.layers[layer.key].total)}
            for layer in self.state.review_layers
        ]
        overall = self.progress.get("", Progress())
        return {
            "total": num(unit.total),
            "total_percent_value": float(round_half_up(unit.total, 1)),
            "components": components(self.state, unit),
            "verdict": verdict_view(unit, scores.target),
            "layers": layers,
            "effective_total": num(scores.effective.total) if layers else "",
            "progress": overall,
            "target": scores.target,
        }

    def lock_reason(self) -> str | None:
        return sheet_lock_reason(self.state.assessment)


def components(state: SheetState, card: Scorecard) -> list[dict[str, Any]]:
    """The top nodes (Pengungkit, Hasil) of one scorecard."""
    return [
        {
            "code": code,
            "title": text(state.spec.nodes[code].title),
            **node_numbers(card.nodes.get(code)),
        }
        for code, node in state.spec.nodes.items()
        if node.depth == 0
    ]


@dataclass
class ReviewView(SheetView):
    """The sheet as reviewers see it: every layer side by side, one layer to answer in.

    `tier` is the review tier whose layer the user answers in (None: they only read). Its
    layer appears with its first answer; until then an empty column stands for it.
    """

    tier: ReviewTier | None = None

    item_template = "assessments/_review_item.html"

    @classmethod
    def build_review(
        cls,
        state: SheetState,
        rights: SheetRights,
        tier: ReviewTier | None,
        *,
        survey: Mapping[str, Any] | None = None,
    ) -> ReviewView:
        if tier is not None and not any(layer.tier_id == tier.pk for layer in state.layers):
            layers = [*state.layers, LayerInfo(0, tier.pk, tier.code, tier.name, tier.rank)]
            state = replace(state, layers=sorted(layers, key=lambda info: info.rank))
        return cls(
            state,
            rights,
            sheet_scores(state),
            progress_by_section(state),
            survey,
            tier,
        )

    @property
    def heading(self) -> Scorecard:
        """Headings and the navigation show the effective score (what ranking uses)."""
        return self.scores.effective

    @cached_property
    def mine(self) -> LayerInfo | None:
        if self.tier is None:
            return None
        return next(layer for layer in self.state.layers if layer.tier_id == self.tier.pk)

    @cached_property
    def edit_lock(self) -> str | None:
        """Why the user cannot answer in their layer now, or None."""
        if self.tier is None:
            return _("You can compare the layers of this sheet but not answer in one.")
        return review_lock_reason(self.state.assessment, self.tier)

    @cached_property
    def values(self) -> dict[str, dict[str, Any]]:
        """Layer code -> its scoreable answers (what the effective score takes from)."""
        return {layer.key: self.state.layer_values(layer) for layer in self.state.layers}

    def effective_layer(self, code: str) -> LayerInfo | None:
        """The highest layer that answered this item (its answer is the effective one)."""
        for layer in reversed(self.state.layers):
            if code in self.values[layer.key]:
                return layer
        return None

    def differs(self, code: str) -> bool:
        """Whether a reviewer layer answered this item differently from the unit."""
        unit_row = self.state.unit_answers.get(code)
        unit_value = unit_row["value"] if unit_row else None
        for layer in self.state.review_layers:
            row = self.state.answers.get(layer.id, {}).get(code)
            if row and row["value"] is not None and not same_value(row["value"], unit_value):
                return True
        return False

    def card(self, item: ItemSpec) -> dict[str, Any]:
        return self.review_card(item)

    def review_card(self, item: ItemSpec) -> dict[str, Any]:
        state = self.state
        code = item.code
        unit_row = state.unit_answers.get(code)
        unit_value = unit_row["value"] if unit_row else None
        effective = self.effective_layer(code)
        rows = []
        for layer in state.layers:
            row = state.answers.get(layer.id, {}).get(code)
            value = row["value"] if row else None
            rows.append(
                {
                    "code": layer.code,
                    "name": layer.name,
                    "is_unit": layer.is_unit,
                    "mine": self.mine is not None and layer.key == self.mine.key,
                    "text": display_value(item, value) or "—",
                    "note": row["note"] if row else "",
                    "answered": value is not None,
                    "value": num(self.scores.layers[layer.key].items.get(code)),
                    "differs": not layer.is_unit
                    and value is not None
                    and not same_value(value, unit_value),
                    "effective": effective is not None and layer.key == effective.key,
                    "survey": bool(
                        layer.is_unit
                        and row
                        and row["source"] == AnswerSource.SURVEY
                        and value is not None
                    ),
                }
            )
        mine = self.mine
        my_row = state.answers.get(mine.id, {}).get(code) if mine else None
        my_value = my_row["value"] if my_row else None
        effective_row = state.answers.get(effective.id, {}).get(code) if effective else None
        card: dict[str, Any] = {
            "code": code,
            "slug": slug(code),
            "type": item.answer_type,
            "is_choice": item.is_choice,
            "is_pct": item.answer_type == "PCT",
            "is_num4": item.answer_type == "NUM4",
            "question": text(item.question),
            "guidance": text(item.guidance),
            "weight": num(item.weight) if item.weight is not None else "",
            "note": my_row["note"] if my_row else "",
            "revision": my_row["revision"] if my_row else 0,
            "updated_by": my_row["updated_by"] if my_row else "",
            "updated_at": my_row["updated_at"] if my_row else None,
            **item_numbers(item, self.scores.layers[mine.key].items.get(code) if mine else None),
            "incomplete": is_incomplete(item, my_value),
            "editable": self.edit_lock is None,
            "can_attach": False,
            "lock_reason": self.edit_lock or "",
            "survey": False,
            "source": item.source or "",
            "evidence": state.links.get(code, []),
            "formula_json": item.formula_json,
            "returned": self.returned(code),
            "layers": rows,
            "differs": any(r["differs"] for r in rows),
            "effective": {
                "layer": effective.name if effective else "",
                "text": display_value(item, effective_row["value"]) if effective_row else "—",
                **item_numbers(item, self.scores.effective.items.get(code)),
            },
            "tier": mine.code if mine else "",
            "tier_name": mine.name if mine else "",
            "survey_suggestion": self.survey_suggestion(item, unit_value),
        }
        answer_fields(card, item, my_value)
        return card

    # --- tree, sections and scores ---------------------------------------------------------

    @cached_property
    def review_progress(self) -> dict[str, Progress]:
        """Per section and overall (""): items the user's tier answered; `incomplete` holds
        the items where a reviewer layer differs from the unit."""
        result: dict[str, Progress] = {}
        mine = self.values[self.mine.key] if self.mine else {}
        for code, item in self.state.spec.items.items():
            differs = self.differs(code)
            for key in (item.section, ""):
                progress = result.setdefault(key, Progress())
                progress.total += 1
                progress.answered += code in mine
                progress.incomplete += differs
        return result

    def nav(self, current: str) -> list[dict[str, Any]]:
        entries = super().nav(current)
        for entry in entries:
            if entry["is_section"]:
                entry["progress"] = self.review_progress.get(entry["code"], Progress())
        return entries

    def panel(self) -> dict[str, Any]:
        scores = self.scores
        target = scores.target
        rows = []
        for layer in self.state.layers:
            card = scores.layers[layer.key]
            verdict = card.verdicts.get(target)
            rows.append(
                {
                    "code": layer.code,
                    "name": layer.name,
                    "mine": self.mine is not None and layer.key == self.mine.key,
                    "components": components(self.state, card),
                    "total": num(card.total),
                    "passed": verdict.passed if verdict else None,
                }
            )
        effective = scores.effective
        verdict = effective.verdicts.get(target)
        overall = self.review_progress.get("", Progress())
        return {
            "rows": rows,
            "titles": components(self.state, effective),
            "total": num(effective.total),
            "total_percent_value": float(round_half_up(effective.total, 1)),
            "passed": verdict.passed if verdict else None,
            "verdict": verdict_view(effective, target),
            "target": target,
            "progress": overall,
            "tier_name": self.mine.name if self.mine else "",
        }


def verdict_view(card: Scorecard, key: str) -> dict[str, Any] | None:
    verdict: Verdict | None = card.verdicts.get(key)
    if verdict is None:
        return None
    conditions = []
    for c in verdict.conditions:
        if c.measure == "predicate":
            conditions.append(
                {
                    "title": _("Already holds %(predicate)s") % {"predicate": "WBK"},
                    "value": _("yes") if c.value else _("no"),
                    "bound": "",
                    "passed": c.passed,
                    "gap": "",
                }
            )
            continue
        suffix = "%" if c.measure == "percent" else ""
        conditions.append(
            {
                "title": text(c.title),
                "value": num(c.value) + suffix,  # type: ignore[arg-type]
                "bound": "≥ " + num(c.bound) + suffix,  # type: ignore[arg-type]
                "passed": c.passed,
                "gap": num(c.gap) + suffix if c.gap else "",
            }
        )
    return {"key": key, "passed": verdict.passed, "conditions": conditions}


def sheet_view(state: SheetState, rights: SheetRights) -> SheetView:
    return SheetView.build(state, rights)


def scores_for_api(card: Scorecard) -> dict[str, Any]:
    return card.as_dict()


def item_lock(rights: SheetRights, state: SheetState, item: ItemSpec) -> str | None:
    return unit_item_lock_reason(rights, state.assessment, item)
