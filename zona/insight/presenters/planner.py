"""The planner as the page and the API show it: labels in the user's language, numbers
rounded for display (2 decimals, half up), never the ORM."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zona.assessments.presenters.numbers import num, pct
from zona.assessments.selectors.scores import stored_fields
from zona.assessments.sheet import ItemSpec, SheetSpec, display_value, index_text, text
from zona.frameworks.scoring import Answer, item_value, round_half_up
from zona.insight.planner import ConditionPlan, Step, SurveyNeed
from zona.insight.selectors.planner import PlannerSheet, WhatIf


def answer_label(spec: SheetSpec, item: ItemSpec, answer: Answer | None) -> str:
    """An answer in words: the option with its label, the index, or the percentage with its
    counts."""
    if answer is None:
        return _("not answered")
    if item.is_choice:
        option = next((o for o in item.options if o.key == answer), None)
        label = text(option.label) if option else ""
        return f"{answer} · {label}" if label and label != answer else str(answer)
    if item.answer_type == "NUM4":
        return index_text(answer)
    value = item_value(spec.compiled.items[item.code], answer)
    return f"{pct(value * 100 if value is not None else None)} ({display_value(item, answer)})"


@dataclass(frozen=True)
class StepRow:
    rank: int
    code: str
    question: str
    area: str
    section: str
    slug: str
    current: str
    suggested: str
    points: str
    points_value: Decimal
    conditions: list[str]
    answer: Answer
    answer_type: str


@dataclass(frozen=True)
class ConditionRow:
    name: str
    title: str
    value: str
    bound: str
    gap: str
    passed: bool
    reachable: bool
    blocked: str
    message: str
    steps: list[str]
    survey: list[dict[str, Any]] = field(default_factory=list)


def area_titles(spec: SheetSpec) -> dict[str, str]:
    return {area.key: text(area.title) for area in spec.areas}


def _number(value: Decimal | bool, measure: str) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    shown = num(value)
    return shown + "%" if measure == "percent" else shown


def step_row(spec: SheetSpec, rank: int, step: Step, conditions: list[str]) -> StepRow:
    item = spec.items[step.item]
    areas = area_titles(spec)
    return StepRow(
        rank=rank,
        code=step.item,
        question=text(item.question),
        area=areas.get(item.area or "", item.area or ""),
        section=item.section,
        slug=step.item.replace(".", "-"),
        current=answer_label(spec, item, step.current),
        suggested=answer_label(spec, item, step.answer),
        points=num(step.points),
        points_value=round_half_up(step.points),
        conditions=conditions,
        answer=step.answer,
        answer_type=step.answer_type,
    )


def _survey(spec: SheetSpec, need: SurveyNeed) -> dict[str, Any]:
    return {
        "item": need.item,
        "source": need.source.upper(),
        "current": index_text(need.current) if need.current is not None else _("none yet"),
        "needed": index_text(need.needed) if need.needed is not None else None,
    }


def condition_message(plan: ConditionPlan, titles: Mapping[str, str]) -> str:
    if plan.passed:
        return _("Passes.")
    if plan.blocked == "predicate":
        return _("The unit must hold the required predicate first; no answer changes that.")
    if plan.blocked == "koefisien":
        return _("The koefisien leave no room: no answer can reach this bound.")
    if plan.blocked == "survey" and plan.with_survey and plan.steps:
        return ngettext(
            "It takes the survey index below and %(count)d item of the unit.",
            "It takes the survey index below and %(count)d items of the unit.",
            len(plan.steps),
        ) % {"count": len(plan.steps)}
    if plan.blocked == "survey" and plan.with_survey:
        return _("It takes the survey index below (it comes from the unit's surveys).")
    if plan.blocked == "survey":
        return _(
            "The unit's own items cannot close this gap: the survey index must rise "
            "(it comes from the unit's surveys, not from the worksheet)."
        )
    if plan.blocked == "items":
        return _("Even with every item at its best this condition is not reached.")
    count = len(plan.steps)
    return ngettext(
        "%(count)d item would make it pass.", "%(count)d items would make it pass.", count
    ) % {"count": count}


def condition_rows(sheet: PlannerSheet) -> list[ConditionRow]:
    titles = condition_titles(sheet)
    rows = []
    for plan in sheet.plan.conditions:
        rows.append(
            ConditionRow(
                name=plan.name,
                title=titles.get(plan.name, plan.name),
                value=_number(plan.value, plan.measure),
                bound=_number(plan.bound, plan.measure),
                gap=_number(plan.gap, plan.measure) if plan.gap is not None else "",
                passed=plan.passed,
                reachable=plan.reachable,
                blocked=plan.blocked,
                message=condition_message(plan, titles),
                steps=[step.item for step in plan.steps],
                survey=[_survey(sheet.state.spec, need) for need in plan.survey],
            )
        )
    return rows


def condition_titles(sheet: PlannerSheet) -> dict[str, str]:
    titles: dict[str, str] = {}
    for result in sheet.plan.card.verdicts[sheet.target].conditions:
        if result.title is not None:
            titles[result.name] = text(result.title)
        else:
            titles[result.name] = _("Holds %(predicate)s") % {
                "predicate": result.name.removeprefix("held_").upper()
            }
    return titles


def todo_rows(sheet: PlannerSheet) -> list[StepRow]:
    spec = sheet.state.spec
    titles = condition_titles(sheet)
    rows = []
    for rank, entry in enumerate(sheet.plan.todo, start=1):
        conditions = [titles.get(name, name) for name in entry.conditions]
        rows.append(step_row(spec, rank, entry.step, conditions))
    return rows


def predicate_title(sheet: PlannerSheet, key: str | None = None) -> str:
    key = key or sheet.target
    for predicate in sheet.state.spec.compiled.predicates:
        if predicate.key == key:
            return text(predicate.title)
    return key


def targets(sheet: PlannerSheet) -> list[dict[str, Any]]:
    return [
        {"key": p.key, "title": text(p.title), "selected": p.key == sheet.target}
        for p in sheet.state.spec.compiled.predicates
    ]


# --- the what-if form and its result ----------------------------------------------------------


def what_if_groups(sheet: PlannerSheet) -> list[dict[str, Any]]:
    """The items the unit may try other answers on, per area; the to-do items first (open)."""
    spec = sheet.state.spec
    areas = area_titles(spec)
    suggested = {entry.step.item: entry.step.answer for entry in sheet.plan.todo}
    todo: list[dict[str, Any]] = []
    groups: dict[str, list[dict[str, Any]]] = {}
    for code, item in spec.items.items():
        field_ = _field(spec, item, sheet.answers.get(code), suggested.get(code))
        # Each item once in the form: the to-do items in their own group.
        if code in suggested:
            todo.append(field_)
        else:
            groups.setdefault(item.area or "", []).append(field_)
    result = []
    if todo:
        order = {entry.step.item: i for i, entry in enumerate(sheet.plan.todo)}
        todo.sort(key=lambda f: order[f["code"]])
        result.append(
            {"key": "todo", "title": _("Items on the to-do list"), "fields": todo, "open": True}
        )
    for key, fields in groups.items():
        result.append(
            {
                "key": f"area-{key}",
                "title": areas.get(key, key) or _("Other items"),
                "fields": fields,
                "open": False,
            }
        )
    return result


def _field(
    spec: SheetSpec, item: ItemSpec, answer: Answer | None, suggested: Answer | None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": item.code,
        "name": f"item_{item.code}",
        "slug": item.code.replace(".", "-"),
        "question": text(item.question),
        "type": item.answer_type,
        "is_choice": item.is_choice,
        "is_pct": item.answer_type == "PCT",
        "survey": bool(item.source),
        "suggested": answer_label(spec, item, suggested) if suggested is not None else "",
    }
    if item.is_choice:
        data["options"] = [
            {"key": o.key, "label": text(o.label), "selected": answer == o.key}
            for o in item.options
        ]
    elif item.answer_type == "PCT":
        counts = answer if isinstance(answer, Mapping) else {}
        data["counts"] = [
            {
                "key": c.key,
                "name": f"item_{item.code}__{c.key}",
                "label": text(c.label),
                "value": "" if counts.get(c.key) is None else counts.get(c.key),
            }
            for c in item.counts
        ]
    else:
        data["index"] = "" if answer is None else index_text(answer)
    return data


def posted_overrides(spec: SheetSpec, data: Mapping[str, Any]) -> dict[str, object]:
    """Item code -> answer as typed, from the what-if form (`item_<code>`, and
    `item_<code>__<count>` for a PCT item's counts)."""
    overrides: dict[str, object] = {}
    for key in data:
        if not key.startswith("item_"):
            continue
        name = key.removeprefix("item_")
        code, _sep, count = name.partition("__")
        item = spec.items.get(code)
        if item is None:
            overrides[code] = data.get(key)
            continue
        if item.answer_type == "PCT":
            if count:
                counts = overrides.setdefault(code, {})
                assert isinstance(counts, dict)
                counts[count] = data.get(key)
            continue
        overrides[code] = data.get(key)
    # A PCT item whose counts are all empty is unanswered.
    for code, value in list(overrides.items()):
        if isinstance(value, dict) and not any(
            str(v).strip() for v in value.values() if v is not None
        ):
            overrides[code] = None
    return overrides


def what_if_numbers(result: WhatIf, sheet: PlannerSheet) -> dict[str, Any]:
    spec = sheet.state.spec
    areas = area_titles(spec)
    before = stored_fields(
        spec.compiled, sheet.view, result.before, target=sheet.target, penalties=sheet.penalties
    )["areas"]
    titles = condition_titles(sheet)
    verdict = result.card.verdicts[result.target]
    delta = round_half_up(result.card.total - result.before.total)
    rows = []
    for key, found in result.fields["areas"].items():
        score_, weight = Decimal(found["score"]), Decimal(found["weight"])
        percent = score_ * 100 / weight if weight else Decimal(0)
        was = Decimal(before[key]["score"])
        rows.append(
            {
                "key": key,
                "title": areas.get(key, key),
                "score": num(score_),
                "weight": num(weight),
                "percent": num(percent, 1),
                "percent_value": float(round_half_up(percent, 1)),
                "before": num(was),
                "moved": round_half_up(score_) != round_half_up(was),
            }
        )
    return {
        "total": num(result.card.total),
        "before": num(result.before.total),
        "delta": ("+" if delta > 0 else "") + num(delta),
        "delta_value": delta,
        "passed": result.passed,
        "was_passed": result.was_passed,
        "changed": len(result.changed),
        "predicate": predicate_title(sheet, result.target),
        "areas": rows,
        "conditions": [
            {
                "name": c.name,
                "title": titles.get(c.name, c.name),
                "value": _number(c.value, c.measure),
                "bound": _number(c.bound, c.measure),
                "passed": c.passed,
            }
            for c in verdict.conditions
        ],
    }
