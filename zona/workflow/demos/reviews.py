"""Demo sheets at every place of the chain (after the chain part's steps and teams):

- Kantor Imigrasi Bekasi and Depok: the unit answered every item and submitted; Kanwil
  answered every item (starting from the unit's answers, a few items up or down), completed
  and forwarded; the Kanwil selection round (see demos/selection.py) closed and selected
  both. Bekasi is open at Eselon I (Eselon I answered every item, still reviewing); Depok
  went on through Eselon I and is open at the TPI (see demos/tpi.py);
- Kantor Imigrasi Jakarta Pusat (outside the Kanwil step's sub-tree): open at Eselon I,
  answered by Eselon I, then returned to the unit with items and a reason;
- Kantor Imigrasi Bogor: submitted after the round closed, open at Kanwil (Kanwil answered
  every item, still reviewing: the comments and desk demos work on it).

Each unit gets a demo head (kepala.bogor, kepala.bekasi, kepala.jakpus, kepala.depok) who
answers and submits, through the same services as the pages. Idempotent: each step runs only
when the sheet is still before it. Satker Bandung's sheet is left to the unit's demo (draft).
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zona.accounts.models import ReviewTier, Role, User
from zona.accounts.services import role_assign, user_create
from zona.assessments.models import Answer, Assessment, AssessmentStatus, Period
from zona.assessments.services import answer_save
from zona.assessments.services.periods import assessment_create_many
from zona.assessments.sheet import ItemSpec, sheet_spec
from zona.workflow.models import ChainStep, TierReview, WorkflowEvent

# (unit code, head username, head name)
HEADS = [
    ("KPM-IMI-BGR", "kepala.bogor", "Rudi Hermawan"),
    ("KPM-IMI-BKS", "kepala.bekasi", "Nur Aisyah"),
    ("KPM-IMI-JKT-PST", "kepala.jakpus", "Teguh Prasetyo"),
    ("KPM-IMI-DPK", "kepala.depok", "Sri Wahyuni"),
]
# Sheets the demo adds to the period (the assessments demo makes the others).
EXTRA_SHEETS = {"KPM-IMI-DPK": "wbk"}
# How strong each unit's own answers are: the share of items at the best option (the rest one
# option lower), and its survey indices.
PROFILES: dict[str, tuple[int, str]] = {
    "KPM-IMI-BGR": (70, "3.64"),
    "KPM-IMI-BKS": (75, "3.68"),
    "KPM-IMI-JKT-PST": (60, "3.52"),
    "KPM-IMI-DPK": (80, "3.72"),
}
# Notes a tier writes on the items it moved (down, up).
DOWN_NOTE = "Data dukung belum cukup untuk nilai yang diisi unit."
UP_NOTE = "Data dukung tambahan menunjukkan capaian lebih baik."
# Per tier: how many items it moves down and up from the layer below (a different handful
# per tier and sheet).
TIER_CHANGES = {"kanwil": (4, 2), "eselon1": (3, 1), "tpi": (3, 1)}


def _period(ctx: Any) -> Period | None:
    today = timezone.localdate()
    return Period.objects.filter(
        agency=ctx.agency, year=today.year, title=f"PMPZI {today.year}"
    ).first()


def _head(ctx: Any, unit_code: str, username: str, name: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is not None:
        ctx.users.setdefault(username, user)
        return user
    unit = ctx.units.get(unit_code)
    admin = ctx.users.get("admin")
    if unit is None or admin is None:
        return None
    from zona.accounts.demo import DEMO_PASSWORD

    user = user_create(
        actor=admin,
        username=username,
        email=f"{username}@kpm.example.go.id",
        full_name=name,
        home_unit=unit,
        password=DEMO_PASSWORD,
        send_welcome=False,
    )
    role_assign(actor=admin, user=user, role=Role.UNIT_HEAD, unit=unit)
    ctx.users[username] = user
    return user


# --- answers ----------------------------------------------------------------------------------


def _roll(*parts: str) -> int:
    """A stable number 0..99 for the given words (the same on every load)."""
    return zlib.crc32("|".join(parts).encode()) % 100


def _ranked(item: ItemSpec) -> list[str]:
    """The item's option keys, best first."""
    return [o.key for o in sorted(item.options, key=lambda o: -o.value)]


