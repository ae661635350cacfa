"""Demo comments and evidence marks (after the reviews part's demo sheets).

On Kantor Imigrasi Bogor's sheet (open at Kanwil): Kanwil's reviewer writes one comment of
each kind (to the unit, internal, must-fix), the unit head replies to the comment to the
unit, and Kanwil marks the sheet's evidence files (if it has any). On Bekasi's (open at
Eselon I) Eselon I asks the unit something. Idempotent: a sheet that already has comments
is left as it is; a missing sheet, user or tier is skipped.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from zona.accounts.access import review_tiers_for
from zona.accounts.models import ReviewTier, User
from zona.assessments.models import Assessment, AssessmentStatus, EvidenceLink
from zona.assessments.sheet import sheet_spec
from zona.workflow.models.comments import EvidenceMark, ItemComment
from zona.workflow.services.comments import comment_add, comment_reply, evidence_mark

COMMENTS = [
    (
        "A.I.1.i.a",
        "must_fix",
        "SK Tim ZI belum mencantumkan masa berlaku; mohon diperbaiki dan diunggah ulang.",
    ),
    ("A.I.1.i.a", "internal", "Cek silang susunan tim dengan data kepegawaian Kanwil."),
    ("A.I.1.i.b", "to_unit", "Mohon lampirkan notulen rapat pemilihan anggota tim."),
]
REPLY = "Notulen rapat sudah kami unggah ke perpustakaan data dukung dan ditautkan."
# The verdict per evidence file, in link order (repeated when there are more files).
MARKS = [
    ("accepted", ""),
    ("insufficient", "Dokumen belum ditandatangani kepala kantor."),
    ("not_relevant", "Dokumen ini untuk butir lain."),
]


def _sheet(ctx: Any, unit_code: str) -> Assessment | None:
    unit = ctx.units.get(unit_code)
    if unit is None:
        return None
    return (
        Assessment.objects.select_related("period", "period__framework", "unit")
        .filter(unit=unit)
        .exclude(status=AssessmentStatus.DRAFT)
        .order_by("-period__year", "-pk")
        .first()
    )


def _tier(user: User | None, sheet: Assessment, code: str) -> ReviewTier | None:
    if user is None:
        return None
    return next((t for t in review_tiers_for(user, sheet.unit) if t.code == code), None)


def _head(sheet: Assessment) -> User | None:
    return (
        User.objects.filter(
            role_assignments__unit=sheet.unit, role_assignments__role__in=["unit_head"]
        )
        .order_by("pk")
        .first()
    )


def load(ctx: Any) -> None:
    sheet = _sheet(ctx, "KPM-IMI-BGR")
    if sheet is not None:
        _kanwil(ctx, sheet)
    bekasi = _sheet(ctx, "KPM-IMI-BKS")
    if bekasi is not None:
        _eselon1(ctx, bekasi)


def _kanwil(ctx: Any, sheet: Assessment) -> None:
    reviewer = ctx.users.get("reviewer.kanwil")
    tier = _tier(reviewer, sheet, "kanwil")
    if reviewer is None or tier is None or ItemComment.objects.filter(assessment=sheet).exists():
        return
    items = sheet_spec(sheet.period.framework).items
    made = {}
    for code, kind, body in COMMENTS:
        if code in items:
            made[kind] = comment_add(
                actor=reviewer, assessment=sheet, item_code=code, tier=tier, kind=kind, body=body
            )
    head = _head(sheet)
    if head is not None and "to_unit" in made:
        comment_reply(actor=head, thread=made["to_unit"], body=REPLY)
    links = EvidenceLink.objects.filter(assessment=sheet, unlinked_at__isnull=True).order_by("pk")
    marked = set(
        EvidenceMark.objects.filter(Q(assessment=sheet), tier=tier).values_list(
            "link_id", flat=True
        )
    )
    for n, link in enumerate(links):
        if link.pk in marked:
            continue
        link.assessment = sheet
        verdict, note = MARKS[n % len(MARKS)]
        evidence_mark(actor=reviewer, link=link, tier=tier, verdict=verdict, note=note)


def _eselon1(ctx: Any, sheet: Assessment) -> None:
    reviewer = ctx.users.get("reviewer.eselon1")
    tier = _tier(reviewer, sheet, "eselon1")
    if reviewer is None or tier is None or ItemComment.objects.filter(assessment=sheet).exists():
        return
    if "A.I.1.i.a" in sheet_spec(sheet.period.framework).items:
        comment_add(
            actor=reviewer,
            assessment=sheet,
            item_code="A.I.1.i.a",
            tier=tier,
            kind="to_unit",
            body="Apakah SK Tim ZI sudah disosialisasikan kepada seluruh pegawai?",
        )
