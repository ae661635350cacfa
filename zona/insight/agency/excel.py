"""The agency dashboard's tables as Excel workbooks (openpyxl through zona.core.spreadsheets:
text people typed stays text). Each download holds every filtered row, not only the page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zona.core.spreadsheets import xlsx_append
from zona.insight.selectors.agency import Board, Column, TargetsView, UnitRow, region_label
from zona.insight.selectors.funnel import Funnel

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = ("units", "alerts", "gap", "funnel", "targets")


def _n(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _workbook(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    xlsx_append(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(ws, row)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def units_workbook(board: Board, columns: list[Column], rows: list[UnitRow]) -> bytes:
    header = [
        _("Rank"),
        _("Code"),
        _("Unit"),
        _("Region"),
        _("Target"),
        _("Status"),
        *[c.label for c in columns],
        _("Pengungkit"),
        _("Hasil"),
        _("Verdict"),
        *[a.title for a in board.areas],
    ]
    data = [
        [
            r.rank,
            r.assessment.unit.code,
            r.assessment.unit.name,
            region_label(r.region),
            r.assessment.get_target_display(),
            r.assessment.get_status_display(),
            *[_n(r.totals[c.key]) for c in columns],
            _n(r.pengungkit),
            _n(r.hasil),
            "" if r.passed is None else (_("passes") if r.passed else _("not yet")),
            *[_n(r.area_percent[a.key]) for a in board.areas],
        ]
        for r in rows
    ]
    return _workbook(_("Units"), header, data)


def alerts_workbook(board: Board) -> bytes:
    header = [_("Unit"), _("Region"), _("Target"), _("Minimum"), _("Kind"), _("Bound")]
    data = [
        [
            a.unit_name,
            region_label(a.region),
            a.target.upper(),
            a.minimum.title,
            a.minimum.kind,
            _n(a.minimum.bound),
        ]
        for a in board.alerts
    ]
    return _workbook(_("Alerts"), header, data)


def gap_workbook(board: Board) -> bytes:
    header = [_("Area"), _("Maximum"), *[c.label for c in board.columns]]
    data = [
        [g.area.title, _n(g.weight), *[_n(g.averages[c.key]) for c in board.columns]]
        for g in board.gap
    ]
    return _workbook(_("Calibration gap"), header, data)


def funnel_workbook(funnel: Funnel) -> bytes:
    header = [_("Stage")]
    for year in funnel.years:
        header += [str(year), f"{year} %"]
    data = []
    for i, stage in enumerate(funnel.stages):
        row: list[Any] = [stage.label]
        for year in funnel.years:
            row += [stage.count(year), _n(funnel.rate(i, year))]
        data.append(row)
    data.append(
        [_("TPN pass rate"), *[v for y in funnel.years for v in ("", _n(funnel.pass_rate(y)))]]
    )
    return _workbook(_("Funnel"), header, data)


def targets_workbook(view: TargetsView) -> bytes:
    header = [
        _("Region"),
        _("Satker"),
        _("Proposed to the TPN"),
        _("New WBK"),
        _("New WBBM"),
    ]
    data = [
        [region_label(r.region), r.satker, r.proposed, r.new_wbk, r.new_wbbm]
        for r in [*view.regions, view.total]
    ]
    return _workbook(_("Targets"), header, data)