def _counts(item: ItemSpec, good: bool) -> dict[str, int]:
    """Counts for a PCT item: a ratio near 100 % (good) or 80 %, a decrease from 10 to 4
    (good) or 7; the other counts small."""
    formula = item.formula or {}
    caps: dict[str, int] = {rule.key: rule.max for rule in item.count_rules if rule.max is not None}
    counts = {c.key: min(1, caps.get(c.key, 1)) for c in item.counts}
    if formula.get("kind") == "decrease":
        counts[formula["previous"]] = 10
        counts[formula["current"]] = 4 if good else 7
        return counts
    total = 0
    for key in formula.get("denominator", []):
        counts[key] = min(20, caps.get(key, 20))
        total += counts[key]
    for key in formula.get("numerator", []):
        counts[key] = total if good else total * 4 // 5
    return counts


def _unit_value(item: ItemSpec, unit_code: str) -> Any:
    strength, index = PROFILES.get(unit_code, (85, "3.60"))
    good = _roll(unit_code, item.code) < strength
    if item.answer_type == "NUM4":
        return index
    if item.answer_type == "PCT" and item.formula:
        return _counts(item, good)
    ranked = _ranked(item)
    if not ranked:
        return None
    return ranked[0] if good or len(ranked) == 1 else ranked[1]


def _moved(item: ItemSpec, value: Any, step: int) -> Any:
    """`value` one notch worse (step 1) or better (step -1); None when it cannot move."""
    if item.answer_type == "NUM4":
        moved = Decimal(str(value)) - Decimal("0.05") * step
        return f"{moved:.2f}"
    if item.answer_type == "PCT" and isinstance(value, dict) and item.formula:
        formula, out = item.formula, dict(value)
        if formula.get("kind") == "decrease":
            current = formula["current"]
            out[current] = max(0, int(out.get(current, 0)) + 2 * step)
        else:
            top = sum(int(out.get(k, 0)) for k in formula.get("denominator", []))
            for key in formula.get("numerator", []):
                out[key] = max(0, min(int(out.get(key, 0)) - 3 * step, top))
        return out if out != value else None
    ranked = _ranked(item)
    if value not in ranked:
        return None
    position = ranked.index(value) + step
    return ranked[position] if 0 <= position < len(ranked) else None


def _layer_values(sheet: Assessment, tier: ReviewTier | None) -> dict[str, Any]:
    return dict(
        Answer.objects.filter(
            layer__assessment=sheet, layer__tier=tier, value__isnull=False
        ).values_list("item_code", "value")
    )


# Data dukung each submitting unit links (a link to its shared folder), by item.
EVIDENCE = [
    ("SK Tim Pembangunan ZI", "sk-tim-zi", ["A.I.1.i.a"]),
    ("Notulen Rapat Pemilihan Anggota Tim", "notulen-pemilihan-tim", ["A.I.1.i.b"]),
    ("Rencana Kerja Pembangunan ZI", "rencana-kerja-zi", ["A.I.2.i.a"]),
]


def unit_evidence(head: User, sheet: Assessment) -> None:
    """The unit links a few data dukung (links to its shared folder) to their items."""
    from zona.assessments.models import Evidence, EvidenceLink
    from zona.assessments.services import evidence_add_link, evidence_link

    spec = sheet_spec(sheet.period.framework)
    for title, slug, items in EVIDENCE:
        evidence = Evidence.objects.filter(unit=sheet.unit, title=title).first()
        if evidence is None:
            evidence = evidence_add_link(
                actor=head,
                unit=sheet.unit,
                url=f"https://drive.example.go.id/{sheet.unit.code.lower()}/{slug}",
                title=title,
            )
        for code in items:
            if (
                code in spec.items
                and not EvidenceLink.objects.filter(
                    assessment=sheet, item_code=code, evidence=evidence
                ).exists()
            ):
                evidence_link(actor=head, assessment=sheet, item_code=code, evidence=evidence)


