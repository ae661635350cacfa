"""The downloadable .xlsx templates: a data sheet with an example row, then instructions."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from zona.accounts.areas import lke_areas
from zona.accounts.imports.units import UNIT_COLUMNS, UNIT_REQUIRED
from zona.accounts.imports.users import USER_COLUMNS, USER_REQUIRED
from zona.accounts.models import ReviewTier, Role, Unit, UnitKind
from zona.core.spreadsheets import xlsx_append

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALIDATED_ROWS = 5000


def _unit_help() -> dict[str, str]:
    return {
        "code": _("Unique code of the unit, e.g. KC-BDG. Existing codes are updated."),
        "name": _("Full name of the unit."),
        "short_name": _("Optional short name."),
        "parent_code": _("Code of the parent unit: a unit in Zona or an earlier row."),
        "kind": _("Kind of unit: %(kinds)s.") % {"kinds": ", ".join(UnitKind.values)},
        "echelon": _("Optional echelon level, 1 to 5."),
        "region": _("Optional region (city or regency)."),
        "service_types": _(
            "Optional public services of the unit as CODE=Name pairs separated by semicolons, "
            "e.g. PASPOR=Penerbitan Paspor; ITAS=Izin Tinggal Terbatas. A listed code adds "
            "the service type or renames it; service types not listed are kept, never deleted."
        ),
    }


def _user_help() -> dict[str, str]:
    return {
        "username": _("Login name; existing usernames are updated."),
        "email": _("E-mail address; used to sign in and to reset the password."),
        "full_name": _("Full name with titles."),
        "nip": _("Optional employee number (NIP)."),
        "home_unit_code": _("Code of the unit the account belongs to."),
        "active": _("ya or tidak; empty means ya."),
        "role": _("Role key: %(roles)s. Empty: the account only.")
        % {"roles": ", ".join(Role.values)},
        "role_unit_code": _("Code of the unit the role applies to."),
        "covers_subtree": _("ya if the role also covers the sub-units; empty means tidak."),
        "review_tier": _("Review tier code, required for reviewers."),
        "lke_areas": _("For working-group members: areas %(areas)s, e.g. 1,2.")
        % {"areas": ", ".join(a.key for a in lke_areas())},
    }


def _workbook(
    *,
    title: str,
    columns: Sequence[str],
    required: Sequence[str],
    example: Sequence[object],
    help_texts: dict[str, str],
    choices: dict[str, Sequence[str]],
    notes: Sequence[str],
) -> bytes:
    # Imported here: openpyxl is slow to import, and only these downloads need it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    # Codes and names come from the database; they stay text even if they look like formulas.
    xlsx_append(sheet, columns)
    xlsx_append(sheet, example)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F7")
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(i)].width = max(14, len(column) + 4)
        if column in choices:
            rule = DataValidation(
                type="list", formula1='"' + ",".join(choices[column]) + '"', allow_blank=True
            )
            sheet.add_data_validation(rule)
            rule.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{VALIDATED_ROWS}")
    sheet.freeze_panes = "A2"

    guide = book.create_sheet(_("Instructions"))
    xlsx_append(guide, [_("Column"), _("Required"), _("What to write")])
    for cell in guide[1]:
        cell.font = bold
        cell.fill = fill
    for column in columns:
        xlsx_append(
            guide, [column, _("yes") if column in required else "", help_texts.get(column, "")]
        )
    guide.append([])
    for note in notes:
        xlsx_append(guide, [note])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def units_template(example_parent: Unit | None) -> bytes:
    parent_code = example_parent.code if example_parent else ""
    return _workbook(
        title=_("units"),
        columns=UNIT_COLUMNS,
        required=UNIT_REQUIRED,
        example=[
            f"{parent_code or 'KL'}-CONTOH",
            _("Example Work Unit"),
            "",
            parent_code,
            UnitKind.SATKER.value if parent_code else UnitKind.MINISTRY.value,
            3 if parent_code else "",
            "Kota Bandung",
            "PASPOR=Penerbitan Paspor; ITAS=Izin Tinggal Terbatas",
        ],
        help_texts=_unit_help(),
        choices={"kind": UnitKind.values},
        notes=[
            _("Row 2 is an example: replace it with your own units."),
            _(
                "Upload the file; Zona first lists every problem by row, and writes nothing "
                "until the whole file is correct and you confirm."
            ),
            _("Importing the same file again changes nothing."),
            _(
                "Importing never deletes a service type: types missing from the "
                "service_types column stay as they are; deactivate them on the unit's page."
            ),
        ],
    )


def users_template(example_unit: Unit | None, tiers: Sequence[ReviewTier]) -> bytes:
    unit_code = example_unit.code if example_unit else ""
    tier_codes = sorted({t.code for t in tiers})
    return _workbook(
        title=_("users"),
        columns=USER_COLUMNS,
        required=USER_REQUIRED,
        example=[
            "budi.santoso",
            "budi.santoso@example.go.id",
            "Budi Santoso, S.E.",
            "198001012005011001",
            unit_code,
            "ya",
            Role.WORKING_GROUP.value,
            unit_code,
            "tidak",
            "",
            "1,2",
        ],
        help_texts=_user_help(),
        choices={
            "role": Role.values,
            "active": ["ya", "tidak"],
            "covers_subtree": ["ya", "tidak"],
            **({"review_tier": tier_codes} if tier_codes else {}),
        },
        notes=[
            _("Row 2 is an example: replace it with your own accounts."),
            _(
                "One row per role. An account with several roles takes several rows that repeat "
                "its username, e-mail, name, NIP, home unit and active columns."
            ),
            _(
                "New accounts have no password: each person gets an e-mail with a link to set "
                "one, or uses “Forgot password?” on the sign-in page."
            ),
            _("Importing never removes roles; revoke roles on the account's page."),
            _("Review tiers: %(tiers)s.") % {"tiers": ", ".join(tier_codes) or "—"},
        ],
    )
