"""Who sees and who may do what with an agency's proposal to the TPN. Every page and endpoint
of the proposal part fetches through these functions (missing and forbidden: the same 404).

- Seeing an agency's proposals: its head (UNIT_HEAD on the agency root), its administrator
  (AGENCY_ADMIN on the root), the national administrator and the TPN members.
- Preparing a draft (letter, units, preview of the documents): the agency head or the agency
  administrator.
- Submitting and withdrawing: as the agency's `ProposalPolicy` says (either by default).
- Changing that policy: the agency administrator (or the national administrator).
- The national settings: the national administrator (Role.SYSTEM_ADMIN).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from zona.accounts.access import assignments_of, is_system_admin
from zona.accounts.models import Role, Unit
from zona.core.api.params import int_or_none
from zona.national.models import Proposal, ProposalDocument, ProposalPolicy, Proposer

# Years a page or endpoint accepts (anything else is a 404, not an error page).
MIN_YEAR, MAX_YEAR = 2000, 2100


def _holds(user: Any, role: str, agency: Unit) -> bool:
    return any(a.role == role and a.unit_id == agency.pk for a in assignments_of(user))


def is_agency_head(user: Any, agency: Unit) -> bool:
    return _holds(user, Role.UNIT_HEAD, agency)


def is_agency_admin(user: Any, agency: Unit) -> bool:
    return _holds(user, Role.AGENCY_ADMIN, agency)


def is_tpn_member(user: Any) -> bool:
    return any(
        a.role == Role.NATIONAL_EVALUATOR and a.unit_id is None for a in assignments_of(user)
    )


def may_see_proposals(user: Any, agency: Unit) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_system_admin(user)
        or is_tpn_member(user)
        or is_agency_head(user, agency)
        or is_agency_admin(user, agency)
    )


def may_prepare(user: Any, agency: Unit) -> bool:
    """The agency head or administrator may prepare a draft (whoever submits it)."""
    return is_agency_head(user, agency) or is_agency_admin(user, agency)


def proposer_of(agency: Unit) -> str:
    policy = ProposalPolicy.objects.filter(agency=agency).first()
    return policy.proposer if policy else Proposer.EITHER


def may_propose(user: Any, agency: Unit, proposer: str | None = None) -> bool:
    """Whether the user may submit or withdraw the agency's proposal (its policy)."""
    who = proposer or proposer_of(agency)
    head = is_agency_head(user, agency)
    admin = is_agency_admin(user, agency)
    if who == Proposer.HEAD:
        return head
    if who == Proposer.ADMIN:
        return admin
    return head or admin


def may_set_policy(user: Any, agency: Unit) -> bool:
    return is_agency_admin(user, agency) or is_system_admin(user)


def access_national_settings(user: Any) -> None:
    """The national settings are the national administrator's; anyone else gets a 404."""
    if not is_system_admin(user):
        raise Http404


def access_proposal_agency(user: Any, agency_id: object) -> Unit:
    """An agency root whose proposals the user sees; else 404."""
    pk = int_or_none(agency_id, minimum=1)
    agency = Unit.objects.filter(pk=pk, depth=1).first() if pk else None
    if agency is None or not may_see_proposals(user, agency):
        raise Http404
    return agency


def checked_year(year: object) -> int:
    value = int_or_none(year, minimum=MIN_YEAR, maximum=MAX_YEAR)
    if value is None:
        raise Http404
    return value


def access_proposal_by_id(user: Any, proposal_id: object) -> Proposal:
    pk = int_or_none(proposal_id, minimum=1)
    proposal = (
        Proposal.objects.select_related("agency", "period", "period__framework")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if proposal is None or not may_see_proposals(user, proposal.agency):
        raise Http404
    return proposal


def access_document_by_id(user: Any, proposal: Proposal, document_id: object) -> ProposalDocument:
    """A document of `proposal` (already fetched through `access_proposal_by_id`)."""
    pk = int_or_none(document_id, minimum=1)
    document = (
        ProposalDocument.objects.select_related("unit").filter(pk=pk, proposal=proposal).first()
        if pk
        else None
    )
    if document is None or not may_see_proposals(user, proposal.agency):
        raise Http404
    return document


def access_year_document(
    user: Any, agency: Unit, year: int, document_id: object
) -> ProposalDocument:
    """A document of any of the agency's proposals of `year` (the agency fetched through
    `access_proposal_agency`)."""
    pk = int_or_none(document_id, minimum=1)
    document = (
        ProposalDocument.objects.select_related("unit", "proposal")
        .filter(pk=pk, proposal__agency=agency, proposal__year=year)
        .first()
        if pk
        else None
    )
    if document is None or not may_see_proposals(user, agency):
        raise Http404
    return document
