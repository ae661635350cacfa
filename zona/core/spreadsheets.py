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

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported lazily: web processes rarely need it
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def clean_text(value: str) -> str:
    """The text as a spreadsheet can hold it: line-break controls as newlines, others gone."""
    return _ILLEGAL.sub("", _LINE_BREAKS.sub("\n", value))


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def xlsx_append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; text is cleaned and formula-like text stays literal text."""
    row = [clean_text(v) if isinstance(v, str) else v for v in values]
    ws.append(row)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and looks_like_formula(cell.value):
            xlsx_literal(cell)


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
