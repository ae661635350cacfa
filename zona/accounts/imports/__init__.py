"""Bulk import of units and of accounts with roles, from .xlsx or .csv.

Reading and checking are separate from writing: `validate_*` returns a plan with every
problem by row and column and what would change; `zona.accounts.services.imports` applies a
plan that has no problems, in one transaction.
"""

from zona.accounts.imports.reader import RawRow, RawTable, read_table
from zona.accounts.imports.templates import XLSX_TYPE, units_template, users_template
from zona.accounts.imports.units import (
    CREATE,
    UNCHANGED,
    UNIT_COLUMNS,
    UPDATE,
    UnitPlan,
    validate_unit_rows,
)
from zona.accounts.imports.users import USER_COLUMNS, UserPlan, validate_user_rows

__all__ = [
    "CREATE",
    "UNCHANGED",
    "UNIT_COLUMNS",
    "UPDATE",
    "USER_COLUMNS",
    "XLSX_TYPE",
    "RawRow",
    "RawTable",
    "UnitPlan",
    "UserPlan",
    "read_table",
    "units_template",
    "users_template",
    "validate_unit_rows",
    "validate_user_rows",
]
