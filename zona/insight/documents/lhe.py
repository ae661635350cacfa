"""The LHE (Laporan Hasil Evaluasi): what a review tier reports to a unit on its sheet.

Read model (`lhe_data`): the number and signatories as issued, the unit's self-assessment
against the tier's view per area (STORED scores: the unit view and the `tier:<id>` view,
never rescored here), and the findings and recommendations the review recorded (comments
to the unit and items returned, desk interview notes and outcomes, the TPI's stage-1
findings, the review's note and its sign-offs' notes). Internal reviewer comments stay out.

Writes (`lhe_issue`, `lhe_signed_upload`) are audited in their transaction. The number is
taken once, from the agency's sequence for the year under its row lock, and formatted with
`ZONA_LHE_NUMBER_FORMAT` (placeholders: number, agency, year, unit, tier).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.assessments.models import Assessment
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    StoredView,
    empty_view,
    stored_scores,
    tier_key,
)
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.sheet import SheetSpec, sheet_spec, text
from zona.assessments.uploads import check_file
from zona.audit.services import audit_record
from zona.core.errors import Problem, ValidationFailed
from zona.frameworks.scoring import round_half_up
from zona.insight.models_documents import DocumentSequence, Lhe
from zona.workflow.models import (
    CommentKind,
    DeskNote,
    DeskSession,
    ItemComment,
    TierReview,
)
from zona.workflow.models.reviews import TierSignOff
from zona.workflow.tables.reviews import team_for

DEFAULT_NUMBER_FORMAT = "LHE-{number:03d}/{agency}/{year}"
SEQUENCE_KIND = "lhe"
LEAD, MEMBER = "lead", "member"
_NIP = re.compile(r"^[0-9 ]{1,32}$")


def number_format() -> str:
    return str(getattr(settings, "ZONA_LHE_NUMBER_FORMAT", DEFAULT_NUMBER_FORMAT))


def role_label(role: str) -> str:
    return pgettext("signatory", "Team lead") if role == LEAD else pgettext("signatory", "Member")


@dataclass(frozen=True)
class Signatory:
    name: str
    nip: str
    role: str

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True)
class AreaScore:
    key: str
    title: str
    weight: Decimal
    self_score: Decimal
    final_score: Decimal

    @property
    def change(self) -> Decimal:
        return self.final_score - self.self_score


@dataclass(frozen=True)
class Finding:
    source: str
    item: str
    item_title: str
    text: str


@dataclass(frozen=True)
class LheData:
    assessment: Assessment
    unit: Unit
    tier: ReviewTier
    lhe: Lhe | None
    number: str
    issued_on: dt.date
    place: str
    signatories: list[Signatory]
    areas: list[AreaScore]
    # (label, self-assessment, final) of Pengungkit, Hasil and the total.
    totals: list[tuple[str, Decimal | None, Decimal | None]]
    verdict_passed: bool | None
    findings: list[Finding]
    recommendations: list[str]


def _agency_of(assessment: Assessment, tier: ReviewTier) -> Unit:
    if tier.agency_id is not None and tier.agency is not None:
        return tier.agency
    return assessment.period.agency


def _views(assessment: Assessment, tier: ReviewTier) -> tuple[StoredView, StoredView]:
    key = tier_key(tier.pk)
    stored = stored_scores([assessment.pk], keys=[UNIT_KEY, key, EFFECTIVE_KEY]).get(
        assessment.pk, {}
    )
    unit = stored.get(UNIT_KEY) or empty_view(assessment, UNIT_KEY)
    final = stored.get(key) or stored.get(EFFECTIVE_KEY) or empty_view(assessment, EFFECTIVE_KEY)
    return unit, final


def _area_scores(spec: SheetSpec, unit: StoredView, final: StoredView) -> list[AreaScore]:
    rows = []
    for area in spec.areas:
        mine: dict[str, Any] = dict(unit.areas.get(area.key, {}))
        theirs: dict[str, Any] = dict(final.areas.get(area.key, {}))
        rows.append(
            AreaScore(
                key=area.key,
                title=text(area.title),
                weight=round_half_up(Decimal(theirs.get("weight") or mine.get("weight") or 0)),
                self_score=round_half_up(Decimal(mine.get("score", "0"))),
                final_score=round_half_up(Decimal(theirs.get("score", "0"))),
            )
        )
    return rows


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value)


def default_signatories(assessment: Assessment, tier: ReviewTier) -> list[Signatory]:
    """The tier's team on the sheet (lead first, then members), with the NIP of their profile
    where they have one; without a team, the tier's reviewers covering the unit."""
    review = (
        TierReview.objects.select_related("step", "assessment__unit")
        .filter(assessment=assessment, tier=tier)
        .first()
    )
    people: list[tuple[User, str]] = []
    team = team_for(review) if review is not None else None
    if team is not None:
        if team.lead is not None:
            people.append((team.lead, LEAD))
        people += [(u, MEMBER) for u in team.members.order_by("full_name", "username")]
    else:
        unit = assessment.unit
        rows = (
            RoleAssignment.objects.filter(
                review_tier=tier, role__in=[Role.REVIEWER, Role.NATIONAL_EVALUATOR]
            )
            .select_related("user", "unit")
            .order_by("user__full_name", "user__username")
        )
        for row in rows:
            covers = (
                row.unit is None
                or row.unit_id == unit.pk
                or (row.covers_subtree and unit.path.startswith(row.unit.path))
            )
            if covers and row.user.is_active:
                people.append((row.user, LEAD if not people else MEMBER))
    seen: set[int] = set()
    result = []
    for user, role in people:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        result.append(Signatory(user.display_name, user.nip, role))
    return result


