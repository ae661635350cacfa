"""Reads of the proposal part: the agency's period and proposal of a year, the units the TPI
panel recommended with their TPI score, and every reason a proposal may not go to the TPN
yet (per unit, so the page and the API name each unit and what stops it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from zona.accounts.models import Unit
from zona.assessments.models import Assessment, Period
from zona.assessments.selectors.scores import EFFECTIVE_KEY, stored_scores, tier_key
from zona.core.errors import Problem, Refusal
from zona.national.models import (
    Nomination,
    PredicateKind,
    Proposal,
    ProposalDocument,
    ProposalLine,
    ProposalStatus,
)
from zona.national.selectors.core import (
    held_kinds,
    is_candidate,
    program_year,
    revocation_block,
)
from zona.workflow.selectors.tpi import panel_recommended, tpi_step


def long_date(day: dt.date) -> str:
    """A date as people write it in a letter, in the active language (20 Agustus 2027)."""
    return formats.date_format(day, "j F Y")


def agency_period(agency: Unit, year: int) -> Period | None:
    """The agency's assessment period of `year` whose TPI recommends units: the one with a
    TPI step when several exist, else the latest."""
    periods = list(
        Period.objects.select_related("framework", "agency")
        .filter(agency=agency, year=year)
        .order_by("-pk")
    )
    for period in periods:
        if tpi_step(period) is not None:
            return period
    return periods[0] if periods else None


def current_proposal(agency: Unit, year: int) -> Proposal | None:
    """The proposal a page of the year opens: the draft if there is one, else the latest."""
    rows = Proposal.objects.select_related("agency", "period", "period__framework").filter(
        agency=agency, year=year
    )
    return rows.filter(status=ProposalStatus.DRAFT).first() or rows.order_by("-pk").first()


def other_proposals(agency: Unit, year: int, shown: Proposal | None) -> list[Proposal]:
    """The year's other proposals of the agency (earlier ones, withdrawn ones)."""
    rows = Proposal.objects.filter(agency=agency, year=year).order_by("-pk")
    if shown is not None:
        rows = rows.exclude(pk=shown.pk)
    return list(rows)


def target_of(assessment: Assessment) -> str:
    """The sheet's target as a predicate kind (the sheet stores "wbk"/"wbbm")."""
    return str(assessment.target).upper()


