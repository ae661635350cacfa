"""The unit operator shares the LKE areas out among the working-group members."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.access import Perm
from zona.accounts.areas import split_areas
from zona.accounts.models import Role, RoleAssignment, Unit, User
from zona.assessments.services._common import invalid, require_perm
from zona.assessments.sheet import sheet_spec
from zona.audit.services import audit_record
from zona.frameworks.models import Framework


def working_group_set_areas(
    *,
    actor: User,
    unit: Unit,
    assignment_id: int,
    areas: Iterable[str],
    framework: Framework | None = None,
) -> RoleAssignment:
    """Set the areas one working-group member of `unit` may edit (none is allowed).

    The areas are those `framework` declares (the sheet the operator shares out), in its
    order; without one, those of the loaded frameworks (see zona.accounts.areas).
    """
    require_perm(actor, Perm.ASSESSMENT_ASSIGN, unit)
    wanted = {str(a) for a in areas}
    if framework is None:
        ordered, unknown = split_areas(wanted)
    else:
        declared = [area.key for area in sheet_spec(framework).areas]
        ordered = [key for key in declared if key in wanted]
        unknown = sorted(wanted - set(declared))
    if unknown:
        raise invalid(
            _("Unknown LKE areas: %(areas)s.") % {"areas": ", ".join(unknown)}, field="areas"
        )
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
