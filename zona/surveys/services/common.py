"""What every survey service shares."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import Unit
from zona.core.errors import PermissionDenied


def check_perm(actor: Any, perm: Perm, unit: Unit) -> None:
    if actor is not None and not user_can(actor, perm, unit):
        raise PermissionDenied(_("You may not manage surveys of this unit."))


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()
