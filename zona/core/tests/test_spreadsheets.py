import csv
import io

import openpyxl
import pytest

from zona.core.spreadsheets import clean_text, csv_cell, csv_uncell, xlsx_append, xlsx_set

RISKY = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", RISKY)
def test_xlsx_keeps_formula_like_text_as_text(value: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.worksheets[0]
    xlsx_append(ws, [value, 5])
    xlsx_set(ws, 2, 1, value)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    back = openpyxl.load_workbook(buf).worksheets[0]
    for row in (1, 2):
        cell = back.cell(row=row, column=1)
        assert cell.data_type == "s"
        assert cell.value == clean_text(value)
    assert back.cell(row=1, column=2).value == 5


def test_control_characters_do_not_break_a_workbook() -> None:
    wb = openpyxl.Workbook()
    xlsx_append(wb.worksheets[0], ["line\x0bbreak\x01 end"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert openpyxl.load_workbook(buf).worksheets[0]["A1"].value == "line\nbreak end"


@pytest.mark.parametrize("value", [*RISKY, "plain", "'quoted", "a=b"])
def test_csv_round_trip(value: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(value), csv_cell(3)])
    field = next(csv.reader(io.StringIO(out.getvalue())))[0]
    assert not field.startswith(("=", "+", "-", "@"))
    assert csv_uncell(field) == clean_text(value)


def test_xlsx_append_in_a_write_only_workbook() -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for i in range(3):
        xlsx_append(ws, [f"=A{i}", "plain", i])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    rows = list(openpyxl.load_workbook(buf).worksheets[0].iter_rows())
    assert [(r[0].value, r[0].data_type, r[2].value) for r in rows] == [
        (f"=A{i}", "s", i) for i in range(3)
    ]