def unit_answers(head: User, sheet: Assessment) -> None:
    """The unit answers every item it has not answered yet."""
    spec = sheet_spec(sheet.period.framework)
    have = _layer_values(sheet, None)
    for code, item in spec.items.items():
        if code in have:
            continue
        value = _unit_value(item, sheet.unit.code)
        if value is None:
            continue
        answer_save(
            actor=head, assessment=sheet, item_code=code, revision=None, value=value, via="demo"
        )


def tier_answers(reviewer: User, sheet: Assessment, tier: ReviewTier, below: Any) -> None:
    """The tier answers every item it has not answered yet: the layer below's value (`below`:
    the tier under it, None for the unit), except a handful moved down or up with a note."""
    spec = sheet_spec(sheet.period.framework)
    have = _layer_values(sheet, tier)
    if len(have) >= len(spec.items):
        return
    start = _layer_values(sheet, below)
    down, up = TIER_CHANGES.get(tier.code, (3, 1))
    order = sorted(spec.items, key=lambda c: _roll(tier.code, sheet.unit.code, c))
    changes: dict[str, int] = {}
    for code in order:
        item = spec.items[code]
        if code not in start or item.answer_type == "NUM4":
            continue
        if down and _moved(item, start[code], 1) is not None:
            changes[code], down = 1, down - 1
        elif up and _moved(item, start[code], -1) is not None:
            changes[code], up = -1, up - 1
        if not down and not up:
            break
    for code, item in spec.items.items():
        if code in have or code not in start:
            continue
        value, note = start[code], ""
        if code in changes:
            value = _moved(item, value, changes[code])
            note = DOWN_NOTE if changes[code] > 0 else UP_NOTE
        answer_save(
            actor=reviewer,
            assessment=sheet,
            item_code=code,
            revision=None,
            value=value,
            note=note,
            tier=tier,
            via="demo",
        )


# --- the chain --------------------------------------------------------------------------------


def review_of(sheet: Assessment, tier: str) -> TierReview | None:
    return (
        TierReview.objects.select_related("tier", "step", "assessment__unit")
        .filter(assessment=sheet, tier__code=tier)
        .first()
    )


def _submitted(head: User, sheet: Assessment) -> Assessment:
    from zona.workflow.services.sheet import sheet_submit

    if sheet.status != AssessmentStatus.DRAFT or sheet.tier_reviews.exists():
        return sheet
    unit_answers(head, sheet)
    unit_evidence(head, sheet)
    return sheet_submit(actor=head, assessment=sheet)


def _sheets(ctx: Any, period: Period) -> dict[str, Assessment]:
    admin = ctx.users.get("admin.kpm")
    missing = {
        ctx.units[code]: target
        for code, target in EXTRA_SHEETS.items()
        if code in ctx.units
        and not Assessment.objects.filter(period=period, unit=ctx.units[code]).exists()
    }
    if missing and admin is not None:
        assessment_create_many(actor=admin, period=period, targets=missing)
    return {
        a.unit.code: a
        for a in Assessment.objects.select_related("period__framework", "unit").filter(
            period=period, unit__code__in=[code for code, *_rest in HEADS]
        )
    }


