"""The TPN's stages in the demo (after the proposal's demo created the 2026 nominations):
each nomination of `cast.NOMINATED` moves to its listed stage through the services, with
the dates it would have had in 2026 (administrative selection in June, desk evaluation in
August, field evaluation in September and October, clearance in October and November, the
determination on 1 December).

KPM-PZN-KSR passed "with notes" at the end of November, so its follow-up is still open
(the unit can send the documents on its page); the others' selection is in June.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zona.national.demos.cast import NOMINATED, YEAR
from zona.national.models import Nomination, NominationStatus
from zona.national.services.tpn import (
    ClearanceInput,
    FieldInput,
    clearance_record,
    field_save,
    nomination_appeal,
    nomination_award,
    nomination_decide,
)

S = NominationStatus
D = dt.date

# How far along the evaluated path each stage is (the order the stages come in).
PATH: list[str] = [S.DESK, S.FIELD, S.CLEARANCE, S.DETERMINATION, S.AWARDED]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


def _fresh(n: Nomination) -> Nomination:
    return Nomination.objects.select_related("unit", "proposal", "assessment").get(pk=n.pk)


def _decide(tpn: Any, n: Nomination, action: str, day: dt.date, notes: str = "", **kw: Any) -> None:
    nomination_decide(
        actor=tpn, nomination=_fresh(n), action=action, held_on=day, notes=notes, now=_at(day), **kw
    )


def _evaluated(tpn: Any, n: Nomination, stage: str, offset: int) -> None:
    """Along the evaluated path up to `stage` (offset: a few days apart per unit)."""
    _decide(tpn, n, "pass", D(YEAR, 6, 10 + offset), "Dokumen usulan lengkap.")
    reach = PATH.index(stage) if stage in PATH else len(PATH)
    if reach >= 1 or stage == S.NOT_AWARDED:
        _decide(tpn, n, "desk_done", D(YEAR, 8, 10 + offset), "Evaluasi dokumen LKE selesai.")
        visit = D(YEAR, 9, 14 + offset)
        field_save(
            actor=tpn,
            nomination=_fresh(n),
            data=FieldInput(scheduled_on=visit, mode="visit", place=n.unit.name),
            now=_at(D(YEAR, 8, 20)),
        )
        field_save(
            actor=tpn,
            nomination=_fresh(n),
            data=FieldInput(
                scheduled_on=visit,
                mode="visit",
                place=n.unit.name,
                interviews="Kepala kantor, dua pejabat pengawas, lima pegawai layanan.",
                observations="Ruang layanan, papan informasi, kanal pengaduan.",
                findings="Inovasi layanan berjalan; kanal pengaduan perlu tindak lanjut tertulis.",
            ),
            now=_at(visit + dt.timedelta(days=2)),
        )
    if reach >= 2 or stage == S.NOT_AWARDED:
        _decide(tpn, n, "field_done", D(YEAR, 10, 1 + offset), "Evaluasi lapangan selesai.")
        clearance_record(
            actor=tpn,
            nomination=_fresh(n),
            data=ClearanceInput(
                body="kpk",
                result="clear",
                issued_on=D(YEAR, 10, 20),
                reference=f"R-{100 + offset}/KPK/10/{YEAR}",
            ),
            now=_at(D(YEAR, 10, 21)),
        )
    if reach >= 3 or stage == S.NOT_AWARDED:
        clearance_record(
            actor=tpn,
            nomination=_fresh(n),
            data=ClearanceInput(
                body="ombudsman",
                result="clear",
                issued_on=D(YEAR, 11, 2),
                reference=f"B-{200 + offset}/ORI/11/{YEAR}",
            ),
            now=_at(D(YEAR, 11, 3)),
        )
    if stage == S.AWARDED:
        nomination_award(
            actor=tpn,
            nomination=_fresh(n),
            decree_number=f"KEP-123/M.PAN-RB/12/{YEAR}",
            decree_date=D(YEAR, 12, 1),
            notes="Ditetapkan dalam rapat TPN.",
            now=_at(D(YEAR, 12, 1)),
        )
    if stage == S.NOT_AWARDED:
        _decide(
            tpn,
            n,
            "not_award",
            D(YEAR, 12, 1),
            "Nilai akhir TPN di bawah ambang WBK pada area penguatan pengawasan.",
        )


@transaction.atomic
def load(ctx: Any) -> None:
    tpn = ctx.users.get("tpn")
    agency_admin = ctx.users.get("admin.kpm")
    if tpn is None or agency_admin is None:
        return
    nominations = {
        n.unit.code: n
        for n in Nomination.objects.select_related("unit", "proposal").filter(
            year=YEAR, unit__code__in=list(NOMINATED)
        )
    }
    for offset, (code, (_target, stage)) in enumerate(NOMINATED.items()):
        n = nominations.get(code)
        if n is None or n.status != S.ADMIN:
            continue  # not proposed by the proposal's demo, or already moved (a reload)
        if stage == S.ADMIN:
            continue
        if stage == S.FOLLOW_UP:
            _decide(
                tpn,
                n,
                "pass_with_notes",
                D(YEAR, 11, 30),
                "Surat usulan belum bertanda tangan basah; LKE belum memuat kolom TPI.",
                follow_up=[
                    {"kind": "letter", "request": "Kirim ulang surat usulan yang ditandatangani."},
                    {"kind": "lke", "request": "Lengkapi kolom nilai TPI pada LKE."},
                ],
            )
        elif stage in (S.APPEAL, S.ENDED):
            _decide(tpn, n, "fail", D(YEAR, 6, 12), "SPTJM tidak dilampirkan.")
            nomination_appeal(
                actor=agency_admin,
                nomination=_fresh(n),
                reason="SPTJM telah dikirim bersama surat usulan; mohon diperiksa kembali.",
                now=_at(D(YEAR, 6, 18)),
            )
            if stage == S.ENDED:
                _decide(
                    tpn,
                    n,
                    "reject_appeal",
                    D(YEAR, 6, 26),
                    "SPTJM yang dikirim tidak ditandatangani pimpinan unit.",
                )
        else:
            _evaluated(tpn, n, stage, offset % 5)
