"""The agency's proposal to the TPN (issue 11 §2): the policy of who proposes, the draft
(letter and units), the generated package, submission (one Nomination per unit, hand-offs
to the TPN and the units) and withdrawal. Status changes go through tables/proposal.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zona.accounts.models import Role, RoleAssignment, Unit
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.national.access_proposal import may_prepare, may_set_policy
from zona.national.documents import package as docs
from zona.national.models import (
    DocumentKind,
    Nomination,
    Proposal,
    ProposalDocument,
    ProposalLine,
    ProposalPolicy,
    ProposalStatus,
    Proposer,
)
from zona.national.selectors.proposal import (
    agency_period,
    submit_problems,
    target_of,
    tpi_scores,
)
from zona.national.tables.proposal import PROPOSAL
from zona.workflow.engine import apply
from zona.workflow.handoffs import handoff
from zona.workflow.selectors.tpi import panel_recommended

MAX_LINES = 500
NIP_CHARS = set("0123456789 ")


@dataclass(frozen=True)
class ProposalInput:
    letter_number: str = ""
    letter_date: dt.date | None = None
    signer_name: str = ""
    signer_nip: str = ""
    signer_title: str = ""
    # The sheets (assessment ids) the proposal lists; None leaves the lines as they are.
    assessment_ids: Sequence[int] | None = None


def _delete_files(names: Sequence[str | None]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _preparer(actor: Any, agency: Unit) -> None:
    if not may_prepare(actor, agency):
        raise PermissionDenied(
            _("Only the agency head or the agency administrator prepares the proposal.")
        )


def _draft(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.DRAFT:
        raise StateError(
            _("The proposal is “%(status)s”; only a draft changes.")
            % {"status": proposal.get_status_display()}
        )


# --- who proposes ----------------------------------------------------------------------------


def proposal_policy_set(*, actor: Any, agency: Unit, proposer: str) -> ProposalPolicy:
    if not may_set_policy(actor, agency):
        raise PermissionDenied(_("Only the agency administrator decides who proposes."))
    if proposer not in Proposer.values:
        raise ValidationFailed(
            _("Choose who proposes."),
            problems=[Problem("invalid_choice", _("Choose who proposes."), field="proposer")],
        )
    with transaction.atomic():
        policy, _created = ProposalPolicy.objects.select_for_update().get_or_create(agency=agency)
        before = policy.proposer
        policy.proposer = proposer
        policy.updated_by = actor
        policy.save()
        audit_record(
            actor=actor,
            action="proposal_policy.changed",
            target=policy,
            unit=agency,
            details={"proposer": [before, proposer]},
        )
    return policy


# --- the draft -------------------------------------------------------------------------------


def proposal_create(*, actor: Any, agency: Unit, year: int) -> Proposal:
    """A new draft for the year. One draft at a time; a second proposal in a year (after
    one was submitted or withdrawn) may add units not nominated yet."""
    _preparer(actor, agency)
    with transaction.atomic():
        # The agency row's lock keeps two clicks from opening two drafts.
        Unit.objects.select_for_update().filter(pk=agency.pk).first()
        if Proposal.objects.filter(agency=agency, year=year, status=ProposalStatus.DRAFT).exists():
            raise StateError(
                _("The agency already has a draft proposal for %(year)s.") % {"year": year}
            )
        period = agency_period(agency, year)
        if period is None:
            raise StateError(_("The agency has no assessment period in %(year)s.") % {"year": year})
        proposal = Proposal.objects.create(
            agency=agency, year=year, period=period, created_by=actor
        )
        audit_record(
            actor=actor,
            action="proposal.created",
            target=proposal,
            unit=agency,
            details={"year": year, "period": period.pk},
        )
    return proposal


def _clean(proposal: Proposal, data: ProposalInput) -> list[Problem]:
    problems: list[Problem] = []
    limits = {"letter_number": 100, "signer_name": 200, "signer_nip": 30, "signer_title": 200}
    for name, limit in limits.items():
        if len(getattr(data, name).strip()) > limit:
            problems.append(
                Problem("too_long", _("At most %(n)s characters.") % {"n": limit}, field=name)
            )
    if not set(data.signer_nip) <= NIP_CHARS:
        problems.append(Problem("invalid_nip", _("The NIP has digits only."), field="signer_nip"))
    if data.letter_date is not None and data.letter_date.year != proposal.year:
        problems.append(
            Problem(
                "letter_date_year",
                _("The letter date must fall in %(year)s.") % {"year": proposal.year},
                field="letter_date",
            )
        )
    if data.assessment_ids is not None:
        if len(data.assessment_ids) > MAX_LINES:
            problems.append(Problem("too_many", _("Too many units."), field="units"))
        else:
            allowed = {a.pk for a in panel_recommended(proposal.period)}
            allowed |= set(
                ProposalLine.objects.filter(proposal=proposal).values_list(
                    "assessment_id", flat=True
                )
            )
            if set(data.assessment_ids) - allowed:
                problems.append(
                    Problem(
                        "not_recommended",
                        _("Choose only units the TPI panel recommended."),
                        field="units",
                    )
                )
    return problems


def _set_lines(proposal: Proposal, assessment_ids: Sequence[int]) -> None:
    from zona.assessments.models import Assessment

    wanted = list(dict.fromkeys(assessment_ids))
    ProposalLine.objects.filter(proposal=proposal).exclude(assessment_id__in=wanted).delete()
    have = set(
        ProposalLine.objects.filter(proposal=proposal).values_list("assessment_id", flat=True)
    )
    sheets = Assessment.objects.select_related("unit").filter(
        pk__in=[pk for pk in wanted if pk not in have], period=proposal.period
    )
    scores = tpi_scores(proposal.period, [s.pk for s in sheets])
    ProposalLine.objects.bulk_create(
        ProposalLine(
            proposal=proposal,
            assessment=sheet,
            unit=sheet.unit,
            target=target_of(sheet),
            tpi_score=scores.get(sheet.pk),
        )
        for sheet in sheets
    )


def proposal_update(*, actor: Any, proposal: Proposal, data: ProposalInput) -> Proposal:
    _preparer(actor, proposal.agency)
    with transaction.atomic():
        row = (
            Proposal.objects.select_for_update()
            .select_related("agency", "period")
            .get(pk=proposal.pk)
        )
        _draft(row)
        problems = _clean(row, data)
        if problems:
            raise ValidationFailed(_("Check the proposal."), problems=problems)
        row.letter_number = data.letter_number.strip()
        row.letter_date = data.letter_date
        row.signer_name = data.signer_name.strip()
        row.signer_nip = data.signer_nip.strip()
        row.signer_title = data.signer_title.strip()
        row.save()
        if data.assessment_ids is not None:
            _set_lines(row, data.assessment_ids)
        audit_record(
            actor=actor,
            action="proposal.updated",
            target=row,
            unit=row.agency,
            details={
                "letter_number": row.letter_number,
                "letter_date": row.letter_date.isoformat() if row.letter_date else None,
                "signer_name": row.signer_name,
                "units": sorted(
                    ProposalLine.objects.filter(proposal=row).values_list("unit__code", flat=True)
                ),
            },
        )
    return row


def proposal_delete(*, actor: Any, proposal: Proposal) -> None:
    _preparer(actor, proposal.agency)
    with transaction.atomic():
        row = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _draft(row)
        files = [d.file.name for d in ProposalDocument.objects.filter(proposal=row).all()]
        audit_record(
            actor=actor,
            action="proposal.deleted",
            target=row,
            unit=proposal.agency,
            details={"year": row.year},
        )
        row.delete()
        transaction.on_commit(lambda: _delete_files(files))


# --- the package -----------------------------------------------------------------------------


def letter_data(proposal: Proposal) -> docs.LetterData:
    lines = list(
        ProposalLine.objects.filter(proposal=proposal).select_related("unit").order_by("unit__code")
    )
    return docs.LetterData(
        agency=proposal.agency.name,
        year=proposal.year,
        number=proposal.letter_number,
        date=proposal.letter_date,
        signer=proposal.signer_name,
        nip=proposal.signer_nip,
        position=proposal.signer_title,
        units=tuple(
            docs.LetterUnit(
                code=line.unit.code,
                name=line.unit.name,
                target=line.target,
                tpi_score=line.tpi_score,
            )
            for line in lines
        ),
    )


def _files(proposal: Proposal) -> list[tuple[str, Unit | None, str, bytes]]:
    data = letter_data(proposal)
    stem = f"{slugify(proposal.agency.code)}-{proposal.year}"
    files: list[tuple[str, Unit | None, str, bytes]] = [
        (DocumentKind.LETTER_DOCX, None, f"surat-usulan-{stem}.docx", docs.letter_docx(data)),
        (DocumentKind.LETTER_PDF, None, f"surat-usulan-{stem}.pdf", docs.letter_pdf(data)),
        (DocumentKind.SPTJM_DOCX, None, f"sptjm-{stem}.docx", docs.sptjm_docx(data)),
        (DocumentKind.SPTJM_PDF, None, f"sptjm-{stem}.pdf", docs.sptjm_pdf(data)),
    ]
    for line in (
        ProposalLine.objects.filter(proposal=proposal)
        .select_related(
            "unit",
            "assessment__unit",
            "assessment__period__framework",
            "assessment__period__agency",
        )
        .order_by("unit__code")
    ):
        name = f"LKE-{slugify(line.unit.code)}-{proposal.year}.xlsx"
        files.append((DocumentKind.LKE_XLSX, line.unit, name, docs.lke_xlsx(line.assessment)))
    return files


def _generate(proposal: Proposal, *, actor: Any, now: dt.datetime) -> list[ProposalDocument]:
    """Replace the proposal's documents with freshly generated ones (inside the caller's
    transaction; old files leave the storage once it commits, new ones if it rolls back)."""
    old = [d.file.name for d in ProposalDocument.objects.filter(proposal=proposal).all()]
    ProposalDocument.objects.filter(proposal=proposal).all().delete()
    made: list[ProposalDocument] = []
    stored: list[str] = []
    folder = f"national/proposals/{proposal.pk}/{uuid.uuid4().hex}"
    try:
        for kind, unit, name, content in _files(proposal):
            path = default_storage.save(f"{folder}/{name}", ContentFile(content))
            stored.append(path)
            made.append(
                ProposalDocument.objects.create(
                    proposal=proposal,
                    kind=kind,
                    unit=unit,
                    file=path,
                    name=name,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    created_at=now,
                )
            )
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    transaction.on_commit(lambda: _delete_files(old))
    return made


def proposal_documents_generate(
    *, actor: Any, proposal: Proposal, now: dt.datetime | None = None
) -> list[ProposalDocument]:
    """Generate the package of a draft (a preview; submission generates it again)."""
    _preparer(actor, proposal.agency)
    moment = now or timezone.now()
    with transaction.atomic():
        row = (
            Proposal.objects.select_for_update()
            .select_related("agency", "period")
            .get(pk=proposal.pk)
        )
        _draft(row)
        made = _generate(row, actor=actor, now=moment)
        audit_record(
            actor=actor,
            action="proposal.documents_generated",
            target=row,
            unit=row.agency,
            details={"documents": [d.name for d in made]},
        )
    return made


# --- submission and withdrawal ---------------------------------------------------------------


def _tpn_members() -> list[Any]:
    rows = RoleAssignment.objects.filter(
        role=Role.NATIONAL_EVALUATOR, unit=None, user__is_active=True
    ).select_related("user")
    return sorted({a.user.pk: a.user for a in rows}.values(), key=lambda u: u.pk)


def on_submit(proposal: Proposal, *, actor: Any, now: dt.datetime) -> dict[str, Any]:
    """The submit transition's effect on the locked proposal: the package, one nomination
    per line, the hand-offs. Returns the details for the event."""
    proposal.submitted_by = actor
    proposal.submitted_at = now
    lines = list(
        ProposalLine.objects.filter(proposal=proposal).select_related("unit", "assessment")
    )
    scores = tpi_scores(proposal.period, [line.assessment_id for line in lines])
    for line in lines:
        line.tpi_score = scores.get(line.assessment_id)
    ProposalLine.objects.bulk_update(lines, ["tpi_score"])
    documents = _generate(proposal, actor=actor, now=now)
    Nomination.objects.bulk_create(
        Nomination(
            proposal=proposal,
            assessment=line.assessment,
            unit=line.unit,
            year=proposal.year,
            target=line.target,
        )
        for line in lines
    )
    units = [line.unit for line in lines]
    url = reverse("national:proposal", args=[proposal.agency_id, proposal.year])
    names = ", ".join(u.name for u in units)
    handoff(
        kind="proposal.submitted",
        recipients=_tpn_members(),
        params={
            "agency": proposal.agency.name,
            "year": proposal.year,
            "count": len(units),
            "units": names,
            "number": proposal.letter_number,
        },
        url=url,
        key=f"proposal-submitted:{proposal.pk}",
        actor=actor,
    )
    for unit in units:
        handoff(
            kind="proposal.unit_nominated",
            recipients=_unit_people(unit),
            params={"agency": proposal.agency.name, "year": proposal.year, "unit": unit.name},
            url=url,
            key=f"proposal-nominated:{proposal.pk}:{unit.pk}",
            actor=actor,
        )
    return {
        "units": [u.code for u in units],
        "letter_number": proposal.letter_number,
        "documents": len(documents),
    }


def _unit_people(unit: Unit) -> list[Any]:
    rows = RoleAssignment.objects.filter(
        unit=unit, role__in=[Role.UNIT_HEAD, Role.UNIT_OPERATOR], user__is_active=True
    ).select_related("user")
    return sorted({a.user.pk: a.user for a in rows}.values(), key=lambda u: u.pk)


def proposal_submit(*, actor: Any, proposal: Proposal, now: dt.datetime | None = None) -> Proposal:
    """Submit to the TPN. Every reason it may not go is raised at once, per unit."""
    moment = now or timezone.now()
    if proposal.status == ProposalStatus.DRAFT:
        problems = submit_problems(proposal, timezone.localdate(moment))
        if problems:
            from zona.national.tables.proposal import proposer_guard
            from zona.workflow.engine import Context

            refused = proposer_guard(
                Context(subject=proposal, action="submit", actor=actor, now=moment)
            )
            if refused is None:
                raise StateError(
                    _("The proposal cannot be submitted yet."), problems=list(problems)
                )
    return apply(PROPOSAL, proposal, "submit", actor, now=moment)


def proposal_withdraw(
    *, actor: Any, proposal: Proposal, reason: str, now: dt.datetime | None = None
) -> Proposal:
    return apply(PROPOSAL, proposal, "withdraw", actor, now=now, reason=reason)
