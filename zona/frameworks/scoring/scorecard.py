"""Scoring one sheet (and its review layers) into a scorecard.

`score` runs the compiled plan: one pass over the items, one over the plan. The same
function serves the web pages, the API, exports and the command line; the rules are in
docs/scoring.md. Values are kept unrounded; `round_half_up` is for display and for comparing
with predicate bounds only. "No value" is `None`, never -1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any, NamedTuple, cast

from zona.frameworks.scoring.answers import (
    Answer,
    InvalidAnswers,
    Problem,
    effective_answers,
    num4_value,
    pct_value,
    validate_answers,
)
from zona.frameworks.scoring.decimals import CONTEXT, HUNDRED, ZERO, round_half_up
from zona.frameworks.scoring.plan import CompiledFramework, ItemKind, Op
from zona.frameworks.scoring.verdicts import Penalty, Verdict, apply_penalties, evaluate_predicates


class NodeScore(NamedTuple):
    """A node's unrounded score, its weight, and (computed) the score as % of the weight."""

    score: Decimal
    weight: Decimal

    @property
    def percent(self) -> Decimal | None:
        if not self.weight:
            return None
        with localcontext(CONTEXT):
            return self.score * HUNDRED / self.weight


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Unrounded results of one sheet; `as_dict` gives the rounded form everyone displays."""

    framework: str
    version: int
    nodes: dict[str, NodeScore]
    items: dict[str, Decimal | None]
    total: Decimal
    total_before_penalties: Decimal
    verdicts: dict[str, Verdict]

    def as_dict(self) -> dict[str, Any]:
        """The command-line / API shape: scores to 2 decimals, item values to 4."""
        nodes: dict[str, Any] = {}
        for code, node in self.nodes.items():
            percent = node.percent
            nodes[code] = {
                "score": round_half_up(node.score),
                "weight": node.weight,
                "percent": round_half_up(percent) if percent is not None else None,
            }
        return {
            "framework": self.framework,
            "version": self.version,
            "total": round_half_up(self.total),
            "total_before_penalties": round_half_up(self.total_before_penalties),
            "nodes": nodes,
            "items": {
                code: {"value": round_half_up(value, 4) if value is not None else None}
                for code, value in self.items.items()
            },
            "verdicts": {
                key: {
                    "passed": verdict.passed,
                    "conditions": [
                        {
                            "name": c.name,
                            "value": c.value,
                            "bound": c.bound,
                            "passed": c.passed,
                            "gap": c.gap,
                        }
                        for c in verdict.conditions
                    ],
                }
                for key, verdict in self.verdicts.items()
            },
        }


def score(
    fw: CompiledFramework,
    answers: Mapping[str, Answer | None],
    *,
    penalties: Iterable[Penalty] = (),
    held_predicates: Set[str] = frozenset(),
) -> Scorecard:
    """Score one sheet of answers (item code -> answer). Raises InvalidAnswers.

    Unanswered items are worth 0 and still count in their sub-area's mean.
    """
    values: list[Decimal] = [ZERO] * fw.slot_count
    item_values: dict[str, Decimal | None] = {}
    matched = 0
    failed = False
    # Plain ints in locals: enum attribute lookups would cost more than the scoring itself.
    choice, num4 = int(ItemKind.CHOICE), int(ItemKind.NUM4)
    op_sum, op_mean = int(Op.SUM), int(Op.MEAN)
    try:
        with localcontext(CONTEXT):
            for code, slot, kind, item, options in fw.item_table:
                answer = answers.get(code)
                if answer is None:
                    item_values[code] = None
                    continue
                matched += 1
                # A wrong type of answer raises KeyError/TypeError here, caught below.
                if kind == choice:
                    value = options[answer]
                elif kind == num4:
                    value = num4_value(answer)
                else:
                    value = pct_value(item, cast(Mapping[str, int], answer))
                values[slot] = value
                item_values[code] = value
            # Children precede parents in the plan, so one pass settles every node.
            for slot, op, kids, weight, divisor in fw.plan:
                if op == op_sum:
                    total = ZERO
                    for kid in kids:
                        total += values[kid]
                    values[slot] = total
                elif op == op_mean:
                    total = ZERO
                    for kid in kids:
                        total += values[kid]
                    # Multiply before dividing: the division is the only rounding step.
                    values[slot] = total * weight / divisor
                else:
                    values[slot] = values[kids[0]] * weight
    except (KeyError, TypeError, ValueError, AttributeError):
        failed = True
    if failed or matched != len(answers):
        # An invalid answer, or keys that are not items (or explicit None answers, which are
        # fine): validate the whole sheet so every problem is reported at once.
        problems = validate_answers(fw, answers)
        if problems or failed:
            raise InvalidAnswers(problems or [Problem("invalid_answer", "", "invalid answers")])

    node_scores: dict[str, Decimal] = {}
    nodes: dict[str, NodeScore] = {}
    for code, slot, weight in fw.score_slots:
        node_scores[code] = values[slot]
        nodes[code] = NodeScore(values[slot], weight)
    before = ZERO
    with localcontext(CONTEXT):
        for slot in fw.root_slots:
            before += values[slot]
    penalties = tuple(penalties)
    total = apply_penalties(before, penalties) if penalties else before
    return Scorecard(
        framework=fw.key,
        version=fw.version,
        nodes=nodes,
        items=item_values,
        total=total,
        total_before_penalties=before,
        verdicts=evaluate_predicates(
            fw, node_scores=node_scores, total=total, held_predicates=held_predicates
        ),
    )


@dataclass(frozen=True, slots=True)
class LayeredScores:
    layers: dict[str, Scorecard]
    effective: Scorecard


def score_layers(
    fw: CompiledFramework,
    layers: Sequence[tuple[str, Mapping[str, Answer | None]]],
    *,
    penalties: Iterable[Penalty] = (),
    held_predicates: Set[str] = frozenset(),
) -> LayeredScores:
    """Each layer's own score and the effective score, from (name, answers) lowest tier first.

    Koefisien belong to the assessment, so every layer's total is reduced by them alike.
    """
    penalties = tuple(penalties)
    return LayeredScores(
        layers={
            name: score(fw, answers, penalties=penalties, held_predicates=held_predicates)
            for name, answers in layers
        },
        effective=score(
            fw,
            effective_answers([answers for _, answers in layers]),
            penalties=penalties,
            held_predicates=held_predicates,
        ),
    )
