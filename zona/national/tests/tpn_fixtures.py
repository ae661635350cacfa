"""Nominations for tests: a submitted proposal of the unit's agency with one nomination of
the sheet, at the stage asked for (rows created in their state, as the proposal part's
submission would create them; the stages after that go through the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zona.accounts.access import forget_assignments
from zona.assessments.models import Assessment
from zona.national.models import Nomination, NominationStatus, Proposal, ProposalStatus

SUBMITTED = dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC)


def nominate(
    assessment: Assessment,
    *,
    by: Any,
    status: str = NominationStatus.ADMIN,
    target: str = "WBK",
    submitted_at: dt.datetime | None = SUBMITTED,
    proposal: Proposal | None = None,
    forget: tuple[Any, ...] = (),
) -> Nomination:
    """Nominate the sheet's unit to the TPN. `forget`: user objects whose cached national
    scope must be read again (the tests' own instances)."""
    unit = assessment.unit
    agency = unit.get_agency()
    if proposal is None:
        proposal = Proposal.objects.create(
            agency=agency,
            year=assessment.period.year,
            period=assessment.period,
            status=ProposalStatus.SUBMITTED,
            letter_number="B-1/2026",
            letter_date=(submitted_at or timezone.now()).date(),
            created_by=by,
            submitted_by=by,
            submitted_at=submitted_at,
        )
    nomination = Nomination.objects.create(
        proposal=proposal,
        assessment=assessment,
        unit=unit,
        year=assessment.period.year,
        target=target,
        status=status,
    )
    for user in forget:
        forget_assignments(user)
    return nomination
