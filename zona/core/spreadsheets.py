"""Cells that are safe to hand to Excel, LibreOffice or a CSV reader.

Two dangers, both from text people typed (a note, an instrument text, a file name):

- A value starting with `=`, `+`, `-`, `@`, tab or carriage return is read as a formula by
  spreadsheet programs ("CSV/formula injection"). In xlsx files we store such values as
  text cells with Excel's quote prefix: the workbook shows and reads back exactly what was
  typed, and nothing is evaluated. CSV has no cell types, so there the value gets a leading
  apostrophe, the convention spreadsheet programs understand; `csv_uncell` removes it again.
- Control characters that XML 1.0 cannot hold (Word's line break `\\x0b`, form feed ...)
  make openpyxl refuse the whole workbook. Vertical tab and form feed become a line break,
  and so do carriage returns (XML reads them back as line breaks anyway); the others are
  dropped. `clean_text` is the same rule for values read back, so that a
  round trip compares like with like.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from zona.core.errors import Problem, ValidationFailed

if TYPE_CHECKING:  # openpyxl is imported lazily: web processes rarely need it
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f]")
# An exported worksheet has about a dozen parts; thousands are a crafted archive.
_MAX_ENTRIES = 500


def clean_text(value: str) -> str:
    """The text as a spreadsheet can hold it: line-break controls as newlines, others gone."""
    return _ILLEGAL.sub("", _LINE_BREAKS.sub("\n", value))


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def xlsx_append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; text is cleaned and formula-like text stays literal text.

    Formula-like text is appended as a ready-made cell: looking the row up after appending
    (`ws[ws.max_row]`) scans the sheet and made large exports quadratic.
    """
    from openpyxl.cell import WriteOnlyCell  # a plain Cell, usable in any worksheet

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            value = clean_text(value)
            if looks_like_formula(value):
                cell = WriteOnlyCell(ws, value=value)
                xlsx_literal(cell)
                value = cell
        row.append(value)
    ws.append(row)


def xlsx_literal(cell: Any) -> None:
    """Mark a cell that holds text as text, shown and read back as typed."""
    cell.data_type = "s"
    cell.quotePrefix = True


def xlsx_set(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    """Set one cell with the same rules as `xlsx_append`; returns the cell."""
    if isinstance(value, str):
        value = clean_text(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and looks_like_formula(value):
        xlsx_literal(cell)
    return cell


def csv_cell(value: Any) -> Any:
    """A CSV field: text cleaned, formula-like text behind an apostrophe."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if looks_like_formula(value) else value


def csv_uncell(value: str) -> str:
    """The inverse of `csv_cell` for text read back from a CSV file Zona wrote."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


# --- reading uploaded workbooks within bounds ----------------------------------------------
#
# A workbook is a zip of XML: a few kilobytes can claim a million rows, or unpack to
# gigabytes. openpyxl's normal mode builds every cell the sheet claims before we see one,
# so a 4.7 KB file kept a worker busy for 25 seconds. Here the archive is measured before
# parsing, the sheet's claimed size is checked before iterating, and rows are streamed
# (read-only mode) with a hard stop, so the work is bounded by the settings below whatever
# the file claims.


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int
    max_unzipped_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int

    @classmethod
    def from_settings(cls, **overrides: int) -> SheetLimits:
        values = {
            "max_bytes": settings.ZONA_IMPORT_MAX_BYTES,
            "max_unzipped_bytes": settings.ZONA_IMPORT_MAX_UNZIPPED_BYTES,
            "max_rows": settings.ZONA_IMPORT_MAX_ROWS,
            "max_columns": settings.ZONA_IMPORT_MAX_COLUMNS,
            "max_cells": settings.ZONA_IMPORT_MAX_CELLS,
        }
        values.update(overrides)
        return cls(**values)


def _refused(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code=code, message=message, field="")])


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 1024 * 1024 else f"{size / (1024 * 1024):.1f}"


def xlsx_open(data: bytes, limits: SheetLimits) -> Workbook:
    """A read-only (streaming) workbook, after checking the file's size and its archive.

    Raises ValidationFailed with code `too_large` or `not_xlsx`. Close the workbook after use.
    """
    from openpyxl import load_workbook

    if len(data) > limits.max_bytes:
        raise _refused(
            _("The file is too large (at most %(mb)s MB).") % {"mb": _megabytes(limits.max_bytes)},
            "too_large",
        )
    not_xlsx = _("This is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refused(not_xlsx, "not_xlsx") from None
    # The sizes in the zip directory are what the entries claim; a lying entry fails the
    # CRC check while openpyxl inflates it, which is caught below like any broken file.
    unzipped = sum(entry.file_size for entry in entries)
    if len(entries) > _MAX_ENTRIES or unzipped > limits.max_unzipped_bytes:
        raise _refused(
            _(
                "The workbook unpacks to more than %(mb)s MB, far more than an import file "
                "holds; it cannot be read."
            )
            % {"mb": _megabytes(limits.max_unzipped_bytes)},
            "too_large",
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds of errors for files that are not workbooks.
        raise _refused(not_xlsx, "not_xlsx") from None


def _too_many_rows(limits: SheetLimits) -> ValidationFailed:
    return _refused(
        _("The sheet has more than %(rows)d rows or %(columns)d columns; split the file.")
        % {"rows": limits.max_rows, "columns": limits.max_columns},
        "too_large",
    )


def xlsx_rows(
    ws: Any, limits: SheetLimits, *, min_row: int = 1, max_col: int | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of a read-only sheet, refusing a sheet beyond the limits.

    The sheet's claimed dimensions are checked first (a crafted file claiming a million
    rows is refused at once); then at most `max_rows` rows and `max_cells` cells are read,
    whatever the dimensions said.
    """
    claimed_rows = getattr(ws, "max_row", None) or 0
    claimed_columns = getattr(ws, "max_column", None) or 0
    if claimed_rows > limits.max_rows or claimed_columns > limits.max_columns:
        raise _too_many_rows(limits)
    # Some programs write a wrong, too small dimension (just "A1"); read what is there.
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    width = min(max_col or limits.max_columns, limits.max_columns)
    cells = 0
    # No max_row: openpyxl fills gaps between rows with empty ones, so a row far below the
    # limit shows up as rows past it, and the sheet is refused after at most `max_rows`.
    for number, values in enumerate(
        ws.iter_rows(min_row=min_row, max_col=width, values_only=True), start=min_row
    ):
        if number > limits.max_rows:
            raise _too_many_rows(limits)
        filled = sum(1 for v in values if v is not None)
        if not filled:
            continue
        cells += filled
        if cells > limits.max_cells:
            raise _refused(
                _("The sheet has more than %(cells)d filled cells; split the file.")
                % {"cells": limits.max_cells},
                "too_large",
            )
        yield number, values
