"""The worksheet as an Excel file, in the layout agencies know, and reading it back.

Layout of the sheet "LKE" (fixed columns, so a file keeps working whatever the language it
was exported in):

    A code | B question / title | C weight | D type | E options and their meaning | F answer |
    G value | H % | I note | J evidence | K revision (hidden) | then 3 columns per reviewer
    layer: answer, value, note

Groups (components, areas, sub-areas) are subtotal rows with their score. A PCT item has one
row per count below it, coded `<item>#<count key>`, with the count in column F. A hidden
sheet "_zona" names the assessment and framework version the file belongs to.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zona.assessments.selectors import SheetState, sheet_scores
from zona.assessments.sheet import ItemSpec, display_value, text
from zona.frameworks.scoring import round_half_up

SHEET = "LKE"
META_SHEET = "_zona"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
COL_CODE, COL_TEXT, COL_WEIGHT, COL_TYPE, COL_OPTIONS = 1, 2, 3, 4, 5
COL_ANSWER, COL_VALUE, COL_PERCENT, COL_NOTE, COL_EVIDENCE, COL_REVISION = 6, 7, 8, 9, 10, 11
COUNT_SEPARATOR = "#"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_GROUP_FILL = {
    0: PatternFill("solid", fgColor="1F4E79"),
    1: PatternFill("solid", fgColor="2E75B6"),
    2: PatternFill("solid", fgColor="BDD7EE"),
    3: PatternFill("solid", fgColor="DDEBF7"),
}
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def _d2(value: Decimal | None) -> Decimal | None:
    return round_half_up(value) if value is not None else None


def export_workbook(state: SheetState, *, link_url: Callable[[int], str]) -> bytes:
    """The whole sheet with scores of every layer; `link_url(revision_id)` gives file links."""
    spec = state.spec
    scores = sheet_scores(state)
    unit_card = scores.unit
    assessment = state.assessment
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    title = _("Evaluation worksheet (LKE) — %(unit)s") % {"unit": assessment.unit.name}
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(
        row=2,
        column=1,
        value=f"{assessment.period.title} · {spec.compiled.key} v{spec.compiled.version}",
    )
    ws.cell(
        row=3,
        column=1,
        value=_(
            "Fill in the yellow columns (answer, note) and import the file back. Keep the "
            "codes as they are. For counts (PCT) fill the rows below the item."
        ),
    ).font = Font(italic=True, color="555555")

    headers = [
        _("Code"),
        _("Question / component"),
        _("Weight"),
        _("Type"),
        _("Options and their meaning"),
        _("Answer"),
        _("Value"),
        "%",
        _("Note (description of the condition)"),
        _("Evidence"),
        _("Revision"),
    ]
    for layer in state.review_layers:
        headers += [
            f"{layer.name}: " + _("answer"),
            f"{layer.name}: " + _("value"),
            f"{layer.name}: " + _("note"),
        ]
    cell: Any
    for col, label in enumerate(headers, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [14, 60, 8, 8, 48, 10, 8, 8, 48, 40, 8] + [12, 8, 30] * len(state.review_layers)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(COL_REVISION)].hidden = True
    ws.freeze_panes = f"{get_column_letter(COL_ANSWER)}{FIRST_ROW}"

    validations: dict[str, DataValidation] = {}
    answer_cell: Any
    wrap = Alignment(wrap_text=True, vertical="top")
    row = FIRST_ROW
    unit_answers = state.unit_answers
    for code, node in spec.nodes.items():
        if node.kind != "item":
            score = unit_card.nodes.get(code)
            values = [
                code,
                text(node.title),
                node.weight,
                "",
                "",
                "",
                _d2(score.score) if score else None,
                _d2(score.percent) if score and score.percent is not None else None,
            ]
            for col, value in enumerate(values, start=1):
                ws.cell(row=row, column=col, value=value)
            for offset, layer in enumerate(state.review_layers):
                layer_score = scores.layers[layer.code].nodes.get(code)
                ws.cell(
                    row=row,
                    column=COL_REVISION + 2 + 3 * offset,
                    value=_d2(layer_score.score) if layer_score else None,
                )
            fill = _GROUP_FILL.get(min(node.depth, 3))
            white = node.depth < 2
            for col in range(1, len(headers) + 1):
                cell = ws.cell(row=row, column=col)
                cell.font = Font(bold=True, color="FFFFFF" if white else "000000")
                if fill is not None:
                    cell.fill = fill
            row += 1
            continue
        item = spec.items[code]
        answer = unit_answers.get(code)
        value = answer["value"] if answer else None
        item_value = unit_card.items.get(code)
        ws.cell(row=row, column=COL_CODE, value=code)
        ws.cell(row=row, column=COL_TEXT, value=text(item.question)).alignment = wrap
        ws.cell(row=row, column=COL_WEIGHT, value=item.weight)
        ws.cell(row=row, column=COL_TYPE, value=item.answer_type)
        ws.cell(row=row, column=COL_OPTIONS, value=_options_text(item)).alignment = wrap
        answer_cell = ws.cell(row=row, column=COL_ANSWER, value=_cell_answer(item, value))
        ws.cell(
            row=row,
            column=COL_VALUE,
            value=round_half_up(item_value, 4) if item_value is not None else None,
        )
        ws.cell(
            row=row,
            column=COL_PERCENT,
            value=_d2(item_value * 100) if item_value is not None else None,
        )
        ws.cell(
            row=row, column=COL_NOTE, value=(answer["note"] if answer else "") or None
        ).alignment = wrap
        ws.cell(
            row=row, column=COL_EVIDENCE, value=_evidence_text(state, code, link_url)
        ).alignment = wrap
        ws.cell(row=row, column=COL_REVISION, value=answer["revision"] if answer else 0)
        for offset, layer in enumerate(state.review_layers):
            other = state.answers.get(layer.id, {}).get(code)
            layer_value = scores.layers[layer.code].items.get(code)
            base = COL_REVISION + 1 + 3 * offset
            ws.cell(
                row=row, column=base, value=display_value(item, other["value"]) if other else None
            )
            ws.cell(
                row=row,
                column=base + 1,
                value=round_half_up(layer_value, 4) if layer_value is not None else None,
            )
            ws.cell(row=row, column=base + 2, value=(other["note"] if other else "") or None)
        if item.answer_type != "PCT":
            answer_cell.fill = _INPUT_FILL
            if item.is_choice:
                validation = validations.get(item.answer_type)
                if validation is None:
                    validation = DataValidation(
                        type="list",
                        formula1='"' + ",".join(item.option_keys) + '"',
                        allow_blank=True,
                        showErrorMessage=True,
                        error=_("Choose one of the options listed."),
                    )
                    validations[item.answer_type] = validation
                    ws.add_data_validation(validation)
                validation.add(answer_cell)
        ws.cell(row=row, column=COL_NOTE).fill = _INPUT_FILL
        row += 1
        if item.answer_type == "PCT":
            counts = value if isinstance(value, dict) else {}
            for count in item.counts:
                ws.cell(row=row, column=COL_CODE, value=f"{code}{COUNT_SEPARATOR}{count.key}")
                label = text(count.label)
                if count.informational:
                    label += " (" + _("for information") + ")"
                ws.cell(row=row, column=COL_TEXT, value=label)
                cell = ws.cell(row=row, column=COL_ANSWER, value=counts.get(count.key))
                cell.fill = _INPUT_FILL
                row += 1
    ws.cell(row=row, column=COL_CODE, value="TOTAL").font = Font(bold=True)
    ws.cell(row=row, column=COL_TEXT, value=_("Total")).font = Font(bold=True)
    ws.cell(row=row, column=COL_WEIGHT, value=100)
    ws.cell(row=row, column=COL_VALUE, value=_d2(unit_card.total)).font = Font(bold=True)
    for offset, layer in enumerate(state.review_layers):
        ws.cell(
            row=row,
            column=COL_REVISION + 2 + 3 * offset,
            value=_d2(scores.layers[layer.code].total),
        )
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{row}"

    verdict = unit_card.verdicts.get(assessment.target)
    summary = wb.create_sheet(_("Summary"))
    summary["A1"] = _("Total score (unit)")
    summary["B1"] = _d2(unit_card.total)
    if len(state.layers) > 1:
        summary["A2"] = _("Effective score")
        summary["B2"] = _d2(scores.effective.total)
    if verdict is not None:
        summary["A4"] = assessment.get_target_display()
        summary["B4"] = _("meets the thresholds") if verdict.passed else _("below the thresholds")
        for index, condition in enumerate(verdict.conditions, start=5):
            summary.cell(row=index, column=1, value=text(condition.title) or condition.name)
            summary.cell(
                row=index,
                column=2,
                value=condition.value
                if not isinstance(condition.value, bool)
                else str(condition.value),
            )
            summary.cell(
                row=index,
                column=3,
                value=condition.bound
                if not isinstance(condition.bound, bool)
                else str(condition.bound),
            )
            summary.cell(row=index, column=4, value="✓" if condition.passed else "✗")
    summary.column_dimensions["A"].width = 40

    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta_rows: list[tuple[str, Any]] = [
        ("assessment", assessment.pk),
        ("framework", spec.compiled.key),
        ("version", spec.compiled.version),
        ("exported_at", timezone.now().isoformat()),
    ]
    for index, (key, value) in enumerate(meta_rows, start=1):
        meta.cell(row=index, column=1, value=key)
        meta.cell(row=index, column=2, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_answer(item: ItemSpec, value: Any) -> Any:
    if value is None or item.answer_type == "PCT":
        return None
    if item.answer_type == "NUM4":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    return value


def _options_text(item: ItemSpec) -> str:
    if item.is_choice:
        return "\n".join(
            f"{o.key} ({o.value.normalize():f}) = {text(o.label)}" for o in item.options
        )
    if item.answer_type == "NUM4":
        return _("Index 0 to 4")
    return _("Percentage from the counts below")


def _evidence_text(state: SheetState, code: str, link_url: Callable[[int], str]) -> str | None:
    lines = []
    for link in state.links.get(code, []):
        target = link["url"] if link["kind"] == "link" else link_url(link["revision_id"])
        lines.append(f"{link['title']}: {target}")
    return "\n".join(lines) or None


# --- reading a file back ---------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    code: str
    answer: Any = None
    note: str = ""
    revision: int | None = None
    counts: dict[str, tuple[int, Any]] = field(default_factory=dict)


@dataclass
class ParsedFile:
    assessment_id: int | None
    framework: str
    version: int | None
    items: dict[str, ParsedRow]
    # (row, code, message) for rows that cannot even be read
    problems: list[tuple[int, str, str]]


class NotAWorkbook(ValueError):
    pass


def read_workbook(data: bytes, known_codes: set[str], item_codes: set[str]) -> ParsedFile:
    """The answers and notes of an exported file, row by row, without judging them yet."""
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        # openpyxl raises many kinds of errors for files that are not workbooks.
        raise NotAWorkbook(str(exc)) from exc
    meta: dict[str, Any] = {}
    if META_SHEET in wb.sheetnames:
        for key, value in wb[META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
            if key:
                meta[str(key)] = value
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    items: dict[str, ParsedRow] = {}
    problems: list[tuple[int, str, str]] = []
    for index, cells in enumerate(
        ws.iter_rows(min_row=FIRST_ROW, max_col=COL_REVISION, values_only=True), start=FIRST_ROW
    ):
        raw_code = cells[COL_CODE - 1]
        if raw_code is None or str(raw_code).strip() == "":
            continue
        code = str(raw_code).strip()
        if code == "TOTAL":
            continue
        if COUNT_SEPARATOR in code:
            item_code, key = code.split(COUNT_SEPARATOR, 1)
            parent = items.get(item_code)
            if parent is None:
                problems.append((index, code, _("a count row must follow its item's row")))
                continue
            parent.counts[key] = (index, cells[COL_ANSWER - 1])
            continue
        if code not in known_codes:
            problems.append((index, code, _("unknown code; keep the codes as exported")))
            continue
        if code not in item_codes:
            continue  # a subtotal row
        if code in items:
            problems.append((index, code, _("this item appears twice")))
            continue
        revision = cells[COL_REVISION - 1]
        note = cells[COL_NOTE - 1]
        items[code] = ParsedRow(
            row=index,
            code=code,
            answer=cells[COL_ANSWER - 1],
            note="" if note is None else str(note),
            revision=int(revision) if isinstance(revision, int | float) else None,
        )
    version = meta.get("version")
    assessment_id = meta.get("assessment")
    return ParsedFile(
        assessment_id=int(assessment_id) if isinstance(assessment_id, int | float) else None,
        framework=str(meta.get("framework") or ""),
        version=int(version) if isinstance(version, int | float) else None,
        items=items,
        problems=problems,
    )
