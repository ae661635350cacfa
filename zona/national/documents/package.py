"""The proposal package's files: the proposal letter (surat usulan) and the SPTJM, each as a
DOCX to edit (python-docx) and a PDF (WeasyPrint from an HTML template), and the LKE the TPI
reviewed per unit (the worksheet's Excel export with the unit's and the reviewers' columns).

The letters' wording is data (`data/proposal.yaml`), in Indonesian: they go to the TPN. The
heavy libraries are imported where they are used (WeasyPrint alone takes a second).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from zona.assessments.models import Assessment
from zona.core.documents import docx_bytes, docx_new, pdf_from_template

DATA = Path(__file__).resolve().parent.parent / "data" / "proposal.yaml"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"


@cache
def wording() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    return doc


@dataclass(frozen=True)
class LetterUnit:
    code: str
    name: str
    target: str
    tpi_score: Decimal | None

    @property
    def score_text(self) -> str:
        if self.tpi_score is None:
            return "-"
        with translation.override("id"):
            return formats.number_format(self.tpi_score, 2)


@dataclass(frozen=True)
class LetterData:
    agency: str
    year: int
    number: str
    date: dt.date | None
    signer: str
    nip: str
    position: str
    units: tuple[LetterUnit, ...]

    @property
    def date_text(self) -> str:
        if self.date is None:
            return "-"
        with translation.override("id"):
            return formats.date_format(self.date, "j F Y")

    def values(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "year": self.year,
            "number": self.number or "-",
            "date": self.date_text,
            "count": len(self.units),
            "signer": self.signer,
            "nip": self.nip,
            "position": self.position,
        }


def fill(text: str, values: Mapping[str, Any]) -> str:
    return " ".join(str(text).format_map(dict(values)).split())


def _texts(part: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The wording of `part` ("letter" or "sptjm") with the placeholders filled."""
    out: dict[str, Any] = {}
    for key, text in wording()[part].items():
        if isinstance(text, list):
            out[key] = [fill(t, values) for t in text]
        else:
            out[key] = fill(text, values)
    return out


# --- DOCX ------------------------------------------------------------------------------------


def _signature(document: Any, data: LetterData, nip_label: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for line in (data.position, "", "", "", data.signer, f"{nip_label} {data.nip}".strip()):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def letter_docx(data: LetterData) -> bytes:
    t = _texts("letter", data.values())
    document = docx_new(font_size=11)
    document.add_heading(data.agency, level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value in (
        (t["number_label"], data.number),
        (t["date_label"], data.date_text),
        (t["attachment_label"], t["attachment"]),
        (t["subject_label"], t["subject"]),
    ):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_paragraph("")
    document.add_paragraph(t["greeting"])
    document.add_paragraph(t["addressee"])
    document.add_paragraph(t["opening"])
    units = document.add_table(rows=1, cols=4)
    units.style = "Table Grid"
    for cell, label in zip(units.rows[0].cells, t["columns"], strict=False):
        cell.text = label
    for n, unit in enumerate(data.units, start=1):
        cells = units.add_row().cells
        cells[0].text = str(n)
        cells[1].text = unit.name
        cells[2].text = unit.target
        cells[3].text = unit.score_text
    document.add_paragraph("")
    document.add_paragraph(t["closing"])
    _signature(document, data, t["nip_label"])
    return docx_bytes(document)


def sptjm_docx(data: LetterData) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    t = _texts("sptjm", data.values())
    nip_label = wording()["letter"]["nip_label"]
    document = docx_new(font_size=11)
    title = document.add_heading(t["title"], level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(t["intro"])
    table = document.add_table(rows=0, cols=2)
    for label, value in zip(
        t["fields"], (data.signer, data.nip, data.position, data.agency), strict=False
    ):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = f": {value}"
    document.add_paragraph(t["declares"])
    for point in t["points"]:
        document.add_paragraph(point, style="List Number")
    document.add_paragraph(t["units_intro"])
    for unit in data.units:
        document.add_paragraph(f"{unit.name} ({unit.target})", style="List Bullet")
    document.add_paragraph(t["closing"])
    place = wording()["letter"]["place"]
    document.add_paragraph(f"{place}, {data.date_text}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _signature(document, data, nip_label)
    return docx_bytes(document)


# --- PDF -------------------------------------------------------------------------------------


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    with translation.override("id"):
        return pdf_from_template(template, context)


def letter_pdf(data: LetterData) -> bytes:
    return _pdf(
        "national/proposal/pdf/letter.html",
        {"data": data, "t": _texts("letter", data.values())},
    )


def sptjm_pdf(data: LetterData) -> bytes:
    values = data.values()
    return _pdf(
        "national/proposal/pdf/sptjm.html",
        {
            "data": data,
            "t": _texts("sptjm", values),
            "place": wording()["letter"]["place"],
            "nip_label": wording()["letter"]["nip_label"],
            "fields": list(
                zip(
                    wording()["sptjm"]["fields"],
                    (data.signer, data.nip, data.position, data.agency),
                    strict=False,
                )
            ),
        },
    )


# --- the LKE ---------------------------------------------------------------------------------


def lke_xlsx(assessment: Assessment) -> bytes:
    """The sheet in the official Excel layout with every layer (the unit's and each
    reviewing tier's columns, the TPI's among them); evidence links point at Zona."""
    from zona.assessments.excel import export_workbook
    from zona.assessments.selectors import load_sheet_state

    base = str(settings.ZONA_BASE_URL).rstrip("/")
    with translation.override("id"):
        state = load_sheet_state(assessment)
        return export_workbook(
            state,
            link_url=lambda revision_id: (
                base + reverse("assessments:evidence_file", args=[revision_id])
            ),
        )