def _findings(assessment: Assessment, tier: ReviewTier, spec: SheetSpec) -> list[Finding]:
    def title(code: str) -> str:
        item = spec.items.get(code)
        return text(item.question) if item is not None else ""

    found: list[Finding] = []
    comments = ItemComment.objects.filter(
        assessment=assessment,
        tier=tier,
        parent__isnull=True,
        kind__in=[CommentKind.TO_UNIT, CommentKind.MUST_FIX],
    ).order_by("item_code", "created_at", "id")
    for comment in comments:
        source = (
            _("Returned for correction")
            if comment.kind == CommentKind.MUST_FIX
            else _("Review note")
        )
        found.append(Finding(source, comment.item_code, title(comment.item_code), comment.body))
    sessions = DeskSession.objects.filter(assessment=assessment, tier=tier).order_by("starts_at")
    for note in DeskNote.objects.filter(session__in=sessions).order_by("item_code", "id"):
        found.append(
            Finding(_("Desk evaluation"), note.item_code, title(note.item_code), note.note)
        )
    for session in sessions:
        if session.outcome.strip():
            found.append(Finding(_("Desk evaluation"), "", "", session.outcome.strip()))
    review = TierReview.objects.filter(assessment=assessment, tier=tier).first()
    stage = getattr(review, "tpi_stage", None) if review is not None else None
    if stage is not None and stage.findings.strip():
        items = ", ".join(str(code) for code in stage.findings_items or [])
        found.append(Finding(_("TPI findings (stage 1)"), items, "", stage.findings.strip()))
    return found


def _recommendations(assessment: Assessment, tier: ReviewTier) -> list[str]:
    review = TierReview.objects.filter(assessment=assessment, tier=tier).first()
    if review is None:
        return []
    notes = [review.note.strip()] if review.note.strip() else []
    for sign_off in TierSignOff.objects.filter(review=review).order_by("at", "id"):
        if sign_off.note.strip() and sign_off.note.strip() not in notes:
            notes.append(sign_off.note.strip())
    return notes


def lhe_data(assessment: Assessment, tier: ReviewTier, lhe: Lhe | None = None) -> LheData:
    spec = sheet_spec(assessment.period.framework)
    unit_view, final = _views(assessment, tier)
    if lhe is not None:
        signatories = [
            Signatory(str(s.get("name", "")), str(s.get("nip", "")), str(s.get("role", MEMBER)))
            for s in lhe.signatories
        ]
    else:
        signatories = default_signatories(assessment, tier)
    totals = [
        ("Pengungkit", _round(unit_view.pengungkit), _round(final.pengungkit)),
        ("Hasil", _round(unit_view.hasil), _round(final.hasil)),
        (_("Total"), _round(unit_view.total), _round(final.final_total)),
    ]
    return LheData(
        assessment=assessment,
        unit=assessment.unit,
        tier=tier,
        lhe=lhe,
        number=lhe.number if lhe else "",
        issued_on=lhe.issued_on if lhe else timezone.localdate(),
        place=lhe.place if lhe else "",
        signatories=signatories,
        areas=_area_scores(spec, unit_view, final),
        totals=totals,
        verdict_passed=final.passed,
        findings=_findings(assessment, tier, spec),
        recommendations=_recommendations(assessment, tier),
    )


# --- writes ------------------------------------------------------------------------------


