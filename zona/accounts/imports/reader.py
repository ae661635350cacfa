"""Reading an uploaded .xlsx or .csv into plain rows of strings (no database)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from zona.core.errors import Problem, ValidationFailed
from zona.core.spreadsheets import SheetLimits, csv_uncell, xlsx_open, xlsx_rows

# The view refuses a larger upload before reading it; `read_table` checks every limit.
MAX_BYTES = settings.ZONA_IMPORT_MAX_BYTES
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


def _fail(message: str, code: str = "unreadable_file") -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code, message, "", None)])


def read_table(content: bytes, filename: str) -> RawTable:
    """Parse the file; raise ValidationFailed when it cannot be read at all.

    Bounded like every upload (`zona.core.spreadsheets.SheetLimits`): the size first, then
    an .xlsx is streamed in read-only mode within the row, column and cell limits, and a
    CSV within the same row and column limits.
    """
    limits = SheetLimits.from_settings()
    if len(content) > limits.max_bytes:
        raise _fail(
            _("The file is larger than %(mb)d MB.") % {"mb": limits.max_bytes // (1024 * 1024)}
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_table(content, limits)
    if name.endswith(".csv"):
        return _table(_csv_cells(content, limits), limits)
    raise _fail(_("Upload an Excel (.xlsx) or CSV (.csv) file."), "unsupported_type")


def _xlsx_table(content: bytes, limits: SheetLimits) -> RawTable:
    try:
        book = xlsx_open(content, limits)
    except ValidationFailed as exc:
        if exc.problems and exc.problems[0].code == "not_xlsx":
            raise _fail(_("The file is not a valid Excel workbook.")) from None
        raise _fail(exc.message) from None
    try:
        # The data sheet is the first one; the template's instructions come after it.
        return _table(xlsx_rows(book.worksheets[0], limits), limits)
    except ValidationFailed as exc:
        raise _fail(exc.message) from None
    finally:
        book.close()


def _csv_cells(content: bytes, limits: SheetLimits) -> Iterator[tuple[int, Sequence[object]]]:
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if reader.line_num > limits.max_rows:
                raise _fail(_too_many(limits))
            if len(cells) > limits.max_columns:
                raise _fail(_too_many(limits))
            yield reader.line_num, [csv_uncell(c) for c in cells]
    except csv.Error:
        raise _fail(_("The CSV file cannot be read; save it again as CSV.")) from None


def _too_many(limits: SheetLimits) -> str:
    return _("The file has more than %(rows)d rows or %(columns)d columns; split it.") % {
        "rows": limits.max_rows,
        "columns": limits.max_columns,
    }


def _table(rows: Iterable[tuple[int, Sequence[object]]], limits: SheetLimits) -> RawTable:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise _fail(_("The file is empty."))
    header_number, header_cells = first
    if header_number != HEADER_ROW:
        raise _fail(_("The first row must hold the column names."))
    headers = [normalize_header(cell_text(c)) for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise _fail(_("The first row must hold the column names."))
    table = RawTable(headers=headers)
    for number, cells_of_row in iterator:
        texts = [cell_text(c) for c in cells_of_row]
        if not any(texts):
            continue
        if len(table.rows) >= limits.max_rows:
            raise _fail(_too_many(limits))
        values = {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(headers) if h}
        table.rows.append(RawRow(row=number, values=values))
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
