"""The documents written out: DOCX with python-docx (for agencies to edit) and PDF with
WeasyPrint (HTML templates under insight/documents/pdf/). Both read the same read models
(`lhe.LheData`, the unit dashboard, `skm.SkmReport`), so the two formats always agree.

python-docx and WeasyPrint are imported where used: both are slow to import, and only these
downloads need them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.core.documents import docx_bytes, docx_new, pdf_from_template
from zona.insight.dashboard import Dashboard
from zona.insight.documents import charts
from zona.insight.documents.lhe import LheData
from zona.insight.documents.skm import SkmReport

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _n(value: Decimal | int | None, places: int = 2) -> str:
    if value is None:
        return "\u2013"
    return formats.number_format(value, places)


# --- DOCX helpers ---------------------------------------------------------------------------


def _table(document, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, headers, strict=True):
        cell.text = label
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value


# --- LHE ----------------------------------------------------------------------------------------


def lhe_rows(data: LheData) -> list[list[str]]:
    rows = [
        [a.title, _n(a.weight), _n(a.self_score), _n(a.final_score), _n(a.change)]
        for a in data.areas
    ]
    for label, mine, final in data.totals:
        change = None if mine is None or final is None else final - mine
        rows.append([label, "", _n(mine), _n(final), _n(change)])
    return rows


def lhe_headers(data: LheData) -> list[str]:
    return [
        _("Area"),
        _("Weight"),
        _("Self-assessment (unit)"),
        _("Final score (%(tier)s)") % {"tier": data.tier.name},
        _("Difference"),
    ]


def lhe_docx(data: LheData) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx_new(font_size=10)
    heading = document.add_heading(_("EVALUATION REPORT (LHE)"), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(_("Number: %(number)s") % {"number": data.number})
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        _("Evaluation of the Integrity Zone development of %(unit)s, %(period)s, by %(tier)s.")
        % {"unit": data.unit.name, "period": data.assessment.period.title, "tier": data.tier.name}
    )
    document.add_heading(_("1. Self-assessment and final score per area"), level=2)
    _table(document, lhe_headers(data), lhe_rows(data))
    verdict = _verdict_text(data)
    if verdict:
        document.add_paragraph(verdict)
    document.add_heading(_("2. Findings"), level=2)
    if data.findings:
        _table(
            document,
            [_("Source"), _("Item"), _("Finding")],
            [
                [f.source, " ".join(x for x in (f.item, f.item_title) if x), f.text]
                for f in data.findings
            ],
        )
    else:
        document.add_paragraph(_("The review recorded no findings."))
    document.add_heading(_("3. Recommendations"), level=2)
    if data.recommendations:
        for text in data.recommendations:
            document.add_paragraph(text, style="List Number")
    else:
        document.add_paragraph(_("The review recorded no recommendations."))
    document.add_paragraph("")
    place_date = ", ".join(
        x for x in (data.place, formats.date_format(data.issued_on, "j F Y")) if x
    )
    document.add_paragraph(place_date)
    document.add_paragraph(_("The evaluation team of %(tier)s") % {"tier": data.tier.name})
    _table(
        document,
        [_("Name"), "NIP", pgettext("signatory", "Role"), _("Signature")],
        [[s.name, s.nip, s.role_label, ""] for s in data.signatories],
    )
    return docx_bytes(document)


def _verdict_text(data: LheData) -> str:
    if data.verdict_passed is None:
        return ""
    target = data.assessment.get_target_display()
    if data.verdict_passed:
        return _("In the view of %(tier)s the sheet meets the conditions of %(target)s.") % {
            "tier": data.tier.name,
            "target": target,
        }
    return _(
        "In the view of %(tier)s the sheet does not yet meet the conditions of %(target)s."
    ) % {
        "tier": data.tier.name,
        "target": target,
    }


def lhe_pdf(data: LheData) -> bytes:
    return pdf_from_template(
        "insight/documents/pdf/lhe.html",
        {
            "data": data,
            "headers": lhe_headers(data),
            "rows": lhe_rows(data),
            "verdict": _verdict_text(data),
            "chart": charts.threshold_bars(
                [(a.title, a.final_score) for a in data.areas],
                [],
                maximum=max((a.weight for a in data.areas), default=Decimal(100)),
            )
            if data.areas
            else "",
        },
    )


# --- unit profile ------------------------------------------------------------------------------


def profile_pdf(board: Dashboard) -> bytes:
    gauge = charts.threshold_bars(
        [(v.label, v.total) for v in board.views],
        [(t.title, t.bound) for t in board.thresholds],
        maximum=board.total_max or Decimal(100),
    )
    radar = (
        charts.radar([a.title for a in board.radar], [a.percent or 0 for a in board.radar])
        if board.radar
        else ""
    )
    trend = ""
    if board.survey:
        trend = charts.lines(
            [p.label for p in board.survey],
            [(k.upper(), [p.values.get(k) for p in board.survey]) for k in board.survey_keys],
            top=100 if "ikm" in board.survey_keys else 4,
        )
        if "ikm" in board.survey_keys and len(board.survey_keys) > 1:
            # IKM (25-100) and IPAK/IPKP (0-4) do not share a scale: two plots.
            trend = charts.lines(
                [p.label for p in board.survey],
                [("IKM", [p.values.get("ikm") for p in board.survey])],
                top=100,
            )
            trend_small = charts.lines(
                [p.label for p in board.survey],
                [
                    (k.upper(), [p.values.get(k) for p in board.survey])
                    for k in board.survey_keys
                    if k != "ikm"
                ],
                top=4,
            )
        else:
            trend_small = ""
    else:
        trend_small = ""
    return pdf_from_template(
        "insight/documents/pdf/profile.html",
        {
            "board": board,
            "assessment": board.assessment,
            "gauge": gauge,
            "radar": radar,
            "trend": trend,
            "trend_small": trend_small,
        },
    )


# --- SKM report ------------------------------------------------------------------------------


def skm_element_rows(report: SkmReport) -> list[list[str]]:
    return [
        [
            f"U{e.position}",
            e.text,
            str(e.answered),
            _n(e.nrr_shown, 3),
            _n(e.converted),
            _("weakest") if e.weak else "",
        ]
        for e in report.elements
    ]


def skm_element_headers() -> list[str]:
    return [_("Element"), _("Question"), _("Answers"), "NRR", "NRR \u00d7 25", ""]


def _skm_summary(report: SkmReport) -> str:
    if report.withheld:
        return _(
            "%(n)s respondents: too few to show the figures (they are shown from the minimum "
            "group size)."
        ) % {"n": report.respondents}
    if report.ikm is None:
        return _("No IKM yet.")
    return _("IKM %(ikm)s, grade %(grade)s (%(meaning)s), from %(n)s respondents.") % {
        "ikm": _n(report.ikm),
        "grade": report.grade or "\u2013",
        "meaning": report.grade_meaning,
        "n": report.respondents,
    }


def skm_docx(report: SkmReport) -> bytes:
    document = docx_new(font_size=10)
    campaign = report.campaign
    document.add_heading(_("Community Satisfaction Survey (SKM) report"), level=1)
    document.add_paragraph(f"{campaign.unit.name} · {campaign.year} {campaign.period_label}")
    document.add_paragraph(_skm_summary(report))
    document.add_heading(_("1. Respondents"), level=2)
    for breakdown in report.profile:
        document.add_paragraph(breakdown.label, style="Heading 3")
        _table(
            document,
            [_("Group"), _("Respondents")],
            [
                [b.label, "\u2013" if b.respondents is None else str(b.respondents)]
                for b in breakdown.bands
            ],
        )
    document.add_heading(_("2. Value per element (NRR)"), level=2)
    _table(document, skm_element_headers(), skm_element_rows(report))
    document.add_heading(_("3. Weakest elements"), level=2)
    for element in report.weakest:
        document.add_paragraph(
            f"U{element.position} {element.text}: NRR {_n(element.nrr_shown, 3)}",
            style="List Bullet",
        )
    document.add_heading(_("4. Follow-up plan"), level=2)
    if report.plan:
        _table(
            document,
            [_("Element"), _("Action"), _("Responsible"), _("Deadline")],
            [
                [
                    line.element_text,
                    line.action,
                    line.owner,
                    formats.date_format(line.deadline, "j F Y") if line.deadline else "",
                ]
                for line in report.plan
            ],
        )
    else:
        document.add_paragraph(_("The unit has not written its follow-up plan yet."))
    return docx_bytes(document)


def skm_pdf(report: SkmReport) -> bytes:
    chart = ""
    shown = [e for e in report.elements if e.nrr is not None]
    if shown:
        chart = charts.columns(
            [f"U{e.position}" for e in report.elements],
            [e.nrr for e in report.elements],
            top=4,
            marked=[e.weak for e in report.elements],
        )
    return pdf_from_template(
        "insight/documents/pdf/skm.html",
        {
            "report": report,
            "summary": _skm_summary(report),
            "headers": skm_element_headers(),
            "rows": skm_element_rows(report),
            "chart": chart,
        },
    )
