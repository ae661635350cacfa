from __future__ import annotations

from zona.accounts.access import assignments_of
from zona.accounts.models import Role, Unit, User

REVIEW_ROLES = frozenset({Role.REVIEWER, Role.NATIONAL_EVALUATOR})


def mfa_required_for(user: User) -> bool:
    """True when an agency the user reviews for demands MFA of its reviewers."""
    agency_paths = {
        a.unit.agency_path for a in assignments_of(user) if a.role in REVIEW_ROLES and a.unit
    }
    if not agency_paths:
        return False
    return Unit.objects.filter(
        path__in=agency_paths, depth=1, mfa_required_for_reviewers=True
    ).exists()
