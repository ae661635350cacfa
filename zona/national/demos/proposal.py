"""The proposal part's demo (issue 11 §2), after the candidacy and history demos: KPM's 2026
sheets of every NOMINATED unit (cast.py) answered by their heads and reviewed by the TPI, a
confirmed TPI panel of 12 May 2026 that recommends them (and KPM-PZN-GWA, whose WBK was
revoked: its proposal is refused "diblokir sampai 20 Agustus 2027"), and KPM's proposal
letter of 20 May 2026 submitted by the agency head with every NOMINATED unit. Its
nominations wait at "admin"; the TPN part's demo moves them on.

What goes through the services: the sheets, the units' answers and submission, the TPI's
answers and its stage 1 closed without findings, the proposal (draft, letter, units, package,
submission as on 20 May). Written directly, to keep `make run` quick and independent of the
TPI's gates (each needs recorded facts per sheet): the panel meeting and its decisions, as
confirmed minutes. Idempotent: each step runs only when its result is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation

from zona.accounts.access import forget_assignments
from zona.accounts.demo import DEMO_PASSWORD
from zona.accounts.models import Role, Unit, User
from zona.accounts.services import role_assign, user_create
from zona.assessments.models import Assessment, AssessmentStatus, Period
from zona.core.errors import ZonaError
from zona.national.demos.cast import BLOCKED_CANDIDATE, NOMINATED, YEAR
from zona.national.models import Nomination, Proposal, ProposalStatus
from zona.workflow.models import PanelStatus, StageStatus, TpiDecision, TpiPanel
from zona.workflow.selectors.tpi import tpi_step

log = logging.getLogger(__name__)
JAKARTA = ZoneInfo("Asia/Jakarta")
AGENCY_HEAD = ("sekjen.kpm", "Dr. Bambang Wicaksono, M.Si.")
LETTER: dict[str, Any] = {
    "letter_number": "B-245/SJ/ZI.01/V/2026",
    "letter_date": dt.date(YEAR, 5, 20),
    "signer_name": "Dr. Bambang Wicaksono, M.Si.",
    "signer_nip": "196805121994031002",
    "signer_title": "Sekretaris Jenderal Kementerian Pelayanan Masyarakat",
}
PANEL_TITLE = f"Rapat Pleno TPI {YEAR}: usulan unit ke TPN"
PANEL_DAY = dt.date(YEAR, 5, 12)
SUBMITTED_AT = dt.datetime(YEAR, 5, 20, 10, 0, tzinfo=JAKARTA)
NO_FINDINGS = "Lembar kerja dan data dukung sudah memadai; tidak ada temuan tahap 1."


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA)


def _agency_head(ctx: Any) -> User | None:
    username, name = AGENCY_HEAD
    user = ctx.users.get(username) or User.objects.filter(username=username).first()
    admin = ctx.users.get("admin")
    if user is None and admin is not None:
        user = user_create(
            actor=admin,
            username=username,
            email=f"{username}@kpm.example.go.id",
            full_name=name,
            home_unit=ctx.agency,
            password=None,
            send_welcome=False,
        )
        # A demo login like the others (printed by `make run`).
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        role_assign(actor=admin, user=user, role=Role.UNIT_HEAD, unit=ctx.agency)
        forget_assignments(user)
    if user is not None:
        ctx.users[username] = user
    return user


def _unit_head(ctx: Any, unit: Unit) -> User | None:
    """The unit's head (the candidacy demo made one for every candidate)."""
    from zona.accounts.models import RoleAssignment

    row = (
        RoleAssignment.objects.filter(unit=unit, role=Role.UNIT_HEAD, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if row is not None:
        return row.user
    from zona.workflow.demos.reviews import _head

    return _head(ctx, unit.code, "kepala." + unit.code.rsplit("-", 1)[-1].lower(), unit.name)


def _sheets(ctx: Any, period: Period, units: dict[str, Unit]) -> dict[str, Assessment]:
    from zona.assessments.services.periods import assessment_create_many

    admin = ctx.users.get("admin.kpm")
    wanted = {code: NOMINATED[code][0] if code in NOMINATED else "WBK" for code in units}
    missing = {
        units[code]: target.lower()
        for code, target in wanted.items()
        if not Assessment.objects.filter(period=period, unit=units[code]).exists()
    }
    if missing and admin is not None:
        assessment_create_many(actor=admin, period=period, targets=missing)
    return {
        a.unit.code: a
        for a in Assessment.objects.select_related("period__framework", "unit").filter(
            period=period, unit__in=units.values()
        )
    }


def _through_the_tpi(ctx: Any, sheet: Assessment) -> None:
    """The unit answers and submits; the TPI answers and closes stage 1 without findings."""
    from zona.workflow.demos.reviews import review_of, tier_answers, unit_answers, unit_evidence
    from zona.workflow.services.sheet import sheet_submit
    from zona.workflow.services.tpi import stage_ensure, tpi_skip_findings

    head = _unit_head(ctx, sheet.unit)
    reviewer = ctx.users.get("reviewer.tpi")
    tier = ctx.tiers.get("tpi")
    if head is None or reviewer is None or tier is None:
        return
    if sheet.status == AssessmentStatus.DRAFT and not sheet.tier_reviews.exists():
        unit_answers(head, sheet)
        unit_evidence(head, sheet)
        sheet = sheet_submit(actor=head, assessment=sheet)
    review = review_of(sheet, "tpi")
    if review is None or review.status != "open":
        return
    tier_answers(reviewer, sheet, tier, None)
    stage = stage_ensure(review)
    if stage.status == StageStatus.FINDINGS:
        tpi_skip_findings(actor=reviewer, review=review, reason=NO_FINDINGS)


def _panel(ctx: Any, period: Period, sheets: list[Assessment]) -> None:
    """The TPI's confirmed minutes recommending the sheets (written directly: see above),
    and each sheet's stage decided through the TPI stage's table."""
    from zona.workflow.engine import apply
    from zona.workflow.models import TpiStage
    from zona.workflow.tables.tpi import TPI_STAGE

    step = tpi_step(period)
    chair = ctx.users.get("reviewer.tpi")
    if step is None or chair is None:
        return
    panel = TpiPanel.objects.filter(period=period, title=PANEL_TITLE).first()
    if panel is None:
        panel = TpiPanel.objects.create(
            period=period,
            step=step,
            status=PanelStatus.CONFIRMED,
            title=PANEL_TITLE,
            held_on=PANEL_DAY,
            place="Ruang Rapat Inspektorat Jenderal",
            chair=chair,
            minutes=(
                "Rapat pleno TPI membahas hasil penilaian unit kerja Direktorat Jenderal "
                "Pelayanan Perizinan dan Balai Harta Peninggalan Surabaya, dan memutuskan "
                "mengusulkan unit-unit tersebut kepada TPN."
            ),
            created_by=chair,
            confirmed_by=chair,
            confirmed_at=_at(PANEL_DAY, 15),
        )
        panel.present.set([chair])
    for sheet in sheets:
        decision = TpiDecision.objects.filter(panel=panel, assessment=sheet).first()
        if decision is None:
            decision = TpiDecision.objects.create(
                panel=panel,
                assessment=sheet,
                propose=True,
                reason="Nilai dan syarat memenuhi untuk diusulkan ke TPN.",
                decided_by=chair,
                decided_at=_at(PANEL_DAY, 14),
            )
        stage = (
            TpiStage.objects.select_related("review__assessment__unit", "review__tier")
            .filter(review__step=step, review__assessment=sheet)
            .first()
        )
        if stage is not None and stage.status == StageStatus.DECIDING:
            apply(
                TPI_STAGE,
                stage,
                "decide",
                chair,
                now=_at(PANEL_DAY, 15),
                tier=step.tier,
                reason=decision.reason,
                data={"panel": panel.pk, "propose": True},
            )
        # The panel decided: the TPI records its gates (the recorded facts as the reports
        # gave them; a computed gate the TPI view misses is let through with the plenary's
        # reason) and completes its review, forwarding the sheet: the chain ends there and
        # the proposal to the TPN follows.
        review = stage.review if stage is not None else None
        if review is not None and review.status == "open":
            from zona.workflow.models import GateKind
            from zona.workflow.selectors.tpi import evaluate_gates
            from zona.workflow.services.reviews import review_complete
            from zona.workflow.services.tpi import FactInput, tpi_fact_record, tpi_override

            gates = evaluate_gates([sheet], step.tier).get(sheet.pk)
            for result in gates.blocking if gates is not None else []:
                if result.gate.kind == GateKind.RECORDED:
                    tpi_fact_record(
                        actor=chair,
                        review=review,
                        gate=result.gate,
                        data=FactInput(
                            value=result.gate.required, source="Laporan unit, diverifikasi TPI"
                        ),
                    )
                else:
                    tpi_override(
                        actor=chair,
                        review=review,
                        gate=result.gate,
                        reason="Dikecualikan rapat pleno TPI Mei 2026 (lihat notulen).",
                    )

            review_complete(
                actor=chair,
                review=review,
                recommendation="forward",
                note=decision.reason,
            )


def _proposal(ctx: Any, period: Period, sheets: dict[str, Assessment]) -> None:
    from zona.national.services.proposal import (
        ProposalInput,
        proposal_create,
        proposal_delete,
        proposal_submit,
        proposal_update,
    )

    head = _agency_head(ctx)
    if head is None:
        return
    chosen = [sheets[code].pk for code in NOMINATED if code in sheets]
    if (
        not Proposal.objects.filter(
            agency=ctx.agency, year=YEAR, status=ProposalStatus.SUBMITTED
        ).exists()
        and not Nomination.objects.filter(assessment_id__in=chosen).exists()
    ):
        draft = Proposal.objects.filter(
            agency=ctx.agency, year=YEAR, status=ProposalStatus.DRAFT
        ).first() or proposal_create(actor=head, agency=ctx.agency, year=YEAR)
        draft = proposal_update(
            actor=head, proposal=draft, data=ProposalInput(**LETTER, assessment_ids=chosen)
        )
        proposal_submit(actor=head, proposal=draft, now=SUBMITTED_AT)
    # Trying KPM-PZN-GWA (recommended by the TPI, but its WBK was revoked) is refused with
    # the date the block ends; the page lists it with that reason. Nothing is kept.
    blocked = sheets.get(BLOCKED_CANDIDATE)
    if (
        blocked is None
        or Proposal.objects.filter(
            agency=ctx.agency, year=YEAR, status=ProposalStatus.DRAFT
        ).exists()
    ):
        return
    try:
        with transaction.atomic():
            trial = proposal_create(actor=head, agency=ctx.agency, year=YEAR)
            trial = proposal_update(
                actor=head,
                proposal=trial,
                data=ProposalInput(**LETTER, assessment_ids=[blocked.pk]),
            )
            proposal_submit(actor=head, proposal=trial, now=SUBMITTED_AT)
    except ZonaError as exc:
        log.info("demo: %s refused as expected: %s", BLOCKED_CANDIDATE, exc.problems)
    else:  # pragma: no cover - the block must refuse it
        raise AssertionError(f"{BLOCKED_CANDIDATE} was proposed despite its block")
    leftover = Proposal.objects.filter(
        agency=ctx.agency, year=YEAR, status=ProposalStatus.DRAFT
    ).first()
    if leftover is not None:
        proposal_delete(actor=head, proposal=leftover)


def load(ctx: Any) -> None:
    period = (
        Period.objects.select_related("framework", "agency")
        .filter(agency=ctx.agency, year=YEAR, title=f"PMPZI {YEAR}")
        .first()
    )
    if period is None or tpi_step(period) is None:
        return  # no framework or no TPI step: the workflow demos made none
    codes = [*NOMINATED, BLOCKED_CANDIDATE]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    with translation.override("id"), transaction.atomic():
        sheets = _sheets(ctx, period, units)
        for code in codes:
            if code in sheets:
                _through_the_tpi(ctx, sheets[code])
        sheets = {
            a.unit.code: a
            for a in Assessment.objects.select_related("period__framework", "unit").filter(
                pk__in=[s.pk for s in sheets.values()]
            )
        }
        _panel(ctx, period, [sheets[c] for c in codes if c in sheets])
        _proposal(ctx, period, sheets)
