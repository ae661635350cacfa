"""The sheet as reviewers see it: every layer side by side, one layer to answer in.

In a chain, a tier starts from the effective answer of the layers below it ("from Kanwil"),
its own changes are marked, "differs" compares a layer with the layers below it, and a
tier's score is the sheet as that tier sees it (its answers over those below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from zona.accounts.models import ReviewTier
from zona.assessments.access import SheetRights, review_lock_reason
from zona.assessments.presenters.numbers import (
    answer_fields,
    components,
    item_basics,
    item_numbers,
    num,
    verdict_view,
)
from zona.assessments.presenters.sheet import SheetView
from zona.assessments.selectors import (
    LayerInfo,
    Progress,
    SheetState,
    progress_by_section,
    sheet_scores,
)
from zona.assessments.sheet import ItemSpec, display_value, is_incomplete
from zona.core.errors import Refusal
from zona.frameworks.scoring import Scorecard, round_half_up


@dataclass
class ReviewView(SheetView):
    """The sheet as reviewers see it: every layer side by side, one layer to answer in.

    `tier` is the review tier whose layer the user answers in (None: they only read). Its
    layer appears with its first answer; until then an empty column stands for it.
    """

    tier: ReviewTier | None = None
    # Items the unit changed since the last return (answers or files), once resubmitted.
    revised: frozenset[str] = field(default_factory=frozenset)

    item_template = "workflow/reviews/_review_item.html"

    @classmethod
    def build_review(
        cls,
        state: SheetState,
        rights: SheetRights,
        tier: ReviewTier | None,
        *,
        survey: Mapping[str, Any] | None = None,
        revised: frozenset[str] = frozenset(),
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
            revised,
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
    def edit_lock(self) -> Refusal | None:
        """Why the user cannot answer in their layer now, or None."""
        if self.tier is None:
            return Refusal(
                "no_layer", _("You can compare the layers of this sheet but not answer in one.")
            )
        from zona.workflow.services.reviews import reviews_layer_lock

        assessment = self.state.assessment
        return review_lock_reason(assessment, self.tier) or reviews_layer_lock(
            assessment, self.tier, self.state.today
        )

    def card(self, item: ItemSpec) -> dict[str, Any]:
        return self.review_card(item)

    def review_card(self, item: ItemSpec) -> dict[str, Any]:
        state = self.state
        code = item.code
        effective = state.effective_layer(code)
        mine = self.mine
        rows = []
        for layer in state.layers:
            row = state.answer(layer, code)
            value = row.value if row else None
            below = self.below(layer, code)
            rows.append(
                {
                    "code": layer.code,
                    "name": layer.name,
                    "is_unit": layer.is_unit,
                    "mine": mine is not None and layer.key == mine.key,
                    "text": display_value(item, value) or "—",
                    "note": row.note if row else "",
                    "answered": value is not None,
                    "value": num(self.view_score(layer).items.get(code)),
                    "differs": self.layer_differs(layer, code),
                    "below": below[0].name if below else "",
                    "effective": effective is not None and layer.key == effective.key,
                    "survey": bool(layer.is_unit and row and row.filled_by_survey),
                }
            )
        my_row = state.answer(mine, code) if mine else None
        my_value = my_row.value if my_row else None
        effective_row = state.effective_answer(code)
        below = self.below(mine, code) if mine else None
        card: dict[str, Any] = {
            **item_basics(item),
            "note": my_row.note if my_row else "",
            "revision": my_row.revision if my_row else 0,
            "updated_by": (my_row.updated_by or "") if my_row else "",
            "updated_at": my_row.updated_at if my_row else None,
            **item_numbers(item, self.scores.layers[mine.key].items.get(code) if mine else None),
            "incomplete": is_incomplete(item, my_value),
            "editable": self.edit_lock is None,
            "can_attach": False,
            "lock_reason": self.edit_lock or "",
            "survey": False,
            "evidence": state.links.get(code, []),
            "returned": self.returned(code),
            "layers": rows,
            "differs": self.differs(code),
            # What this tier starts from: the effective answer of the layers below it.
            "from_below": {
                "layer": below[0].name if below else "",
                "text": (display_value(item, below[1].value) or "—") if below else "—",
            },
            "own_change": bool(
                mine and my_row and my_row.differs_from(below[1].value if below else None)
            ),
            "revised": code in self.revised,
            "effective": {
                "layer": effective.name if effective else "",
                "text": display_value(item, effective_row.value) if effective_row else "—",
                **item_numbers(item, self.scores.effective.items.get(code)),
            },
            "tier": mine.code if mine else "",
            "tier_name": mine.name if mine else "",
            "survey_suggestion": self.survey_suggestion(item, state.unit_value(code)),
        }
        answer_fields(card, item, my_value)
        return card

    # --- layers below a tier -------------------------------------------------------------

    def below(self, layer: LayerInfo, code: str) -> tuple[LayerInfo, Any] | None:
        """The highest layer below `layer` that answered `code`, with its answer row."""
        found = None
        for other in self.state.layers:
            if other.key == layer.key:
                break
            row = self.state.answer(other, code)
            if row is not None and row.value is not None:
                found = (other, row)
        return found

    def layer_differs(self, layer: LayerInfo, code: str) -> bool:
        """Whether a tier answered otherwise than the layers below it (unit included)."""
        if layer.is_unit:
            return False
        row = self.state.answer(layer, code)
        if row is None or row.value is None:
            return False
        below = self.below(layer, code)
        return row.differs_from(below[1].value if below else None)

    def differs(self, code: str) -> bool:
        return any(self.layer_differs(layer, code) for layer in self.state.review_layers)

    def view_score(self, layer: LayerInfo) -> Scorecard:
        """The sheet as `layer` sees it: the stored view of its tier (its answers over those
        below), the layer alone when the views are not there."""
        views = getattr(self.scores, "views", None) or {}
        if not views:
            return self.scores.layers[layer.key]
        # A tier without a view of its own (it answered nothing yet) sees the sheet as the
        # nearest layer below it does; the layers run from the unit up.
        seen: Scorecard | None = None
        for each in self.state.layers:
            seen = views.get("unit" if each.is_unit else f"tier:{each.tier_id}") or seen
            if each.key == layer.key:
                break
        return seen or self.scores.layers[layer.key]

    # --- tree, sections and scores ---------------------------------------------------------

    @cached_property
    def review_progress(self) -> dict[str, Progress]:
        """Per section and overall (""): items this tier answered; `incomplete` holds the
        items where a tier differs from the layers below it."""
        result: dict[str, Progress] = {}
        mine = self.mine.key if self.mine else None
        answered = self.state.scoreable.get(mine, {}) if mine else {}
        for code, item in self.state.spec.items.items():
            differs = self.differs(code)
            for key in (item.section, ""):
                progress = result.setdefault(key, Progress())
                progress.total += 1
                progress.answered += code in answered
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
            card = self.view_score(layer)
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
            # With koefisien on the sheet: the total before them, shown under the score.
            "total_before": (
                num(effective.total_before_penalties)
                if effective.total != effective.total_before_penalties
                else ""
            ),
            "total_percent_value": float(round_half_up(effective.total, 1)),
            "passed": verdict.passed if verdict else None,
            "verdict": verdict_view(effective, target),
            "target": target,
            "progress": overall,
            "tier_name": self.mine.name if self.mine else "",
        }
