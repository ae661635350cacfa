"""Who may see and change the candidacy part's records (issue 11 §1). A forbidden object is
the same 404 as a missing one.

- The unit's page: anyone who may view the unit, and its designators.
- Declaration, integrity pacts: the unit's operator or head (`may_record`).
- Eligibility answers: the unit's operator or head, and its designators.
- Designation of candidates (`is_designator`): the agency administrator over the unit, or
  the head (Role.UNIT_HEAD) of an echelon-I unit above it.
- The agency's checklist: its administrator (Perm.UNIT_MANAGE on the agency root).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from zona.accounts.access import (
    AnyUser,
    Perm,
    access_agency_by_id,
    access_unit_by_id,
    assignments_of,
    user_can,
)
from zona.accounts.models import Role, Unit, UnitKind
from zona.core.api.params import int_or_none
from zona.national.models import Candidacy, EligibilityAnswer, IntegrityPact


def _pk(raw: int | str) -> int:
    """An id from a path or a form (ASCII digits within the database's range), else 404."""
    value = int_or_none(raw, minimum=1)
    if value is None:
        raise Http404
    return value


def _roles_covering(user: AnyUser, unit: Unit) -> set[str]:
    roles: set[str] = set()
    for a in assignments_of(user):
        if a.unit is None:
            continue
        if a.unit.pk == unit.pk or (a.covers_subtree and unit.path.startswith(a.unit.path)):
            roles.add(a.role)
    return roles


def may_record(user: AnyUser, unit: Unit) -> bool:
    """The unit's operator or head records its declaration and integrity pacts."""
    return bool(_roles_covering(user, unit) & {Role.UNIT_OPERATOR, Role.UNIT_HEAD})


def is_echelon_i_head_of(user: AnyUser, unit: Unit) -> bool:
    """Head of an echelon-I unit strictly above `unit`."""
    return any(
        a.role == Role.UNIT_HEAD
        and a.unit is not None
        and a.unit.kind == UnitKind.ECHELON_I
        and a.unit.pk != unit.pk
        and unit.path.startswith(a.unit.path)
        for a in assignments_of(user)
    )


def is_designator(user: AnyUser, unit: Unit) -> bool:
    """May designate `unit` as a candidate (never an agency root)."""
    if unit.is_agency or not user.is_authenticated:
        return False
    return Role.AGENCY_ADMIN in _roles_covering(user, unit) or is_echelon_i_head_of(user, unit)


def designates_in(user: AnyUser, agency: Unit) -> bool:
    """Designates any unit of `agency` (its administrator, or an echelon-I head in it)."""
    for a in assignments_of(user):
        if a.unit is None or not a.unit.path.startswith(agency.path):
            continue
        if a.role == Role.AGENCY_ADMIN:
            return True
        if a.role == Role.UNIT_HEAD and a.unit.kind == UnitKind.ECHELON_I:
            return True
    return False


@dataclass(frozen=True)
class CandidacyRights:
    record: bool  # declaration and pacts
    answer: bool  # eligibility answers
    designate: bool


def candidacy_rights(user: AnyUser, unit: Unit) -> CandidacyRights:
    record = may_record(user, unit)
    designate = is_designator(user, unit)
    return CandidacyRights(record=record, answer=record or designate, designate=designate)


def access_zi_unit(user: AnyUser, unit_id: int | str) -> tuple[Unit, CandidacyRights]:
    """The unit's "Pencanangan & kandidat" page: anyone who views the unit, or designates it."""
    unit_id = _pk(unit_id)
    try:
        unit = access_unit_by_id(user, unit_id)
    except Http404:
        try:
            unit = Unit.objects.get(pk=_pk(unit_id))
        except (Unit.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if not is_designator(user, unit):
            raise Http404 from None
    return unit, candidacy_rights(user, unit)


def access_candidates_agency(user: AnyUser, agency_id: int | str) -> Unit:
    """The agency's candidates page: whoever views the agency root, or designates in it."""
    try:
        agency = Unit.objects.get(pk=_pk(agency_id), depth=1)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if user_can(user, Perm.UNIT_VIEW, agency) or designates_in(user, agency):
        return agency
    raise Http404


def access_checklist_agency(user: AnyUser, agency_id: int | str) -> Unit:
    """The agency's eligibility checklist, for its administrator."""
    return access_agency_by_id(user, agency_id)


def access_pact_by_id(user: AnyUser, unit: Unit, pact_id: int | str) -> IntegrityPact:
    """One person of `unit`'s roster (the caller fetched the unit through access_zi_unit)."""
    try:
        return IntegrityPact.objects.get(pk=_pk(pact_id), unit=unit)
    except (IntegrityPact.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_answer_by_id(user: AnyUser, unit: Unit, answer_id: int | str) -> EligibilityAnswer:
    try:
        return EligibilityAnswer.objects.select_related("criterion").get(
            pk=_pk(answer_id), unit=unit
        )
    except (EligibilityAnswer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_candidacy_by_id(user: AnyUser, candidacy_id: int | str) -> Candidacy:
    """A designation, for whoever sees its unit's page."""
    try:
        candidacy = Candidacy.objects.select_related("unit").get(pk=_pk(candidacy_id))
    except (Candidacy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access_zi_unit(user, candidacy.unit_id)
    return candidacy
