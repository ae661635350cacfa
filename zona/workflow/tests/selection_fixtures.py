"""Builders for the selection tests: sheets that reached the Kanwil tier of the chain world
with chosen stored scores, and a round at the Kanwil step."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zona.accounts.models import Role, Unit, User
from zona.accounts.services import role_assign, unit_create, user_create
from zona.accounts.testing import DEFAULT_PASSWORD
from zona.assessments.models import Assessment, StoredScore
from zona.assessments.selectors.scores import tier_key
from zona.assessments.tests.factories import make_assessment
from zona.workflow.models import TierReview, TierReviewStatus
from zona.workflow.models.selection import SelectionRound
from zona.workflow.services.reviews import review_complete
from zona.workflow.services.selection import RoundInput, round_create
from zona.workflow.tests.conftest import ChainWorld, fill_unit_answers, submit_sheet


def set_view(
    cw: ChainWorld,
    assessment: Assessment,
    total: str,
    pengungkit: str = "30",
    hasil: str = "30",
    *,
    passed: bool = True,
) -> None:
    """The sheet as Kanwil sees it (its stored view), as if scored so."""
    StoredScore.objects.update_or_create(
        assessment=assessment,
        key=tier_key(cw.tiers["kanwil"].pk),
        defaults={
            "tier": cw.tiers["kanwil"],
            "total": Decimal(total),
            "pengungkit": Decimal(pengungkit),
            "hasil": Decimal(hasil),
            "passed": passed,
            "verdicts": {"wbk": {"passed": passed, "failing": [] if passed else ["total"]}},
        },
    )


@dataclass
class Sel:
    cw: ChainWorld
    round: SelectionRound
    sheets: dict[str, Assessment] = field(default_factory=dict)  # by unit code

    def __getitem__(self, username: str) -> User:
        return self.cw[username]


def head_of(cw: ChainWorld, unit: Unit) -> User:
    admin = cw["sysadmin"]
    user = user_create(
        actor=admin,
        username=f"head_{unit.code.lower()}",
        email=f"head_{unit.code.lower()}@example.go.id",
        full_name=f"Kepala {unit.name}",
        home_unit=unit,
        password=DEFAULT_PASSWORD,
        send_welcome=False,
    )
    role_assign(actor=admin, user=user, role=Role.UNIT_HEAD, unit=unit)
    cw.world.users[user.username] = user
    return user


def submitted(cw: ChainWorld, unit: Unit) -> Assessment:
    assessment = make_assessment(cw.period, unit)
    fill_unit_answers_for(cw, assessment)
    return submit_sheet(head_of(cw, unit), assessment)


def fill_unit_answers_for(cw: ChainWorld, assessment: Assessment) -> None:
    if assessment.unit_id == cw.world.bandung.pk:
        fill_unit_answers(cw.world, assessment)


def make_round(cw: ChainWorld, **config: Any) -> SelectionRound:
    data = {"quota_percent": "50", "rounding": "up", "min_per_group": 1, **config}
    return round_create(
        actor=cw["agency_admin"],
        period=cw.period,
        step=cw.steps["kanwil"],
        data=RoundInput(**data),
    )


def complete(cw: ChainWorld, assessment: Assessment, recommendation: str = "forward") -> None:
    lead = (
        "jatim_reviewer"
        if assessment.unit.path.startswith(cw.world.kanwil_jatim.path)
        else ("kanwil_reviewer")
    )
    review_complete(
        actor=cw[lead],
        review=cw.review("kanwil", assessment),
        recommendation=recommendation,
        note="Cukup",
    )


def selection_world(cw: ChainWorld, **config: Any) -> Sel:
    """Bandung (submitted by the chain world), Bogor (Jabar) and Surabaya (Jatim) reach
    Kanwil; the round at Kanwil (50 %, up, min 1, per team) exists before they complete;
    all three complete with 'forward'. Scores: Bandung 80, Bogor 70, Surabaya 60 (pass)."""
    rnd = make_round(cw, **config)
    return Sel(cw=cw, round=rnd, sheets=reach_kanwil(cw))


def reach_kanwil(cw: ChainWorld) -> dict[str, Assessment]:
    """Bogor and Surabaya submit; the three sheets get their Kanwil view and complete."""
    sheets = {"KC-BDG": cw.assessment}
    sheets[cw.world.bogor.code] = submitted(cw, cw.world.bogor)
    sheets[cw.world.surabaya.code] = submitted(cw, cw.world.surabaya)
    scores = {"KC-BDG": "80", cw.world.bogor.code: "70", cw.world.surabaya.code: "60"}
    for code, assessment in sheets.items():
        set_view(cw, assessment, scores.get(code, "50"))
        complete(cw, assessment)
    return sheets


def many_applicants(cw: ChainWorld, n: int, *, start: int = 0) -> None:
    """`n` more units under the two Kanwil with a completed Kanwil review and a stored view,
    written directly (the query-count tests only read them)."""
    now = timezone.now()
    for i in range(start, start + n):
        parent = cw.world.kanwil_jabar if i % 2 else cw.world.kanwil_jatim
        unit = unit_create(
            actor=cw["sysadmin"],
            parent=parent,
            code=f"KC-X{i:03d}",
            name=f"Satker X{i:03d}",
            kind="satker",
        )
        assessment = Assessment.objects.create(
            period=cw.period, unit=unit, target="wbk", status="submitted", submitted_at=now
        )
        TierReview.objects.create(
            assessment=assessment,
            step=cw.steps["kanwil"],
            tier=cw.tiers["kanwil"],
            position=1,
            status=TierReviewStatus.COMPLETED,
            recommendation="forward",
            opened_at=now,
            completed_at=now,
        )
        set_view(cw, assessment, str(40 + i % 50))
