"""Demo of the desk part. On Kantor Imigrasi Bogor's sheet (submitted, under review at
Kanwil, see demos/reviews.py): a desk-evaluation session held (with interview notes and its
outcome) and one planned, and the Kanwil's survey validation (report check, the unit's
questionnaire; Bogor has no survey round in the demo, so no sample). On Satker Bandung's
draft sheet (whose survey rounds the surveys demo made): the survey validation with a drawn
sample and some confirmations, and assistance before submission on a few items at each
follow-up status.

Idempotent: each piece is made only when the sheet has none of it yet. Tolerates a missing
sheet, tier or survey round (then that piece is left out).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zona.assessments.models import Assessment, PeriodStatus
from zona.assessments.sheet import sheet_spec, takes_survey_index
from zona.core.errors import ZonaError
from zona.workflow.models import (
    AssistanceRecord,
    ConfirmationRequest,
    DeskSession,
    SurveyValidation,
)
from zona.workflow.services.desk import (
    AssistanceInput,
    SessionInput,
    assistance_follow_up,
    assistance_save,
    desk_note_save,
    desk_session_act,
    desk_session_create,
)
from zona.workflow.services.desk_validation import (
    confirmation_answer,
    confirmations_create,
    questionnaire_answer,
    survey_report_check,
    survey_validation_begin,
)

UNIT = "KPM-IMI-BGR"  # under review at Kanwil
ASSISTED = "KPM-IMI-BDG"  # a draft: assistance before submission
# The unit's people in the demo (invited to sessions, answering the questionnaire).
PEOPLE = {"KPM-IMI-BGR": ["kepala.bogor"], "KPM-IMI-BDG": ["operator.bandung", "pokja.bandung"]}
PLACE = "Ruang Rapat Kantor Imigrasi Bogor"
REVIEWER = "reviewer.kanwil"
TIER = "kanwil"


def load(ctx: Any) -> None:
    reviewer = ctx.users.get(REVIEWER)
    tier = ctx.tiers.get(TIER)
    if reviewer is None or tier is None:
        return
    for code, pieces in (
        (UNIT, (_sessions, _validation)),
        (ASSISTED, (_validation, _assistance)),
    ):
        assessment = _sheet(ctx, code)
        if assessment is None:
            continue
        for piece in pieces:
            try:
                piece(ctx, assessment, reviewer, tier)
            except ZonaError:
                # A demo that cannot add a piece (a chain that locks it) leaves it out.
                continue


def _sheet(ctx: Any, code: str) -> Assessment | None:
    today = timezone.localdate()
    unit = ctx.units.get(code)
    if unit is None:
        return None
    assessment = (
        Assessment.objects.select_related("period__framework", "period__agency", "unit")
        .filter(unit=unit, period__year=today.year, period__title=f"PMPZI {today.year}")
        .first()
    )
    if assessment is None or assessment.period.status == PeriodStatus.CLOSED:
        return None
    return assessment


def _people(ctx: Any, assessment: Assessment) -> list[Any]:
    names = PEOPLE.get(assessment.unit.code, [])
    return [ctx.users[n] for n in names if ctx.users.get(n) is not None]


def _area_items(assessment: Assessment, area: str) -> list[str]:
    spec = sheet_spec(assessment.period.framework)
    return [code for code, item in spec.items.items() if item.area == area]


def _sessions(ctx: Any, assessment: Assessment, reviewer: Any, tier: Any) -> None:
    if DeskSession.objects.filter(assessment=assessment).exists():
        return
    now = timezone.localtime()
    people = [u.pk for u in _people(ctx, assessment)]
    held = desk_session_create(
        actor=reviewer,
        assessment=assessment,
        tier=tier,
        data=SessionInput(
            starts_at=(now - dt.timedelta(days=2)).replace(hour=9, minute=0, second=0),
            ends_at=(now - dt.timedelta(days=2)).replace(hour=11, minute=30, second=0),
            area="1",
            place=PLACE,
            agenda="1. Paparan Tim Pokja area 1\n2. Wawancara per item\n3. Kesimpulan",
            unit_users=people,
            reviewer_names=[reviewer.display_name, "Rudi Hartanto (Kanwil)"],
        ),
    )
    notes = [
        "SK tim kerja ada, namun belum memuat uraian tugas per anggota.",
        "Pemilihan anggota dijelaskan lisan; notulen rapat pemilihan belum diunggah.",
        "Rencana kerja tersedia; realisasi triwulan IV belum dilaporkan.",
    ]
    for code, note in zip(_area_items(assessment, "1"), notes, strict=False):
        desk_note_save(actor=reviewer, session=held, item_code=code, note=note)
    desk_session_act(
        actor=reviewer,
        session=held,
        action="hold",
        outcome=(
            "Eviden area 1 umumnya lengkap. Unit melengkapi uraian tugas tim dan notulen "
            "pemilihan anggota dalam 7 hari."
        ),
    )
    desk_session_create(
        actor=reviewer,
        assessment=assessment,
        tier=tier,
        data=SessionInput(
            starts_at=(now + dt.timedelta(days=5)).replace(hour=13, minute=0, second=0),
            area="2",
            meeting_url="https://meet.example.go.id/desk-eval-bogor-area-2",
            agenda="Wawancara area 2 (penataan tatalaksana)",
            unit_users=people,
            reviewer_names=[reviewer.display_name],
        ),
    )


def _validation(ctx: Any, assessment: Assessment, reviewer: Any, tier: Any) -> None:
    spec = sheet_spec(assessment.period.framework)
    if not any(takes_survey_index(item) for item in spec.items.values()):
        return
    if SurveyValidation.objects.filter(assessment=assessment, tier=tier).exists():
        return
    validation = survey_validation_begin(actor=reviewer, assessment=assessment, tier=tier)
    survey_report_check(
        actor=reviewer,
        validation=validation,
        checks={"sample_size": True, "period": True, "instruments": True, "calculation": True},
        verdict="needs_improvement",
        note="Responden layanan izin tinggal kurang terwakili; lengkapi pada semester berikut.",
    )
    operator = next(iter(_people(ctx, assessment)), None)
    if operator is not None:
        questionnaire_answer(
            actor=operator,
            validation=validation,
            answers={
                "method": "mixed",
                "period_from": f"{timezone.localdate().year}-04-01",
                "period_to": f"{timezone.localdate().year}-09-30",
                "respondents": "412",
                "staff_present": "no",
                "independent": "yes",
                "notes": "Kios di ruang tunggu paspor dan tautan QR di loket.",
            },
        )
    if validation.campaign is None:
        return
    from zona.surveys.services import draw_cap
    from zona.surveys.services.contacts import contact_pool_size

    size = min(8, draw_cap(contact_pool_size(validation.campaign)))
    if size < 1:
        return
    confirmations_create(actor=reviewer, validation=validation, size=size)
    answers = [(True, True), (True, True), (True, True), (True, False)]
    rows = ConfirmationRequest.objects.filter(validation=validation).order_by("call__position")
    for request, (served, took_part) in zip(rows, answers, strict=False):
        confirmation_answer(token=request.token, was_served=served, took_part=took_part)


def _assistance(ctx: Any, assessment: Assessment, reviewer: Any, tier: Any) -> None:
    if AssistanceRecord.objects.filter(assessment=assessment).exists():
        return
    spec = sheet_spec(assessment.period.framework)
    choice_items = [
        code
        for code in _area_items(assessment, "1") + _area_items(assessment, "2")
        if spec.items[code].options
    ][:3]
    advice = [
        ("incomplete", "Unggah SK tim beserta uraian tugas tiap anggota."),
        ("missing", "Lampirkan notulen dan daftar hadir rapat pemilihan anggota."),
        ("ok", "Eviden lengkap; pertahankan pemantauan bulanan."),
    ]
    operator = next(iter(_people(ctx, assessment)), None)
    for index, (code, (check, text)) in enumerate(zip(choice_items, advice, strict=False)):
        record = assistance_save(
            actor=reviewer,
            assessment=assessment,
            tier=tier,
            data=AssistanceInput(
                item_code=code,
                document_check=check,
                simulated_answer=spec.items[code].options[0].key,
                advice=text,
            ),
        )
        if operator is None:
            continue
        if index == 0:
            assistance_follow_up(actor=operator, record=record, status="done")
        elif index == 1:
            assistance_follow_up(actor=operator, record=record, status="in_progress")
