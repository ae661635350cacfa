"""Pages of the accounts app: the user's own account and the administration under /manage/."""

from zona.accounts.views.agencies import (
    agency_list,
    agency_mfa,
    agency_settings,
    tier_create,
    tier_delete,
    tier_edit,
)
from zona.accounts.views.imports import import_confirm, import_start, import_template
from zona.accounts.views.profile import profile
from zona.accounts.views.units import unit_create, unit_edit, unit_list
from zona.accounts.views.users import role_add, role_revoke, user_create, user_edit, user_list

__all__ = [
    "agency_list",
    "agency_mfa",
    "agency_settings",
    "import_confirm",
    "import_start",
    "import_template",
    "profile",
    "role_add",
    "role_revoke",
    "tier_create",
    "tier_delete",
    "tier_edit",
    "unit_create",
    "unit_edit",
    "unit_list",
    "user_create",
    "user_edit",
    "user_list",
]
