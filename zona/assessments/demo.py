"""Demo data: this year's PMPZI period for the demo agency, a few sheets, one partly filled.

Idempotent: the period is matched by agency, year and title, sheets by unit, answers by
item, documents by title, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zona.assessments.models import Answer, Assessment, Evidence, Period, PeriodDeadline
from zona.assessments.services import (
    answer_save,
    assessment_create_many,
    evidence_add_link,
    evidence_link,
    evidence_upload,
)
from zona.frameworks.models import Framework
from zona.frameworks.services import framework_load_file

FRAMEWORK_KEY = "permenpan-rb-90-2021"
SHEETS = {
    "KPM-IMI-BDG": "wbk",
    "KPM-IMI-BGR": "wbk",
    "KPM-IMI-BKS": "wbk",
    "KPM-IMI-JKT-PST": "wbbm",
    "KPM-AHU-SMG": "wbk",
}
# (item, answer, note, who) for the Bandung sheet: area 1 complete, area 2 started, Hasil.
ANSWERS: list[tuple[str, Any, str, str]] = [
    (
        "A.I.1.i.a",
        "Ya",
        "Tim ZI ditetapkan dengan SK Kepala Kantor Nomor W11.IMI.1-UM.01.01-0012.",
        "pokja",
    ),
    (
        "A.I.1.i.b",
        "A",
        "Anggota dipilih melalui seleksi terbuka dan mewakili semua seksi.",
        "pokja",
    ),
    ("A.I.1.ii.a", "Ya", "Rencana kerja ZI 2026 disahkan Kepala Kantor pada Januari.", "pokja"),
    ("A.I.1.ii.b", "A", "", "pokja"),
    (
        "A.I.1.ii.c",
        "B",
        "Media sosial aktif, tetapi papan informasi belum diperbarui berkala.",
        "pokja",
    ),
    ("A.I.1.iii.a", "B", "9 dari 11 kegiatan terlaksana sampai Oktober.", "pokja"),
    ("A.I.1.iii.b", "A", "Rapat monev bulanan dipimpin Kepala Kantor.", "pokja"),
    ("A.I.1.iii.c", "B", "", "pokja"),
    ("A.I.1.iv.a", "Ya", "", "pokja"),
    ("A.I.1.iv.b", "A", "12 agen perubahan ditetapkan; laporan kontribusi triwulanan.", "pokja"),
    ("A.I.1.iv.c", "B", "", "pokja"),
    ("A.I.1.iv.d", "B", "", "pokja"),
    (
        "A.I.2.i.a",
        "B",
        "SOP layanan paspor sudah mengacu peta proses bisnis; SOP umum belum.",
        "pokja",
    ),
    ("A.I.2.i.b", "C", "", "pokja"),
    ("A.I.2.ii.a", "A", "", "pokja"),
    ("A.II.1.i.a", {"change_agents": 12, "changes_made": 10}, "", "operator"),
    ("A.II.1.i.b", {"changes_made": 10, "changes_integrated": 7}, "", "operator"),
    ("B.I.a", "3.61", "Hasil SPAK semester I, 412 responden.", "operator"),
    ("B.II.a", "3.48", "Hasil SPKP semester I, 412 responden.", "operator"),
]
DOCUMENTS: list[tuple[str, str, list[str]]] = [
    ("SK Tim Zona Integritas 2026", "pdf", ["A.I.1.i.a", "A.I.1.i.b"]),
    ("Rencana Kerja Pembangunan ZI 2026", "pdf", ["A.I.1.ii.a", "A.I.1.ii.b"]),
    ("Notulen Monev ZI Triwulan III", "pdf", ["A.I.1.iii.b", "A.I.1.iii.c"]),
    ("Foto Pencanangan ZI", "png", ["A.I.1.iv.a"]),
    ("Laporan Survei SPAK-SPKP Semester I", "pdf", ["B.I.a", "B.II.a"]),
]


def load_demo_data(ctx: Any) -> None:
    framework = _framework()
    if framework is None:
        return
    today = timezone.localdate()
    period, created = Period.objects.get_or_create(
        agency=ctx.agency,
        year=today.year,
        title=f"PMPZI {today.year}",
        defaults={
            "framework": framework,
            "opens_on": dt.date(today.year, 1, 2),
            "closes_on": max(dt.date(today.year, 12, 20), today + dt.timedelta(days=60)),
            "created_by": ctx.users.get("admin.kpm"),
        },
    )
    if created:
        # Satker sit at level 4 (agency, Ditjen, Kanwil, satker); Kanwil reviews by then.
        PeriodDeadline.objects.create(
            period=period,
            level=4,
            fill_deadline=today + dt.timedelta(days=30),
            review_deadline=today + dt.timedelta(days=45),
            revision_deadline=today + dt.timedelta(days=55),
        )
    admin = ctx.users["admin.kpm"]
    wanted = {ctx.units[code]: target for code, target in SHEETS.items() if code in ctx.units}
    missing = {
        unit: target
        for unit, target in wanted.items()
        if not Assessment.objects.filter(period=period, unit=unit).exists()
    }
    if missing:
        assessment_create_many(actor=admin, period=period, targets=missing)
    bandung = Assessment.objects.select_related("period__framework", "unit").get(
        period=period, unit=ctx.units["KPM-IMI-BDG"]
    )
    _fill_bandung(ctx, bandung)


def _framework() -> Framework | None:
    framework = Framework.objects.filter(key=FRAMEWORK_KEY).order_by("-version").first()
    if framework is not None:
        return framework
    path = Path(settings.BASE_DIR) / "frameworks" / f"{FRAMEWORK_KEY}.yaml"
    if not path.exists():
        return None
    return framework_load_file(path=path).framework


def _fill_bandung(ctx: Any, assessment: Assessment) -> None:
    people = {"operator": ctx.users["operator.bandung"], "pokja": ctx.users["pokja.bandung"]}
    have = set(
        Answer.objects.filter(
            layer__assessment=assessment, layer__tier__isnull=True, value__isnull=False
        ).values_list("item_code", flat=True)
    )
    for code, value, note, who in ANSWERS:
        if code in have:
            continue
        answer_save(
            actor=people[who],
            assessment=assessment,
            item_code=code,
            revision=0,
            value=value,
            note=note,
            via="demo",
        )
    operator = people["operator"]
    for title, kind, items in DOCUMENTS:
        evidence = Evidence.objects.filter(unit=assessment.unit, title=title).first()
        if evidence is None:
            upload = SimpleUploadedFile(
                f"{title}.{kind}", _pdf(title) if kind == "pdf" else _png(title)
            )
            evidence = evidence_upload(
                actor=operator, unit=assessment.unit, file=upload, title=title
            ).evidence
        for code in items:
            evidence_link(actor=operator, assessment=assessment, item_code=code, evidence=evidence)
    title = "Folder Data Dukung Area II (Google Drive)"
    if not Evidence.objects.filter(unit=assessment.unit, title=title).exists():
        link = evidence_add_link(
            actor=operator,
            unit=assessment.unit,
            url="https://drive.google.com/drive/folders/contoh-data-dukung-area-2",
            title=title,
        )
        evidence_link(actor=operator, assessment=assessment, item_code="A.I.2.i.a", evidence=link)


def _pdf(title: str) -> bytes:
    """A one-page PDF that shows its title (enough to preview)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = (
        f"BT /F1 18 Tf 60 760 Td ({text}) Tj ET\n"
        "BT /F1 11 Tf 60 730 Td (Dokumen contoh untuk demo Zona.) Tj ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _png(title: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (31, 78, 121))
    draw = ImageDraw.Draw(image)
    draw.text((30, 160), title, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
