"""Demo sheets at different places of the chain (after the chain part's steps and teams):

- Kantor Imigrasi Bogor: submitted, open at Kanwil;
- Kantor Imigrasi Bekasi: Kanwil answered an item, completed and forwarded; open at
  Eselon I (which starts "from Kanwil");
- Kantor Imigrasi Jakarta Pusat (outside the Kanwil step's sub-tree): open at Eselon I,
  then returned by Eselon I to the unit with a reason.

Each unit gets a demo head (kepala.bogor, kepala.bekasi, kepala.jakpus) who answers a few
items and submits, through the same services as the pages. Idempotent: each step runs only
when the sheet is still before it. Satker Bandung's sheet is left to the unit's demo.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from zona.accounts.models import Role, User
from zona.accounts.services import role_assign, user_create
from zona.assessments.models import Assessment, AssessmentStatus, Period
from zona.assessments.services import answer_save
from zona.workflow.models import ChainStep, TierReview, WorkflowEvent

# (unit code, head username, head name)
HEADS = [
    ("KPM-IMI-BGR", "kepala.bogor", "Rudi Hermawan"),
    ("KPM-IMI-BKS", "kepala.bekasi", "Nur Aisyah"),
    ("KPM-IMI-JKT-PST", "kepala.jakpus", "Teguh Prasetyo"),
]
# A few unit answers of the 90/2021 LKE before submission.
UNIT_ANSWERS: list[tuple[str, Any, str]] = [
    ("A.I.1.i.a", "Ya", "SK Tim ZI ditandatangani kepala kantor."),
    ("A.I.1.i.b", "B", "Sebagian anggota dipilih melalui seleksi terbuka."),
]


def _period(ctx: Any) -> Period | None:
    today = timezone.localdate()
    return Period.objects.filter(
        agency=ctx.agency, year=today.year, title=f"PMPZI {today.year}"
    ).first()


def _head(ctx: Any, unit_code: str, username: str, name: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is not None:
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


def _submitted(head: User, sheet: Assessment) -> Assessment:
    from zona.workflow.services.sheet import sheet_submit

    if sheet.status == AssessmentStatus.SUBMITTED:
        return sheet
    for code, value, note in UNIT_ANSWERS:
        answer_save(
            actor=head,
            assessment=sheet,
            item_code=code,
            revision=None,
            value=value,
            note=note,
            via="demo",
        )
    return sheet_submit(actor=head, assessment=sheet)


def _review(sheet: Assessment, tier: str) -> TierReview | None:
    return (
        TierReview.objects.select_related("tier", "step", "assessment__unit")
        .filter(assessment=sheet, tier__code=tier)
        .first()
    )


def load(ctx: Any) -> None:
    period = _period(ctx)
    if period is None or not ChainStep.objects.filter(period=period).exists():
        return  # the chain part made no steps (no framework, or its demo is absent)
    sheets = {
        a.unit.code: a
        for a in Assessment.objects.select_related("period__framework", "unit").filter(
            period=period, unit__code__in=[code for code, *_rest in HEADS]
        )
    }
    with transaction.atomic():
        for code, username, name in HEADS:
            head = _head(ctx, code, username, name)
            sheet = sheets.get(code)
            if head is None or sheet is None:
                continue
            if sheet.status == AssessmentStatus.DRAFT and not sheet.tier_reviews.exists():
                sheets[code] = _submitted(head, sheet)
        _bekasi_at_eselon1(ctx, sheets.get("KPM-IMI-BKS"))
        _jakpus_returned(ctx, sheets.get("KPM-IMI-JKT-PST"))


def _bekasi_at_eselon1(ctx: Any, sheet: Assessment | None) -> None:
    from zona.workflow.services.reviews import review_complete

    lead = ctx.users.get("reviewer.kanwil")
    kanwil = _review(sheet, "kanwil") if sheet is not None else None
    if sheet is None or lead is None or kanwil is None or kanwil.status != "open":
        return
    answer_save(
        actor=lead,
        assessment=sheet,
        item_code="A.I.1.i.b",
        revision=None,
        value="C",
        note="Seleksi terbuka belum untuk seluruh anggota tim.",
        tier=kanwil.tier,
        via="demo",
    )
    review_complete(
        actor=lead,
        review=kanwil,
        recommendation="forward",
        note="Layak diteruskan ke Eselon I; perbaiki bukti seleksi anggota tim.",
    )


def _jakpus_returned(ctx: Any, sheet: Assessment | None) -> None:
    from zona.workflow.services.sheet import sheet_return

    reviewer = ctx.users.get("reviewer.eselon1")
    eselon1 = _review(sheet, "eselon1") if sheet is not None else None
    if sheet is None or reviewer is None or eselon1 is None or eselon1.status != "open":
        return
    if WorkflowEvent.objects.filter(
        assessment=sheet, subject_kind="assessment", action="return"
    ).exists():
        return
    sheet_return(
        actor=reviewer,
        assessment=sheet,
        items=["A.I.1.i.a"],
        reason="Lampirkan SK Tim ZI yang sudah ditandatangani dan daftar hadir rapat pembentukan.",
        tier=eselon1.tier,
    )