def load(ctx: Any) -> None:
    from zona.workflow.demos.selection import decide_kanwil_round

    period = _period(ctx)
    if period is None or not ChainStep.objects.filter(period=period).exists():
        return  # the chain part made no steps (no framework, or its demo is absent)
    with transaction.atomic():
        sheets = _sheets(ctx, period)
        heads = {code: _head(ctx, code, username, name) for code, username, name in HEADS}
        for code in ("KPM-IMI-BKS", "KPM-IMI-DPK", "KPM-IMI-JKT-PST"):
            head, sheet = heads.get(code), sheets.get(code)
            if head is not None and sheet is not None:
                sheets[code] = _submitted(head, sheet)
        for code in ("KPM-IMI-BKS", "KPM-IMI-DPK"):
            _kanwil_forwards(ctx, sheets.get(code))
        decide_kanwil_round(ctx, period)
        for code in ("KPM-IMI-BKS", "KPM-IMI-DPK", "KPM-IMI-JKT-PST"):
            _eselon1_answers(ctx, sheets.get(code))
        _eselon1_forwards(ctx, sheets.get("KPM-IMI-DPK"))
        _jakpus_returned(ctx, sheets.get("KPM-IMI-JKT-PST"))
        # Bogor comes after the round: it is still under review at Kanwil.
        head, bogor = heads.get("KPM-IMI-BGR"), sheets.get("KPM-IMI-BGR")
        if head is not None and bogor is not None:
            bogor = _submitted(head, bogor)
            _kanwil_answers(ctx, bogor)


def _kanwil_answers(ctx: Any, sheet: Assessment | None) -> TierReview | None:
    lead = ctx.users.get("reviewer.kanwil")
    kanwil = review_of(sheet, "kanwil") if sheet is not None else None
    if sheet is None or lead is None or kanwil is None or kanwil.status != "open":
        return None
    tier_answers(lead, sheet, kanwil.tier, None)
    return kanwil


def _kanwil_forwards(ctx: Any, sheet: Assessment | None) -> None:
    from zona.workflow.services.reviews import review_complete

    kanwil = _kanwil_answers(ctx, sheet)
    if kanwil is None:
        return
    review_complete(
        actor=ctx.users["reviewer.kanwil"],
        review=kanwil,
        recommendation="forward",
        note="Layak diteruskan ke Eselon I; perbaiki bukti seleksi anggota tim.",
    )


def _eselon1_answers(ctx: Any, sheet: Assessment | None) -> TierReview | None:
    reviewer = ctx.users.get("reviewer.eselon1")
    eselon1 = review_of(sheet, "eselon1") if sheet is not None else None
    if sheet is None or reviewer is None or eselon1 is None or eselon1.status != "open":
        return None
    kanwil = review_of(sheet, "kanwil")
    below = kanwil.tier if kanwil is not None and kanwil.status == "completed" else None
    tier_answers(reviewer, sheet, eselon1.tier, below)
    return eselon1


def _eselon1_forwards(ctx: Any, sheet: Assessment | None) -> None:
    from zona.workflow.services.reviews import review_complete

    eselon1 = _eselon1_answers(ctx, sheet)
    if eselon1 is None:
        return
    review_complete(
        actor=ctx.users["reviewer.eselon1"],
        review=eselon1,
        recommendation="forward",
        note="Diteruskan ke TPI; capaian area manajemen perubahan konsisten.",
    )


def _jakpus_returned(ctx: Any, sheet: Assessment | None) -> None:
    from zona.workflow.services.sheet import sheet_return

    reviewer = ctx.users.get("reviewer.eselon1")
    eselon1 = review_of(sheet, "eselon1") if sheet is not None else None
    if sheet is None or reviewer is None or eselon1 is None or eselon1.status != "open":
        return
    if WorkflowEvent.objects.filter(
        assessment=sheet, subject_kind="assessment", action="return"
    ).exists():
        return
    sheet_return(
        actor=reviewer,
        assessment=sheet,
        items=["A.I.1.i.a", "A.I.1.i.b"],
        reason="Lampirkan SK Tim ZI yang sudah ditandatangani dan daftar hadir rapat pembentukan.",
        tier=eselon1.tier,
    )
