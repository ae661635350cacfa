"""Unit/user import files: bounded before parsing, streamed; templates hold no formulas."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook, load_workbook

from zona.accounts.imports import read_table
from zona.accounts.imports.templates import units_template, users_template
from zona.accounts.models import ReviewTier, Unit
from zona.core.errors import ValidationFailed


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The sheet's dimension as openpyxl writes it (with or without a space before "/>", as its
# XML writer does with or without lxml); every patch must match, or the file is not crafted.
DIMENSION = re.compile(r'<dimension ref="A1:C2"\s*/>')


def _patched(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            body = src.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                xml = body.decode()
                assert DIMENSION.search(xml), xml[:300]
                body = change(xml).encode()
            dst.writestr(entry, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


GOOD = [["code", "name", "kind"], ["KC-1", "Kantor Satu", "satker"]]


def test_a_plain_file_is_read_with_its_row_numbers():
    table = read_table(_xlsx([*GOOD, [None], ["KC-2", "Kantor Dua", "satker"]]), "u.xlsx")
    assert table.headers == ["code", "name", "kind"]
    assert [(r.row, r.values["code"]) for r in table.rows] == [(2, "KC-1"), (4, "KC-2")]


def test_a_file_claiming_too_small_a_sheet_is_read_whole():
    data = _patched(_xlsx(GOOD), lambda xml: DIMENSION.sub('<dimension ref="A1" />', xml))
    assert [r.values["name"] for r in read_table(data, "u.xlsx").rows] == ["Kantor Satu"]


@pytest.mark.parametrize("attack", ["dimension", "far_row", "unzips_huge"])
def test_a_crafted_workbook_is_refused_fast(attack):
    data = _xlsx(GOOD)
    if attack == "dimension":
        crafted = _patched(
            data,
            lambda xml: DIMENSION.sub('<dimension ref="A1:XFD1048576"/>', xml),
        )
    elif attack == "far_row":
        crafted = _patched(
            data,
            lambda xml: DIMENSION.sub("", xml).replace(
                "</sheetData>",
                '<row r="1048000"><c r="A1048000" t="inlineStr"><is><t>X</t></is></c></row>'
                "</sheetData>",
            ),
        )
    else:
        crafted = _patched(
            data, lambda xml: xml.replace("</worksheet>", " " * (60 * 1024 * 1024) + "</worksheet>")
        )
    assert len(crafted) < 200 * 1024
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as exc:
        read_table(crafted, "units.xlsx")
    assert time.monotonic() - started < 3
    assert exc.value.problems[0].code == "unreadable_file"


def test_csv_and_xlsx_rows_are_limited_by_settings(settings):
    settings.ZONA_IMPORT_MAX_ROWS = 3
    many = [*GOOD, *([f"KC-{i}", "Kantor", "satker"] for i in range(5))]
    with pytest.raises(ValidationFailed):
        read_table(_xlsx(many), "units.xlsx")
    csv_text = "\n".join(",".join(r) for r in many).encode()
    with pytest.raises(ValidationFailed):
        read_table(csv_text, "units.csv")
    settings.ZONA_IMPORT_MAX_ROWS = 100
    settings.ZONA_IMPORT_MAX_COLUMNS = 5
    with pytest.raises(ValidationFailed):
        read_table(("a," * 50 + "b\n").encode(), "units.csv")


def test_templates_write_codes_and_names_as_text_never_formulas():
    unit = Unit(code='=HYPERLINK("http://evil.example","x")', name="Unit")
    tier = ReviewTier(code="@tpi")
    for data in (units_template(unit), users_template(unit, [tier])):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert "<f>" not in archive.read(name).decode()
        book = load_workbook(io.BytesIO(data))
        values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
        assert unit.code in values
