"""Builders for assessment tests: a small framework, a period and a sheet for Satker Bandung."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zona.accounts.models import Unit, User
from zona.assessments.models import AnswerLayer, Assessment, Period, PeriodDeadline
from zona.frameworks.models import Framework
from zona.frameworks.services import framework_load_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini.yaml"
REAL = Path(__file__).resolve().parents[3] / "frameworks" / "permenpan-rb-90-2021.yaml"


def load_mini() -> Framework:
    return framework_load_file(path=MINI).framework


def make_period(
    agency: Unit,
    framework: Framework,
    *,
    year: int = 2026,
    title: str = "PMPZI 2026",
    opens: dt.date | None = None,
    closes: dt.date | None = None,
    deadlines: dict[int, dt.date] | None = None,
    creator: User | None = None,
) -> Period:
    today = timezone.localdate()
    period = Period.objects.create(
        agency=agency,
        year=year,
        title=title,
        framework=framework,
        opens_on=opens or today - dt.timedelta(days=10),
        closes_on=closes or today + dt.timedelta(days=60),
        created_by=creator,
    )
    for level, fill in (deadlines or {}).items():
        PeriodDeadline.objects.create(period=period, level=level, fill_deadline=fill)
    return period


def make_assessment(period: Period, unit: Unit, *, target: str = "wbk") -> Assessment:
    assessment = Assessment.objects.create(period=period, unit=unit, target=target)
    AnswerLayer.objects.create(assessment=assessment, tier=None)
    return Assessment.objects.select_related("period", "period__framework", "unit").get(
        pk=assessment.pk
    )


# --- files ---------------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name: str = "sk-tim.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + extra, content_type="application/pdf")


def png_bytes(color: str = "red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, format="PNG")
    return out.getvalue()


def png_file(name: str = "foto.png", color: str = "red") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def docx_file(name: str = "notulen.docx") -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, out.getvalue())


def xlsx_file(name: str = "data.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    out = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "x"  # type: ignore[index]
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def confirmed_counts(summary_html: str) -> dict[str, str]:
    """The counts the summary page asks the unit head to confirm, as its form posts them."""
    return {
        f"count_{key}": summary_html.split(f'name="count_{key}" value="')[1].split('"')[0]
        for key in ("unanswered", "no_evidence", "failing")
    }
