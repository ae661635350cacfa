"""Changes to units, accounts, role assignments and review tiers.

Every function here checks the actor's scope itself (views check it too, through the
access functions), validates, writes, and appends an audit event in the same transaction.
Applying imports lives in `zona.accounts.services.imports` (it needs the import checks,
which need these services).
"""

from zona.accounts.services.tiers import (
    review_tier_create,
    review_tier_delete,
    review_tier_update,
)
from zona.accounts.services.units import (
    ServiceTypeInput,
    agency_set_mfa_required,
    normalize_unit_code,
    unit_create,
    unit_problems,
    unit_update,
)
from zona.accounts.services.users import (
    normalize_areas,
    normalize_email,
    normalize_username,
    role_assign,
    role_problems,
    role_revoke,
    role_update,
    user_create,
    user_problems,
    user_update,
)

__all__ = [
    "ImportResult",
    "ServiceTypeInput",
    "agency_set_mfa_required",
    "import_units",
    "import_users",
    "normalize_areas",
    "normalize_email",
    "normalize_unit_code",
    "normalize_username",
    "review_tier_create",
    "review_tier_delete",
    "review_tier_update",
    "role_assign",
    "role_problems",
    "role_revoke",
    "role_update",
    "unit_create",
    "unit_problems",
    "unit_update",
    "user_create",
    "user_problems",
    "user_update",
]
