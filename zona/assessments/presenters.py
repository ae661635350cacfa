"""Plain dicts for the worksheet templates, built from a SheetState without further queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zona.assessments.access import SheetRights, sheet_lock_reason, unit_item_lock_reason
from zona.assessments.models import AnswerSource
from zona.assessments.selectors import (
    Progress,
    SheetScores,
    SheetState,
    progress_by_section,
    sheet_scores,
)
from zona.assessments.sheet import ItemSpec, display_value, is_incomplete, same_value, text
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


@dataclass
class SheetView:
    """Everything the worksheet page (or a fragment of it) needs."""

    state: SheetState
    rights: SheetRights
    scores: SheetScores
    progress: dict[str, Progress]

    @classmethod
    def build(cls, state: SheetState, rights: SheetRights) -> SheetView:
        return cls(state, rights, sheet_scores(state), progress_by_section(state))

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
        lock = unit_item_lock_reason(self.rights, state.assessment, item, survey_filled=survey)
        # Evidence can still be attached to an index that comes from the survey (its report).
        attach_lock = (
            lock if not survey else unit_item_lock_reason(self.rights, state.assessment, item)
        )
        item_value = self.scores.unit.items.get(item.code)
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
            "answered": item_value is not None,
            "incomplete": is_incomplete(item, value) if posted is None else False,
            "value_text": num(item_value) if item_value is not None else "—",
            "value_percent": pct(item_value * 100) if item_value is not None else "",
            # A Hasil item carries its own weight: its score is value x weight.
            "score_text": num(item_value * item.weight)
            if item_value is not None and item.weight is not None
            else "",
            "editable": lock is None,
            "can_attach": attach_lock is None and self.rights.can_edit_evidence,
            "lock_reason": lock or "",
            "survey": survey,
            "source": item.source or "",
            "evidence": state.links.get(item.code, []),
            "formula_json": item.formula_json,
        }
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
            card["index"] = "" if value is None else str(value).replace(".", ",")
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
                direct.append(self.item_card(spec.items[child_code]))
                continue
            groups.append(
                {
                    "code": child_code,
                    "slug": slug(child_code),
                    "title": text(child.title),
                    **node_numbers(self.scores.unit.nodes.get(child_code)),
                    "items": [self.item_card(spec.items[c]) for c in child.children],
                }
            )
        if direct:
            groups.insert(0, {"code": "", "slug": "", "title": "", "items": direct})
        return {
            "code": code,
            "slug": slug(code),
            "title": text(node.title),
            **node_numbers(self.scores.unit.nodes.get(code)),
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
            {"slug": slug(c), **node_numbers(self.scores.unit.nodes.get(c))}
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
                    **node_numbers(self.scores.unit.nodes.get(code)),
                }
            )
        return entries

    def panel(self) -> dict[str, Any]:
        scores = self.scores
        unit = scores.unit
        layers = [
            {"name": layer.name, "total": num(scores.layers[layer.code].total)}
            for layer in self.state.review_layers
        ]
        overall = self.progress.get("", Progress())
        return {
            "total": num(unit.total),
            "total_percent_value": float(round_half_up(unit.total, 1)),
            "components": [
                {
                    "code": code,
                    "title": text(self.state.spec.nodes[code].title),
                    **node_numbers(unit.nodes.get(code)),
                }
                for code, node in self.state.spec.nodes.items()
                if node.depth == 0
            ],
            "verdict": verdict_view(unit, scores.target),
            "layers": layers,
            "effective_total": num(scores.effective.total) if layers else "",
            "progress": overall,
            "target": scores.target,
        }

    def lock_reason(self) -> str | None:
        return sheet_lock_reason(self.state.assessment)


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
    row = state.unit_answers.get(item.code)
    survey = bool(row and row["source"] == AnswerSource.SURVEY and row["value"] is not None)
    return unit_item_lock_reason(rights, state.assessment, item, survey_filled=survey)
