"""Setting an agency's yearly targets (typed, audited writes; the reads compare them with the
data in `zona.insight.selectors.agency.targets_view`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.models import Unit, User
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, ValidationFailed
from zona.insight.agency.access import can_set_targets
from zona.insight.models import AgencyTarget, TargetKind

# Years a target may be set for: a sanity bound on typing, not a rule of the program.
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_NUMBER = 100_000


def _refuse(code: str, message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code, message, field)])


def _check_allowed(actor: User, agency: Unit) -> None:
    if not agency.is_agency or not can_set_targets(actor, agency):
        message = _("Only the agency's administrators set its targets.")
        raise PermissionDenied(message, problems=[Problem("forbidden", message)])


def target_set(
    *, actor: User, agency: Unit, year: int, kind: str, number: int, note: str = ""
) -> AgencyTarget:
    """Create or change the agency's target of `kind` for `year`."""
    _check_allowed(actor, agency)
    if kind not in TargetKind.values:
        raise _refuse("kind", _("Choose what the target counts."), "kind")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse(
            "year",
            _("The year must lie between %(min)d and %(max)d.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
            "year",
        )
    if not 0 <= number <= MAX_NUMBER:
        raise _refuse(
            "number",
            _("The number must lie between 0 and %(max)d.") % {"max": MAX_NUMBER},
            "number",
        )
    with transaction.atomic():
        target = (
            AgencyTarget.objects.select_for_update()
            .filter(agency=agency, year=year, kind=kind)
            .first()
        )
        before = None if target is None else {"number": target.number, "note": target.note}
        if target is None:
            target = AgencyTarget.objects.create(
                agency=agency, year=year, kind=kind, number=number, note=note, updated_by=actor
            )
        else:
            target.number, target.note, target.updated_by = number, note, actor
            target.save(update_fields=["number", "note", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="agency_target.set",
            target=target,
            unit=agency,
            details={
                "year": year,
                "kind": kind,
                "number": number,
                **({"before": before} if before else {}),
            },
        )
    return target


def target_delete(*, actor: User, target: AgencyTarget) -> None:
    _check_allowed(actor, target.agency)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="agency_target.deleted",
            target=target,
            unit=target.agency,
            details={"year": target.year, "kind": target.kind, "number": target.number},
        )
        target.delete()
