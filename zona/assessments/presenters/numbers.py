"""Numbers, scores and verdicts as the worksheet templates show them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zona.assessments.selectors import SheetState
from zona.assessments.sheet import ItemSpec, index_text, text
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


def item_basics(item: ItemSpec) -> dict[str, Any]:
    """What every item card shows of the item itself, whoever answers it."""
    return {
        "code": item.code,
        "slug": slug(item.code),
        "type": item.answer_type,
        "is_choice": item.is_choice,
        "is_pct": item.answer_type == "PCT",
        "is_num4": item.answer_type == "NUM4",
        "question": text(item.question),
        "guidance": text(item.guidance),
        "weight": num(item.weight) if item.weight is not None else "",
        "source": item.source or "",
        "formula_json": item.formula_json,
    }


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