def _clean_signatories(rows: Sequence[Signatory]) -> list[dict[str, str]]:
    problems: list[Problem] = []
    cleaned = []
    for index, row in enumerate(rows):
        name, nip = row.name.strip(), row.nip.strip()
        if not name and not nip:
            continue
        if not name:
            message = _("Signatory %(n)s: enter the name.") % {"n": index + 1}
            problems.append(Problem("signatory_name_missing", message, f"name-{index}"))
            continue
        if not _NIP.match(nip) or not nip.replace(" ", ""):
            message = _("%(name)s: enter the NIP (digits only).") % {"name": name}
            problems.append(Problem("signatory_nip_invalid", message, f"nip-{index}"))
            continue
        role = LEAD if row.role == LEAD else MEMBER
        cleaned.append({"name": name[:160], "nip": nip.replace(" ", ""), "role": role})
    if not problems and not cleaned:
        message = _("Enter at least one signatory.")
        problems.append(Problem("no_signatories", message, "name-0"))
    if problems:
        raise ValidationFailed(problems[0].message, problems=problems)
    return cleaned


def _next_number(agency: Unit, year: int) -> int:
    DocumentSequence.objects.get_or_create(agency=agency, year=year, kind=SEQUENCE_KIND)
    sequence = DocumentSequence.objects.select_for_update().get(
        agency=agency, year=year, kind=SEQUENCE_KIND
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def format_number(lhe_fields: dict[str, Any]) -> str:
    try:
        return number_format().format(**lhe_fields)
    except (KeyError, IndexError, ValueError):
        return DEFAULT_NUMBER_FORMAT.format(**lhe_fields)


def lhe_issue(
    *,
    actor: User,
    assessment: Assessment,
    tier: ReviewTier,
    signatories: Sequence[Signatory],
    place: str = "",
    issued_on: dt.date | None = None,
) -> Lhe:
    """Issue the tier's LHE on the sheet (taking its number), or change the signatories,
    place and date of the one issued. Bad input changes nothing."""
    cleaned = _clean_signatories(signatories)
    place = place.strip()[:120]
    with transaction.atomic():
        lhe = Lhe.objects.select_for_update().filter(assessment=assessment, tier=tier).first()
        if lhe is not None:
            before = {"signatories": lhe.signatories, "place": lhe.place}
            lhe.signatories, lhe.place = cleaned, place
            if issued_on is not None:
                lhe.issued_on = issued_on
            lhe.save(update_fields=["signatories", "place", "issued_on", "updated_at"])
            audit_record(
                actor=actor,
                action="lhe.updated",
                target=lhe,
                unit=assessment.unit,
                details={"number": lhe.number, "before": before, "signatories": cleaned},
            )
            return lhe
        agency = _agency_of(assessment, tier)
        year = assessment.period.year
        number = _next_number(agency, year)
        formatted = format_number(
            {
                "number": number,
                "agency": agency.short_name or agency.code,
                "year": year,
                "unit": assessment.unit.code,
                "tier": tier.code.upper(),
            }
        )
        lhe = Lhe.objects.create(
            assessment=assessment,
            tier=tier,
            agency=agency,
            year=year,
            sequence=number,
            number=formatted,
            issued_on=issued_on or timezone.localdate(),
            place=place,
            signatories=cleaned,
            issued_by=actor,
        )
        audit_record(
            actor=actor,
            action="lhe.issued",
            target=lhe,
            unit=assessment.unit,
            details={"number": formatted, "tier": tier.code, "signatories": cleaned},
        )
    return lhe


def lhe_signed_upload(*, actor: User, lhe: Lhe, upload: File) -> Lhe:
    """Keep the signed copy of an issued LHE (a PDF, checked from its bytes); a later upload
    replaces the earlier one (both stay in the audit trail with their SHA-256)."""
    checked = check_file(upload)
    if checked.extension != "pdf" or checked.content_type != "application/pdf":
        message = _("The signed copy must be a PDF file.")
        raise ValidationFailed(message, problems=[Problem("not_pdf", message, "file")])
    key = default_storage.save(
        f"lhe/{lhe.pk}/{checked.sha256[:16]}-{checked.name}", File(upload, name=checked.name)
    )
    with transaction.atomic():
        locked = Lhe.objects.select_for_update().get(pk=lhe.pk)
        previous = {"sha256": locked.signed_sha256, "name": locked.signed_name}
        locked.signed_file = key
        locked.signed_name = checked.name
        locked.signed_size = checked.size
        locked.signed_sha256 = checked.sha256
        locked.signed_by = actor
        locked.signed_at = timezone.now()
        locked.save(
            update_fields=[
                "signed_file",
                "signed_name",
                "signed_size",
                "signed_sha256",
                "signed_by",
                "signed_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="lhe.signed_uploaded",
            target=locked,
            unit=lhe.assessment.unit,
            details={
                "number": locked.number,
                "file": checked.name,
                "sha256": checked.sha256,
                "size": checked.size,
                "previous": previous,
            },
        )
    return locked
