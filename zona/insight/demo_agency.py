"""Demo data for the agency dashboard: every satker of the demo agency gets its 2026 sheet.

The other demos give six units a sheet (the review chain's cast); a dashboard of six units
out of fifty shows neither a distribution nor a heatmap worth the name. Here each satker
without a sheet gets one (through `assessment_create_many`, as the agency administrator
would), answered from a stable profile per unit: strong units answer most items at their
best, weak ones at a lower option, so the totals spread from about 45 to 95 and some units
fall below the Pengungkit, Hasil or area minimums. The answers are written in one insert per
sheet and the stored scores computed once per sheet by the scoring service (a person would
type them one by one; the result is the same stored scores). The sheets stay "being filled".
Idempotent: a unit that has a sheet is left alone.

The cast's sheet still being filled (Bandung: area 1 done, area 2 started) would show its
dashboard a radar with one spoke: its untouched sections get most of their items answered
the same way, leaving some open so the readiness list and the planner have work to show.
A section with any answer is left as the cast wrote it, so a second load adds nothing.
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zona.accounts.models import UnitKind
from zona.assessments.models import Answer, AnswerLayer, Assessment, AssessmentStatus, Period
from zona.assessments.services import assessment_create_many
from zona.assessments.services.scores import scores_refresh_many
from zona.assessments.sheet import ItemSpec, sheet_spec


def _roll(*parts: str) -> int:
    """A stable number 0..99 for the given words (the same on every load)."""
    return zlib.crc32("|".join(parts).encode()) % 100


def _strength(unit_code: str) -> int:
    """The share of items a unit answers at its best: 35..95, stable per unit."""
    return 35 + (_roll("strength", unit_code) * 61) // 100


def _counts(item: ItemSpec, good: bool) -> dict[str, int]:
    formula = item.formula or {}
    caps = {rule.key: rule.max for rule in item.count_rules if rule.max is not None}
    counts = {c.key: min(1, caps.get(c.key) or 1) for c in item.counts}
    if formula.get("kind") == "decrease":
        counts[formula["previous"]] = 10
        counts[formula["current"]] = 4 if good else 9
        return counts
    total = 0
    for key in formula.get("denominator", []):
        counts[key] = min(20, caps.get(key) or 20)
        total += counts[key]
    for key in formula.get("numerator", []):
        counts[key] = total if good else total // 2
    return counts


def _value(item: ItemSpec, unit_code: str) -> Any:
    strength = _strength(unit_code)
    roll = _roll(unit_code, item.code)
    good = roll < strength
    if item.answer_type == "NUM4":
        index = Decimal("2.2") + Decimal(strength) / Decimal(50)
        return f"{min(Decimal('3.95'), index):.2f}"
    if item.answer_type == "PCT" and item.formula:
        return _counts(item, good)
    ranked = [o.key for o in sorted(item.options, key=lambda o: -o.value)]
    if not ranked:
        return None
    if good:
        return ranked[0]
    # A weak answer: one notch down, or two for the weakest units.
    step = 1 if strength >= 60 or len(ranked) < 3 else 2
    return ranked[min(step, len(ranked) - 1)]


def _period(ctx: Any) -> Period | None:
    year = timezone.localdate().year
    return (
        Period.objects.filter(agency=ctx.agency, year=year)
        .select_related("framework")
        .order_by("-pk")
        .first()
    )


# The share (of 100) of an untouched section's items a thin sheet gets answered.
TOP_UP_SHARE = 70
# A sheet with fewer answered items than this share (of 100) of its items is thin.
THIN_SHARE = 40


def _answer(layer_id: int, code: str, value: Any, admin: Any, now: Any) -> Answer:
    return Answer(
        layer_id=layer_id,
        item_code=code,
        value=value,
        revision=1,
        updated_by=admin,
        updated_at=now,
    )


def _top_up(period: Period, admin: Any) -> None:
    """Answer most items of the untouched sections of the period's thin sheets still being
    filled (the cast's), so their dashboards draw every area."""
    spec = sheet_spec(period.framework)
    sheets = list(
        Assessment.objects.filter(period=period, status=AssessmentStatus.DRAFT).select_related(
            "period__framework", "unit"
        )
    )
    layers = dict(
        AnswerLayer.objects.filter(assessment__in=sheets, tier__isnull=True).values_list(
            "assessment_id", "pk"
        )
    )
    answered: dict[int, set[str]] = {}
    for layer_id, code in Answer.objects.filter(layer_id__in=layers.values()).values_list(
        "layer_id", "item_code"
    ):
        answered.setdefault(layer_id, set()).add(code)
    now = timezone.now()
    answers, touched = [], []
    for sheet in sheets:
        if sheet.pk not in layers:
            continue
        layer_id = layers[sheet.pk]
        have = answered.get(layer_id, set())
        if not have or 100 * len(have) >= THIN_SHARE * len(spec.items):
            continue
        started = {spec.items[c].section for c in have if c in spec.items}
        added = 0
        for code, item in spec.items.items():
            if item.section in started or _roll("top-up", sheet.unit.code, code) >= TOP_UP_SHARE:
                continue
            value = _value(item, sheet.unit.code)
            if value is not None:
                answers.append(_answer(layer_id, code, value, admin, now))
                added += 1
        if added:
            touched.append(sheet)
    if answers:
        with transaction.atomic():
            Answer.objects.bulk_create(answers, batch_size=2000)
            scores_refresh_many(touched)


def load(ctx: Any) -> None:
    period = _period(ctx)
    admin = ctx.users.get("admin.kpm")
    if period is None or admin is None:
        return
    _top_up(period, admin)
    have = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    missing = {
        unit: "wbk"
        for unit in ctx.units.values()
        if unit.kind == UnitKind.SATKER and unit.pk not in have
    }
    if not missing:
        return
    spec = sheet_spec(period.framework)
    with transaction.atomic():
        assessment_create_many(actor=admin, period=period, targets=missing)
        sheets = list(
            Assessment.objects.filter(period=period, unit__in=list(missing)).select_related(
                "period__framework", "unit"
            )
        )
        layers = dict(
            AnswerLayer.objects.filter(assessment__in=sheets, tier__isnull=True).values_list(
                "assessment_id", "pk"
            )
        )
        now = timezone.now()
        answers = []
        for sheet in sheets:
            for code, item in spec.items.items():
                value = _value(item, sheet.unit.code)
                if value is None:
                    continue
                answers.append(_answer(layers[sheet.pk], code, value, admin, now))
        Answer.objects.bulk_create(answers, batch_size=2000)
    scores_refresh_many(sheets)
