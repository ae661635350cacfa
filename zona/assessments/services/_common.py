"""Small helpers shared by the assessment services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.accounts.models import Unit, User
from zona.core.errors import PermissionDenied, Problem, ValidationFailed


def require_perm(actor: User, perm: Perm, unit: Unit) -> None:
    if not user_can(actor, perm, unit):
        raise PermissionDenied(_("You are not allowed to do this for this unit."))


def invalid(message: str, *, code: str = "invalid", field: str = "") -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code=code, message=message, field=field)])
