"""Reading an uploaded .xlsx or .csv into plain rows of strings (no database)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from zona.core.errors import Problem, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_ROW = 1


@dataclass
class RawRow:
    """One data row: its number as the spreadsheet shows it, and its cells by column key."""

    row: int
    values: dict[str, str]

    def as_json(self) -> dict:
        return {"row": self.row, "values": self.values}

    @classmethod
    def from_json(cls, data: dict) -> RawRow:
        return cls(row=int(data["row"]), values={str(k): str(v) for k, v in data["values"].items()})


@dataclass
class RawTable:
    headers: list[str]
    rows: list[RawRow] = field(default_factory=list)


def normalize_header(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").split())


def cell_text(value: object) -> str:
    """A cell as the text the person typed: 2.0 → "2", TRUE → "true", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem("unreadable_file", message, "", None)])


def read_table(content: bytes, filename: str) -> RawTable:
    """Parse the file; raise ValidationFailed when it cannot be read at all."""
    if len(content) > MAX_BYTES:
        raise _fail(_("The file is larger than 10 MB."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        cells = _xlsx_cells(content)
    elif name.endswith(".csv"):
        cells = _csv_cells(content)
    else:
        raise _fail(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
    return _table(cells)


def _xlsx_cells(content: bytes) -> Iterable[Sequence[object]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _fail(_("The file is not a valid Excel workbook.")) from None
    # The data sheet is the first one; the template's instructions come after it.
    sheet = book.worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _csv_cells(content: bytes) -> Iterable[Sequence[object]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise _fail(_("The CSV file is not UTF-8 text."))
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save CSV with semicolons (the comma is the decimal mark).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _table(cells: Iterable[Sequence[object]]) -> RawTable:
    iterator = iter(cells)
    header_cells = next(iterator, None)
    if header_cells is None:
        raise _fail(_("The file is empty."))
    headers = [normalize_header(cell_text(c)) for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise _fail(_("The first row must hold the column names."))
    table = RawTable(headers=headers)
    for offset, cells_of_row in enumerate(iterator, start=HEADER_ROW + 1):
        texts = [cell_text(c) for c in cells_of_row]
        if not any(texts):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise _fail(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
        values = {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(headers) if h}
        table.rows.append(RawRow(row=offset, values=values))
    return table


def header_problems(
    headers: Sequence[str], *, columns: Sequence[str], required: Sequence[str]
) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for h in headers:
        if not h:
            continue
        if h not in columns:
            problems.append(
                Problem(
                    "unknown_column",
                    _("Unknown column “%(name)s”. Use the columns of the template.") % {"name": h},
                    h,
                    HEADER_ROW,
                )
            )
        elif h in seen:
            problems.append(
                Problem("duplicate_column", _("The column appears twice."), h, HEADER_ROW)
            )
        seen.add(h)
    for col in required:
        if col not in seen:
            problems.append(Problem("missing_column", _("The column is missing."), col, HEADER_ROW))
    return problems