def tpi_scores(period: Period, assessment_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """Each sheet's total in the TPI tier's view (the effective view when the TPI has no
    layer of its own), in one query."""
    ids = list(assessment_ids)
    step = tpi_step(period)
    key = tier_key(step.tier_id) if step is not None else EFFECTIVE_KEY
    views = stored_scores(ids, keys=[key, EFFECTIVE_KEY])
    result: dict[int, Decimal | None] = {}
    for pk in ids:
        mine = views.get(pk, {})
        view = mine.get(key) or mine.get(EFFECTIVE_KEY)
        result[pk] = view.total if view is not None else None
    return result


@dataclass
class RecommendedRow:
    """A unit the TPI panel recommended, as the draft's check box list shows it."""

    assessment: Assessment
    target: str
    tpi_score: Decimal | None
    chosen: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def unit(self) -> Unit:
        return self.assessment.unit


def recommended_rows(period: Period | None, proposal: Proposal | None) -> list[RecommendedRow]:
    """The TPI panel's recommended sheets, plus any sheet the proposal lists that is no
    longer recommended (so the page shows why it cannot go)."""
    recommended = panel_recommended(period) if period is not None else []
    chosen: dict[int, ProposalLine] = {}
    if proposal is not None:
        chosen = {
            line.assessment_id: line
            for line in ProposalLine.objects.filter(proposal=proposal).select_related(
                "assessment__unit", "assessment__period"
            )
        }
    sheets = {a.pk: a for a in recommended}
    for pk, line in chosen.items():
        sheets.setdefault(pk, line.assessment)
    scores = tpi_scores(period, sheets) if period is not None else {}
    rows = [
        RecommendedRow(
            assessment=a,
            target=chosen[a.pk].target if a.pk in chosen else target_of(a),
            tpi_score=scores.get(a.pk),
            chosen=a.pk in chosen,
        )
        for a in sheets.values()
    ]
    rows.sort(key=lambda r: r.assessment.unit.code)
    if proposal is not None:
        # A draft's every line, else the units left out (why they could not go today).
        draft = proposal.status == ProposalStatus.DRAFT
        asked = [(r.assessment, r.target) for r in rows if draft or not r.chosen]
        by_unit = _unit_problems(proposal, asked, timezone.localdate())
        for r in rows:
            r.problems = by_unit.get(r.assessment.pk, [])
    return rows


def _unit_problems(
    proposal: Proposal, lines: Sequence[tuple[Assessment, str]], today: dt.date
) -> dict[int, list[Problem]]:
    """Assessment id -> what stops its unit from being proposed in `proposal`."""
    year = proposal.year
    recommended = {a.pk for a in panel_recommended(proposal.period)}
    unit_ids = [a.unit_id for a, _target in lines]
    held = held_kinds(unit_ids, today)
    nominated = set(
        Nomination.objects.filter(unit_id__in=unit_ids, year=year)
        .exclude(proposal=proposal)
        .values_list("unit_id", flat=True)
    )
    result: dict[int, list[Problem]] = {}
    for assessment, target in lines:
        unit = assessment.unit
        values = {"unit": unit.name, "year": year}
        found: list[Problem] = []
        if not is_candidate(unit, year):
            found.append(
                Problem(
                    "not_candidate",
                    _("%(unit)s is not a candidate for %(year)s.") % values,
                    field=unit.code,
                )
            )
        blocked = revocation_block(unit, today)
        if blocked is not None:
            found.append(
                Problem(
                    "revocation_block",
                    _("%(unit)s is blocked until %(date)s after a revoked predicate.")
                    % {**values, "date": long_date(blocked)},
                    field=unit.code,
                )
            )
        if target == PredicateKind.WBBM and PredicateKind.WBK not in held.get(unit.pk, ()):
            found.append(
                Problem(
                    "wbbm_without_wbk",
                    _("%(unit)s aims at WBBM but does not hold a WBK.") % values,
                    field=unit.code,
                )
            )
        if assessment.pk not in recommended:
            found.append(
                Problem(
                    "not_recommended",
                    _("%(unit)s is not recommended by a confirmed TPI panel.") % values,
                    field=unit.code,
                )
            )
        if unit.pk in nominated:
            found.append(
                Problem(
                    "already_nominated",
                    _("%(unit)s is already nominated for %(year)s.") % values,
                    field=unit.code,
                )
            )
        if found:
            result[assessment.pk] = found
    return result


def submit_problems(proposal: Proposal, today: dt.date) -> list[Problem]:
    """Every reason the proposal may not be submitted on `today` (empty: it may)."""
    found: list[Problem] = []
    deadline = program_year(proposal.year).proposal_deadline
    if today > deadline:
        found.append(
            Problem(
                "deadline_passed",
                _("Proposals for %(year)s closed on %(date)s.")
                % {"year": proposal.year, "date": long_date(deadline)},
            )
        )
    if not proposal.letter_number.strip():
        found.append(
            Problem("letter_number", _("Fill in the letter number."), field="letter_number")
        )
    if proposal.letter_date is None:
        found.append(Problem("letter_date", _("Fill in the letter date."), field="letter_date"))
    if not proposal.signer_name.strip() or not proposal.signer_title.strip():
        found.append(
            Problem(
                "signer",
                _("Fill in who signs the letter and their position."),
                field="signer_name",
            )
        )
    lines = list(ProposalLine.objects.filter(proposal=proposal).select_related("assessment__unit"))
    if not lines:
        found.append(Problem("no_units", _("Choose at least one unit.")))
    by_unit = _unit_problems(proposal, [(line.assessment, line.target) for line in lines], today)
    for line in lines:
        found.extend(by_unit.get(line.assessment_id, []))
    return found


def refusal_of(problems: Sequence[Problem]) -> Refusal | None:
    """The problems as one refusal: the first one's code, every message."""
    if not problems:
        return None
    return Refusal(problems[0].code, " ".join(str(p.message) for p in problems))


def withdraw_problem(proposal: Proposal) -> Problem | None:
    """A submitted proposal may be withdrawn only while the TPN has not moved any of its
    nominations past the administrative selection."""
    from zona.national.models import NominationStatus

    moved = proposal.nominations.exclude(status=NominationStatus.ADMIN).select_related("unit")
    first = moved.first()
    if first is None:
        return None
    return Problem(
        "tpn_started",
        _("The TPN has already moved %(unit)s past the administrative selection.")
        % {"unit": first.unit.name},
    )


def documents_of(proposal: Proposal) -> list[ProposalDocument]:
    """The package in reading order: the letter, the SPTJM, then each unit's LKE."""
    from zona.national.models import DocumentKind

    order = {kind: n for n, kind in enumerate(DocumentKind.values)}
    rows = ProposalDocument.objects.filter(proposal=proposal).select_related("unit")
    return sorted(rows, key=lambda d: (order.get(d.kind, 99), d.unit.code if d.unit else "", d.pk))


def proposals_of(agency: Unit) -> list[Proposal]:
    return list(
        Proposal.objects.filter(agency=agency).select_related("period").order_by("-year", "-pk")
    )


def lines_of(proposal: Proposal) -> list[ProposalLine]:
    return list(
        ProposalLine.objects.filter(proposal=proposal).select_related("unit").order_by("unit__code")
    )


def saved_years() -> set[int]:
    from zona.national.models import ProgramYear

    return set(ProgramYear.objects.values_list("year", flat=True))
