"""The candidacy part's demo (issue 11 §1), through the services, as people did it early in
2026 (before the proposal deadline): each candidate unit's head records the declaration and
imports the staff roster, most staff sign their integrity pact, the agency administrator of
KPM keeps the eligibility checklist (the program's defaults and one of KPM's own), units
answer it, and the echelon-I heads designate the candidates of 2026 (`cast.py`:
CANDIDATES_IN_CHAIN, NOMINATED, BLOCKED_CANDIDATE). Cirebon declared too but answered "no"
to one criterion, so it shows why it is not a candidate.

Idempotent: whatever exists already (a declaration, a roster, an answer, a candidacy) is
left as it is, so `make run` may load the demo twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from zona.accounts.access import forget_assignments
from zona.accounts.demo import DEMO_PASSWORD, DemoContext
from zona.accounts.imports.reader import RawRow
from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.accounts.services import role_assign, user_create
from zona.national.demos.cast import BLOCKED_CANDIDATE, CANDIDATES_IN_CHAIN, NOMINATED, YEAR
from zona.national.models import (
    Candidacy,
    Declaration,
    EligibilityAnswer,
    EligibilityCriterion,
    IntegrityPact,
)
from zona.national.selectors.candidacy import checklist
from zona.national.services.candidacy import (
    AnswerInput,
    CriterionInput,
    DeclarationInput,
    PactInput,
    candidacy_designate,
    criterion_create,
    declaration_save,
    eligibility_answer_save,
    pact_roster_import,
    pact_sign,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Echelon-I heads who designate the candidates of their Ditjen.
ECHELON_I_HEADS = {
    "KPM-DJIM": ("kepala.djim", "Ir. Hadi Susanto, M.Si."),
    "KPM-DJAH": ("kepala.djah", "Dr. Ratna Sari Dewi, S.H."),
    "KPM-DJPU": ("kepala.djpu", "Drs. Made Wirawan, M.A.P."),
}
FIRST = [
    "Andi",
    "Bayu",
    "Citra",
    "Dian",
    "Eko",
    "Fitri",
    "Gilang",
    "Hana",
    "Indra",
    "Joko",
    "Kartika",
    "Lukman",
    "Maya",
    "Nanda",
    "Oki",
    "Putri",
    "Rizky",
    "Sari",
    "Teguh",
    "Wulan",
]
LAST = [
    "Saputra",
    "Lestari",
    "Nugroho",
    "Wibowo",
    "Rahmawati",
    "Hidayat",
    "Kusuma",
    "Pratiwi",
    "Siregar",
    "Harahap",
    "Tanjung",
    "Pohan",
    "Gultom",
    "Sinaga",
    "Daeng",
    "Rauf",
]
POSITIONS = [
    "Analis Keimigrasian",
    "Pengadministrasi Umum",
    "Pranata Komputer",
    "Bendahara",
    "Analis Perizinan",
    "Arsiparis",
    "Pengelola Layanan",
    "Verifikator Keuangan",
]
# Not every pact is signed yet in every unit: unit code -> people without a signed pact.
UNSIGNED = {"KPM-IMI-BGR": 2, "KPM-IMI-DPK": 1, "KPM-PZN-BON": 3, "KPM-IMI-CRB": 4}
# Declared, but one criterion answered "no": not a candidate, and the page says why.
NOT_ELIGIBLE = "KPM-IMI-CRB"
TARGETS = {"KPM-AHU-SBY": "WBBM"}


def _at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=JAKARTA)


def _ensure_head(ctx: DemoContext, unit: Unit, username: str, full_name: str) -> User:
    user = ctx.users.get(username) or User.objects.filter(username=username).first()
    if user is None:
        admin = ctx.users["admin"]
        user = user_create(
            actor=admin,
            username=username,
            email=f"{username}@kpm.example.go.id",
            full_name=full_name,
            home_unit=unit,
            password=None,
            send_welcome=False,
        )
        # A demo login like the others (printed by `make run`).
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        role_assign(actor=admin, user=user, role=Role.UNIT_HEAD, unit=unit)
        forget_assignments(user)  # read before the role was given
    ctx.users[username] = user
    return user


def _unit_head(ctx: DemoContext, unit: Unit, n: int) -> User:
    """The unit head who signs: the unit's head from the other demos (kepala.bandung,
    kepala.bogor ...), else a head account for the demo."""
    existing = (
        RoleAssignment.objects.filter(unit=unit, role=Role.UNIT_HEAD, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if existing is not None:
        ctx.users[existing.user.username] = existing.user
        return existing.user
    name = f"{FIRST[(n * 7) % len(FIRST)]} {LAST[(n * 5) % len(LAST)]}"
    return _ensure_head(ctx, unit, "kepala." + unit.code.rsplit("-", 1)[-1].lower(), name)


def _nip(n: int, i: int) -> str:
    born = dt.date(1975, 1, 1) + dt.timedelta(days=(n * 37 + i * 211) % 6000)
    return f"{born:%Y%m%d}{2000 + (n + i) % 20}{1 + i % 12:02d}{1 + i % 2}{(n * 31 + i) % 1000:03d}"


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def _declare(head: User, unit: Unit, n: int) -> None:
    if Declaration.objects.filter(unit=unit, year=YEAR).exists():
        return
    declaration_save(
        actor=head,
        unit=unit,
        year=YEAR,
        data=DeclarationInput(
            declared_on=dt.date(YEAR, 1, 12 + n % 10),
            signer_name=head.full_name,
            signer_nip=_nip(n, 99),
            signer_position=f"Kepala {unit.name}",
            signer_echelon=3,
            charter=_pdf(f"piagam-pencanangan-{unit.code.lower()}.pdf"),
        ),
        now=_at(1, 22),
    )


def _roster(head: User, unit: Unit, n: int) -> None:
    if IntegrityPact.objects.filter(unit=unit, year=YEAR).exists():
        return
    size = 8 + n % 5
    rows = [
        RawRow(
            row=i + 2,
            values={
                "name": f"{FIRST[(n + i * 3) % len(FIRST)]} {LAST[(n * 2 + i) % len(LAST)]}",
                "nip": _nip(n, i),
                "position": POSITIONS[(n + i) % len(POSITIONS)],
            },
        )
        for i in range(size)
    ]
    pact_roster_import(
        actor=head,
        unit=unit,
        year=YEAR,
        headers=["name", "nip", "position"],
        rows=rows,
        file_name=f"daftar-pegawai-{unit.code.lower()}.xlsx",
        now=_at(1, 23),
    )
    pacts = list(IntegrityPact.objects.filter(unit=unit, year=YEAR).order_by("nip"))
    for i, pact in enumerate(pacts[: len(pacts) - UNSIGNED.get(unit.code, 0)]):
        pact_sign(
            actor=head,
            pact=pact,
            data=PactInput(
                signed=True,
                signed_on=dt.date(YEAR, 1, 26) + dt.timedelta(days=i % 9),
                document=_pdf(f"pakta-integritas-{pact.nip}.pdf"),
            ),
            now=_at(2, 10),
        )


def _answer(head: User, unit: Unit) -> None:
    for criterion in checklist(unit.get_agency(), active_only=True):
        if EligibilityAnswer.objects.filter(
            unit=unit, year=YEAR, criterion__code=criterion.code
        ).exists():
            continue
        no = unit.code == NOT_ELIGIBLE and criterion.code == "resources"
        eligibility_answer_save(
            actor=head,
            unit=unit,
            year=YEAR,
            data=AnswerInput(
                code=criterion.code,
                answer=not no,
                note=(
                    "Pagu anggaran dan jumlah layanan belum memadai tahun ini."
                    if no
                    else f"Terpenuhi; lihat dokumen pendukung {unit.name}."
                ),
                evidence_url=f"https://kpm.example.go.id/zi/{unit.code.lower()}/{criterion.code}",
            ),
            now=_at(2, 20),
        )


def load(ctx: Any) -> None:
    with translation.override("id"), transaction.atomic():
        admin_kpm = ctx.users.get("admin.kpm") or User.objects.get(username="admin.kpm")
        agency = ctx.agency
        # Fresh rows: the paths of the context's units may predate later moves in the tree.
        units = {u.code: u for u in Unit.objects.filter(code__startswith="KPM")}
        heads = {
            code: _ensure_head(ctx, units[code], username, name)
            for code, (username, name) in ECHELON_I_HEADS.items()
        }
        if not EligibilityCriterion.objects.filter(agency=agency).exists():
            criterion_create(
                actor=admin_kpm,
                agency=agency,
                data=CriterionInput(name="Telah menetapkan SK Tim Pembangunan ZI", code="zi-team"),
            )
        codes = [*CANDIDATES_IN_CHAIN, *NOMINATED, BLOCKED_CANDIDATE, NOT_ELIGIBLE]
        for n, code in enumerate(dict.fromkeys(codes), start=1):
            unit = units[code]
            head = _unit_head(ctx, unit, n)
            _declare(head, unit, n)
            _roster(head, unit, n)
            _answer(head, unit)
            if code == NOT_ELIGIBLE or Candidacy.objects.filter(unit=unit, year=YEAR).exists():
                continue
            designator = next(
                h for es1, h in heads.items() if unit.path.startswith(units[es1].path)
            )
            target = NOMINATED[code][0] if code in NOMINATED else TARGETS.get(code, "WBK")
            candidacy_designate(
                actor=designator,
                unit=unit,
                year=YEAR,
                target=target,
                note="Ditetapkan sebagai unit kerja berpredikat menuju " + target,
                now=_at(3, 16),
            )
