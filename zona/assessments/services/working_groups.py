"""The unit operator shares the LKE areas out among the working-group members."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.accounts.models import LKE_AREAS, Role, RoleAssignment, Unit, User
from zona.assessments.services._common import invalid, require_perm
from zona.audit.services import audit_record


def working_group_set_areas(
    *, actor: User, unit: Unit, assignment_id: int, areas: Iterable[str]
) -> RoleAssignment:
    """Set the areas one working-group member of `unit` may edit (none is allowed)."""
    require_perm(actor, Perm.ASSESSMENT_ASSIGN, unit)
    wanted = [str(a) for a in areas]
    unknown = [a for a in wanted if a not in LKE_AREAS]
    if unknown:
        raise invalid(
            _("Unknown LKE areas: %(areas)s.") % {"areas": ", ".join(unknown)}, field="areas"
        )
    ordered = [a for a in LKE_AREAS if a in set(wanted)]
    with transaction.atomic():
        assignment = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=assignment_id, unit=unit, role=Role.WORKING_GROUP)
            .first()
        )
        if assignment is None:
            raise invalid(_("That person is not a working-group member of this unit."))
        before = list(assignment.lke_areas)
        if before == ordered:
            return assignment
        assignment.lke_areas = ordered
        assignment.save(update_fields=["lke_areas"])
        audit_record(
            actor=actor,
            action="assessment.working_group_areas_set",
            target=assignment,
            unit=unit,
            details={"member": assignment.user.username, "before": before, "after": ordered},
        )
    return assignment
