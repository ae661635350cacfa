"""The worksheet as an Excel file, in the layout agencies know, and reading it back.

Layout of the sheet "LKE" (fixed columns, so a file keeps working whatever the language it
was exported in):

    A code | B question / title | C weight | D type | E options and their meaning | F answer |
    G value | H % | I note | J evidence | K revision (hidden) | then 3 columns per reviewer
    layer: answer, value, note

Groups (components, areas, sub-areas) are subtotal rows with their score. A PCT item has one
row per count below it, coded `<item>#<count key>`, with its label and the count in column F.
A hidden sheet "_zona" names the assessment and framework version the file belongs to; a
hidden sheet "_zona_rows" keeps every input row as exported (code, answer, note), so that an
import applies only the rows the person changed in the file.

Every cell goes through `zona.core.spreadsheets`: text that looks like a formula stays text
and control characters are cleaned. Reading streams the file within the import limits.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zona.assessments.selectors import SheetState, sheet_scores
from zona.assessments.sheet import ItemSpec, display_value, text
from zona.core.spreadsheets import SheetLimits, xlsx_open, xlsx_rows, xlsx_set
from zona.frameworks.scoring import round_half_up

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

SHEET = "LKE"
META_SHEET = "_zona"
SNAPSHOT_SHEET = "_zona_rows"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
COL_CODE, COL_TEXT, COL_WEIGHT, COL_TYPE, COL_OPTIONS = 1, 2, 3, 4, 5
COL_ANSWER, COL_VALUE, COL_PERCENT, COL_NOTE, COL_EVIDENCE, COL_REVISION = 6, 7, 8, 9, 10, 11
COUNT_SEPARATOR = "#"
# Reading reports progress every so many rows (each report is a write in a background job).
_PROGRESS_ROWS = 25
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_GROUP_COLOURS = {0: "1F4E79", 1: "2E75B6", 2: "BDD7EE", 3: "DDEBF7"}
_INPUT_COLOUR = "FFF2CC"


def _d2(value: Decimal | None) -> Decimal | None:
    return round_half_up(value) if value is not None else None


def export_workbook(state: SheetState, *, link_url: Callable[[int], str]) -> bytes:
    """The whole sheet with scores of every layer; `link_url(revision_id)` gives file links."""
    # Imported here: openpyxl is slow to import, and only exports need it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    group_fills = {depth: PatternFill("solid", fgColor=c) for depth, c in _GROUP_COLOURS.items()}
    input_fill = PatternFill("solid", fgColor=_INPUT_COLOUR)
    spec = state.spec
    scores = sheet_scores(state)
    unit_card = scores.unit
    assessment = state.assessment
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    title = _("Evaluation worksheet (LKE) — %(unit)s") % {"unit": assessment.unit.name}
    xlsx_set(ws, 1, 1, title).font = Font(bold=True, size=14)
    xlsx_set(
        ws,
        2,
        1,
        f"{assessment.period.title} · {spec.compiled.key} v{spec.compiled.version}",
    )
    xlsx_set(
        ws,
        3,
        1,
        _(
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
        cell = xlsx_set(ws, HEADER_ROW, col, label)
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
    # What the file said when it left Zona: (code, answer cell, note cell) per input row.
    exported: list[tuple[str, Any, Any]] = []
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
                xlsx_set(ws, row, col, value)
            for offset, layer in enumerate(state.review_layers):
                layer_score = scores.layers[layer.key].nodes.get(code)
                xlsx_set(
                    ws,
                    row,
                    COL_REVISION + 2 + 3 * offset,
                    _d2(layer_score.score) if layer_score else None,
                )
            fill = group_fills.get(min(node.depth, 3))
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
        value = answer.value if answer else None
        item_value = unit_card.items.get(code)
        xlsx_set(ws, row, COL_CODE, code)
        xlsx_set(ws, row, COL_TEXT, text(item.question)).alignment = wrap
        xlsx_set(ws, row, COL_WEIGHT, item.weight)
        xlsx_set(ws, row, COL_TYPE, item.answer_type)
        xlsx_set(ws, row, COL_OPTIONS, _options_text(item)).alignment = wrap
        answer_cell = xlsx_set(ws, row, COL_ANSWER, _cell_answer(item, value))
        xlsx_set(
            ws,
            row,
            COL_VALUE,
            round_half_up(item_value, 4) if item_value is not None else None,
        )
        xlsx_set(
            ws,
            row,
            COL_PERCENT,
            _d2(item_value * 100) if item_value is not None else None,
        )
        note_cell = xlsx_set(ws, row, COL_NOTE, (answer.note if answer else "") or None)
        note_cell.alignment = wrap
        exported.append((code, answer_cell.value, note_cell.value))
        xlsx_set(ws, row, COL_EVIDENCE, _evidence_text(state, code, link_url)).alignment = wrap
        xlsx_set(ws, row, COL_REVISION, answer.revision if answer else 0)
        for offset, layer in enumerate(state.review_layers):
            other = state.answer(layer, code)
            layer_value = scores.layers[layer.key].items.get(code)
            base = COL_REVISION + 1 + 3 * offset
            # A PCT item's counts go on its count rows below, each beside its label.
            shown = (
                display_value(item, other.value) if other and item.answer_type != "PCT" else None
            )
            xlsx_set(ws, row, base, shown)
            xlsx_set(
                ws,
                row,
                base + 1,
                round_half_up(layer_value, 4) if layer_value is not None else None,
            )
            xlsx_set(ws, row, base + 2, (other.note if other else "") or None)
        if item.answer_type != "PCT":
            answer_cell.fill = input_fill
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
        ws.cell(row=row, column=COL_NOTE).fill = input_fill
        row += 1
        if item.answer_type == "PCT":
            counts = value if isinstance(value, dict) else {}
            for count in item.counts:
                xlsx_set(ws, row, COL_CODE, f"{code}{COUNT_SEPARATOR}{count.key}")
                label = text(count.label)
                if count.informational:
                    label += " (" + _("for information") + ")"
                xlsx_set(ws, row, COL_TEXT, label)
                cell = xlsx_set(ws, row, COL_ANSWER, counts.get(count.key))
                cell.fill = input_fill
                exported.append((f"{code}{COUNT_SEPARATOR}{count.key}", cell.value, None))
                for offset, layer in enumerate(state.review_layers):
                    other = state.answer(layer, code)
                    other_counts = other.value if other else None
                    if isinstance(other_counts, dict):
                        xlsx_set(
                            ws, row, COL_REVISION + 1 + 3 * offset, other_counts.get(count.key)
                        )
                row += 1
    xlsx_set(ws, row, COL_CODE, "TOTAL").font = Font(bold=True)
    xlsx_set(ws, row, COL_TEXT, _("Total")).font = Font(bold=True)
    xlsx_set(ws, row, COL_WEIGHT, 100)
    xlsx_set(ws, row, COL_VALUE, _d2(unit_card.total)).font = Font(bold=True)
    for offset, layer in enumerate(state.review_layers):
        xlsx_set(
            ws,
            row,
            COL_REVISION + 2 + 3 * offset,
            _d2(scores.layers[layer.key].total),
        )
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{row}"

    verdict = unit_card.verdicts.get(assessment.target)
    summary = wb.create_sheet(_("Summary"))
    xlsx_set(summary, 1, 1, _("Total score (unit)"))
    xlsx_set(summary, 1, 2, _d2(unit_card.total))
    if len(state.layers) > 1:
        xlsx_set(summary, 2, 1, _("Effective score"))
        xlsx_set(summary, 2, 2, _d2(scores.effective.total))
    if verdict is not None:
        xlsx_set(summary, 4, 1, assessment.get_target_display())
        xlsx_set(
            summary,
            4,
            2,
            _("meets the thresholds") if verdict.passed else _("below the thresholds"),
        )
        for index, condition in enumerate(verdict.conditions, start=5):
            xlsx_set(summary, index, 1, text(condition.title) or condition.name)
            xlsx_set(
                summary,
                index,
                2,
                condition.value if not isinstance(condition.value, bool) else str(condition.value),
            )
            xlsx_set(
                summary,
                index,
                3,
                condition.bound if not isinstance(condition.bound, bool) else str(condition.bound),
            )
            xlsx_set(summary, index, 4, "✓" if condition.passed else "✗")
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
        xlsx_set(meta, index, 1, key)
        xlsx_set(meta, index, 2, value)
    snapshot = wb.create_sheet(SNAPSHOT_SHEET)
    snapshot.sheet_state = "hidden"
    for index, exported_row in enumerate(exported, start=1):
        for col, value in enumerate(exported_row, start=1):
            xlsx_set(snapshot, index, col, value)
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
        target = link.url if link.kind == "link" else link_url(link.revision_id or 0)
        lines.append(f"{link.title}: {target}")
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
    # False when the row (and its count rows) read exactly as exported; None when the file
    # carries no record of what was exported (a sheet copied into another workbook).
    touched: bool | None = None


@dataclass
class ParsedFile:
    assessment_id: int | None
    framework: str
    version: int | None
    items: dict[str, ParsedRow]
    # (row, code, message) for rows that cannot even be read
    problems: list[tuple[int, str, str]]


def read_workbook(
    data: bytes,
    known_codes: set[str],
    item_codes: set[str],
    limits: SheetLimits,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedFile:
    """The answers and notes of an exported file, row by row, without judging them yet.

    Streams the sheets within `limits`; raises ValidationFailed (`too_large`, `not_xlsx`).
    `progress(rows read, rows the sheet claims)` is called every few dozen rows.
    """
    wb = xlsx_open(data, limits)
    try:
        meta: dict[str, Any] = {}
        if META_SHEET in wb.sheetnames:
            for _n, (key, value) in xlsx_rows(wb[META_SHEET], limits, max_col=2):
                if key:
                    meta[str(key)] = value
        snapshot: dict[str, tuple[Any, Any]] | None = None
        if SNAPSHOT_SHEET in wb.sheetnames:
            snapshot = {}
            for _n, (code, answer, note) in xlsx_rows(wb[SNAPSHOT_SHEET], limits, max_col=3):
                if code:
                    snapshot[str(code)] = (answer, note)
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        items, problems, cells_by_code = _read_rows(ws, limits, known_codes, item_codes, progress)
    finally:
        wb.close()
    if snapshot is not None:
        for code, parsed in items.items():
            row_codes = [code, *(f"{code}{COUNT_SEPARATOR}{key}" for key in parsed.counts)]
            parsed.touched = any(
                not _same_cells(cells_by_code.get(c), snapshot.get(c)) for c in row_codes
            ) or any(
                c.split(COUNT_SEPARATOR, 1)[0] == code and c not in cells_by_code for c in snapshot
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


def _read_rows(
    ws: Any,
    limits: SheetLimits,
    known_codes: set[str],
    item_codes: set[str],
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, ParsedRow], list[tuple[int, str, str]], dict[str, tuple[Any, Any]]]:
    items: dict[str, ParsedRow] = {}
    problems: list[tuple[int, str, str]] = []
    # (answer cell, note cell) of every input row as read, to compare with the snapshot
    cells_by_code: dict[str, tuple[Any, Any]] = {}
    claimed = getattr(ws, "max_row", None) or 0
    for index, cells in xlsx_rows(ws, limits, min_row=FIRST_ROW, max_col=COL_REVISION):
        if progress is not None and index % _PROGRESS_ROWS == 0:
            progress(index, max(claimed, index))
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
            cells_by_code[code] = (cells[COL_ANSWER - 1], None)
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
        cells_by_code[code] = (cells[COL_ANSWER - 1], note)
        items[code] = ParsedRow(
            row=index,
            code=code,
            answer=cells[COL_ANSWER - 1],
            note="" if note is None else str(note),
            revision=int(revision) if isinstance(revision, int | float) else None,
        )
    return items, problems, cells_by_code


def _cell_key(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    return str(value)


def _same_cells(now: tuple[Any, Any] | None, then: tuple[Any, Any] | None) -> bool:
    if now is None or then is None:
        return now is None and then is None
    return all(_cell_key(a) == _cell_key(b) for a, b in zip(now, then, strict=True))
