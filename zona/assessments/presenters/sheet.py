"""The unit's worksheet: item cards, sections, navigation and the score panel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zona.assessments.access import SheetRights, sheet_lock_reason, unit_item_lock_reason
from zona.assessments.models import AssessmentStatus
from zona.assessments.presenters.numbers import (
    answer_fields,
    components,
    item_basics,
    item_numbers,
    node_numbers,
    num,
    slug,
    verdict_view,
)
from zona.assessments.selectors import (
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
from zona.core.errors import Refusal
from zona.frameworks.scoring import Scorecard, round_half_up


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
        value = row.value if row else None
        if posted is not None:
            value = posted.get("value", value)
        note = row.note if row else ""
        if posted is not None and "note" in posted:
            note = posted["note"]
        lock = unit_item_lock_reason(self.rights, state.assessment, item)
        card: dict[str, Any] = {
            **item_basics(item),
            "note": note,
            "revision": row.revision if row else 0,
            "updated_by": row.author if row else "",
            "updated_at": row.updated_at if row else None,
            **item_numbers(item, self.scores.unit.items.get(item.code)),
            "incomplete": is_incomplete(item, value) if posted is None else False,
            "editable": lock is None,
            "can_attach": lock is None and self.rights.can_edit_evidence,
            "lock_reason": lock or "",
            "survey": bool(row and row.filled_by_survey),
            "evidence": state.links.get(item.code, []),
            "returned": self.returned(item.code),
            "survey_suggestion": self.survey_suggestion(item, value),
        }
        answer_fields(card, item, value)
        if row and row.pending_suggestion:
            card["suggestion"] = {
                "text": display_value(item, row.suggested_value),
                "note": row.suggested_note,
            }
        layers = []
        for layer in state.review_layers:
            other = state.answer(layer, item.code)
            if other is None or not other.shown:
                continue
            layers.append(
                {
                    "name": layer.name,
                    "text": display_value(item, other.value) or "—",
                    "note": other.note,
                    # Against what the unit sees in the card, which may be just posted.
                    "differs": other.differs_from(value),
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

    def lock_reason(self) -> Refusal | None:
        return sheet_lock_reason(self.state.assessment)
