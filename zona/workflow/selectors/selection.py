"""Reads of the selection part: who may see and decide a round, and its preview.

The preview ranks the sheets that reached the round's tier with the pure rule of
`zona.workflow.quota` on their stored scores (`StoredScore`, the tier's view), never
rescoring a sheet; it reads a constant number of queries whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import Perm, user_can
from zona.assessments.models import Period
from zona.assessments.selectors.scores import UNIT_KEY, StoredView, stored_scores, tier_key
from zona.core.api.params import int_or_none
from zona.workflow import quota
from zona.workflow.models import (
    ChainStep,
    ReviewTeam,
    TierReview,
    TierReviewStatus,
)
from zona.workflow.models.reviews import Recommendation
from zona.workflow.models.selection import (
    OverrideDecision,
    RoundGrouping,
    SelectionOverride,
    SelectionRound,
)

S = TierReviewStatus


# --- access -----------------------------------------------------------------------------------


def rounds_of(period: Period) -> list[SelectionRound]:
    return list(
        SelectionRound.objects.filter(period=period)
        .select_related("step__tier")
        .order_by("step__position")
    )


def is_round_admin(user: Any, rnd: SelectionRound) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user_can(user, Perm.PERIOD_MANAGE, rnd.period.agency)
    )


def is_round_lead(user: Any, rnd: SelectionRound) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ReviewTeam.objects.filter(step_id=rnd.step_id, lead_id=user.pk).exists()


def may_decide(user: Any, rnd: SelectionRound) -> bool:
    """The agency administrator or a team lead of the round's step."""
    return is_round_admin(user, rnd) or is_round_lead(user, rnd)


def _in_step_team(user: Any, step_id: int) -> bool:
    return (
        ReviewTeam.objects.filter(step_id=step_id)
        .filter(Q(lead_id=user.pk) | Q(controller_id=user.pk) | Q(members=user.pk))
        .exists()
    )


def access_round_by_id(user: Any, round_id: object) -> SelectionRound:
    """A round the user may see: the agency administrator's, or one of a step whose team
    the user is in (lead, controller or member). Anything else: 404."""
    pk = int_or_none(round_id)
    rnd = (
        SelectionRound.objects.select_related(
            "period__agency", "period__framework", "step__tier", "step__period"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if rnd is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if is_round_admin(user, rnd) or _in_step_team(user, rnd.step_id):
        return rnd
    raise Http404


def steps_without_round(period: Period) -> list[ChainStep]:
    return list(
        ChainStep.objects.filter(period=period, selection_round__isnull=True)
        .select_related("tier")
        .order_by("position")
    )


def next_step(step: ChainStep) -> ChainStep | None:
    return (
        ChainStep.objects.filter(period_id=step.period_id, position__gt=step.position)
        .select_related("tier")
        .order_by("position")
        .first()
    )


# --- the preview ------------------------------------------------------------------------------

# Why a sheet is not eligible (codes; the page and the API show `REASON_TEXT`).
NOT_COMPLETED = "review_not_completed"
NOT_FORWARDED = "not_forwarded"
PREDICATE_FAILED = "predicate_failed"
BELOW_PENGUNGKIT = "below_min_pengungkit"
BELOW_HASIL = "below_min_hasil"
EXCLUDED = "excluded"
INCLUDED = "included"
OVER_QUOTA = "over_quota"
WITHIN_QUOTA = "within_quota"


def reason_text(code: str, rnd: SelectionRound) -> str:
    texts = {
        NOT_COMPLETED: _("The review of this tier is not completed."),
        NOT_FORWARDED: _("The tier did not recommend forwarding the sheet."),
        PREDICATE_FAILED: _("The sheet does not meet %(target)s in this tier's view.")
        % {"target": rnd.get_target_display()},
        BELOW_PENGUNGKIT: _("Pengungkit below the minimum of %(min)s.")
        % {"min": rnd.min_pengungkit},
        BELOW_HASIL: _("Hasil below the minimum of %(min)s.") % {"min": rnd.min_hasil},
        EXCLUDED: _("Excluded by an override."),
        INCLUDED: _("Included by an override."),
        OVER_QUOTA: _("Eligible, but ranked below the group's quota."),
        WITHIN_QUOTA: _("Eligible and within the group's quota."),
    }
    return texts.get(code, code)


@dataclass
class Row:
    review: TierReview
    group: str
    view: StoredView | None
    rank: int = 0  # in its group, 1 = best
    overall: int = 0  # over all groups
    problems: list[str] = field(default_factory=list)  # not-eligible reason codes
    override: SelectionOverride | None = None
    selected: bool = False
    why: str = ""  # WITHIN_QUOTA, INCLUDED, EXCLUDED, OVER_QUOTA or the first problem

    @property
    def assessment(self) -> Any:
        return self.review.assessment

    @property
    def unit(self) -> Any:
        return self.review.assessment.unit

    @property
    def eligible(self) -> bool:
        return not self.problems

    @property
    def total(self) -> Decimal | None:
        return self.view.total if self.view else None

    @property
    def pengungkit(self) -> Decimal | None:
        return self.view.pengungkit if self.view else None

    @property
    def hasil(self) -> Decimal | None:
        return self.view.hasil if self.view else None


@dataclass
class Group:
    name: str
    applicants: int
    quota: int
    rows: list[Row]

    @property
    def selected(self) -> int:
        return sum(1 for r in self.rows if r.selected)


@dataclass
class Preview:
    round: SelectionRound
    groups: list[Group]
    pending: int  # applicants whose review of the tier is not completed yet

    @property
    def rows(self) -> list[Row]:
        return sorted((r for g in self.groups for r in g.rows), key=lambda r: r.overall)

    @property
    def applicants(self) -> int:
        return sum(g.applicants for g in self.groups)

    def as_result(self) -> dict[str, Any]:
        """The selection as it is frozen at confirmation (plain JSON)."""
        return {
            "groups": {
                g.name: {
                    "applicants": g.applicants,
                    "quota": g.quota,
                    "selected": [r.unit.code for r in g.rows if r.selected],
                }
                for g in self.groups
            },
            "rows": [
                {
                    "assessment": r.assessment.pk,
                    "review": r.review.pk,
                    "unit": r.unit.code,
                    "unit_name": r.unit.name,
                    "group": r.group,
                    "rank": r.rank,
                    "total": _s(r.total),
                    "pengungkit": _s(r.pengungkit),
                    "hasil": _s(r.hasil),
                    "eligible": r.eligible,
                    "problems": list(r.problems),
                    "selected": r.selected,
                    "why": r.why,
                }
                for r in self.rows
            ],
        }


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def applicants_of(rnd: SelectionRound) -> list[TierReview]:
    """The sheets that reached the round's tier: their review of the step has opened (open,
    returned, completed, or waiting again after sending it back), never closed."""
    return list(
        TierReview.objects.filter(step_id=rnd.step_id, opened_at__isnull=False)
        .exclude(status=S.CLOSED)
        .select_related("assessment__unit")
        .order_by("assessment__unit__code")
    )


def _groups_by_unit(rnd: SelectionRound, reviews: list[TierReview]) -> dict[int, str]:
    """Review id -> its group's name: the step's team covering the unit (the deepest), or
    the whole agency."""
    if rnd.grouping == RoundGrouping.AGENCY:
        name = rnd.period.agency.name
        return {r.pk: name for r in reviews}
    roots = [
        (team.name, root.path)
        for team in ReviewTeam.objects.filter(step_id=rnd.step_id).prefetch_related("units")
        for root in team.units.all()
    ]
    roots.sort(key=lambda t: -len(t[1]))
    no_team = _("(no team)")
    out: dict[int, str] = {}
    for review in reviews:
        path = review.assessment.unit.path
        out[review.pk] = next((name for name, root in roots if path.startswith(root)), no_team)
    return out


def _views(rnd: SelectionRound, reviews: list[TierReview]) -> dict[int, StoredView | None]:
    """Assessment id -> the sheet as the round's tier sees it: its tier's stored view, else
    that of the highest tier below it in the chain with a layer, else the unit's."""
    tier_ids = list(
        ChainStep.objects.filter(period_id=rnd.period_id, position__lte=rnd.step.position)
        .order_by("-position")
        .values_list("tier_id", flat=True)
    )
    keys = [tier_key(t) for t in tier_ids] + [UNIT_KEY]
    stored = stored_scores([r.assessment_id for r in reviews], keys=keys)
    out: dict[int, StoredView | None] = {}
    for review in reviews:
        have = stored.get(review.assessment_id, {})
        out[review.assessment_id] = next((have[k] for k in keys if k in have), None)
    return out


def _problems(rnd: SelectionRound, review: TierReview, view: StoredView | None) -> list[str]:
    found = []
    if review.status != S.COMPLETED:
        found.append(NOT_COMPLETED)
    elif review.recommendation != Recommendation.FORWARD:
        found.append(NOT_FORWARDED)
    verdict = (view.verdicts or {}).get(rnd.target) if view else None
    if not verdict or not verdict.get("passed"):
        found.append(PREDICATE_FAILED)
    if rnd.min_pengungkit is not None and (
        view is None or view.pengungkit is None or view.pengungkit < rnd.min_pengungkit
    ):
        found.append(BELOW_PENGUNGKIT)
    if rnd.min_hasil is not None and (
        view is None or view.hasil is None or view.hasil < rnd.min_hasil
    ):
        found.append(BELOW_HASIL)
    return found


_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def round_preview(rnd: SelectionRound) -> Preview:
    """The dry run: each group's applicants, quota and ranked sheets, selected or not and
    why, with the overrides applied. Six queries whatever the number of sheets."""
    reviews = applicants_of(rnd)
    groups = _groups_by_unit(rnd, reviews)
    views = _views(rnd, reviews)
    overrides = {
        o.assessment_id: o for o in SelectionOverride.objects.filter(round=rnd).select_related("by")
    }
    rows: dict[str, Row] = {}
    candidates = []
    for review in reviews:
        view = views.get(review.assessment_id)
        row = Row(
            review=review,
            group=groups[review.pk],
            view=view,
            problems=_problems(rnd, review, view),
            override=overrides.get(review.assessment_id),
        )
        code = review.assessment.unit.code
        rows[code] = row
        excluded = row.override is not None and row.override.decision == OverrideDecision.EXCLUDE
        candidates.append(
            quota.Candidate(
                unit=code,
                group=row.group,
                eligible=row.eligible and not excluded,
                total=float(view.total) if view else 0.0,
                pengungkit=float(view.pengungkit or 0) if view else 0.0,
                hasil=float(view.hasil or 0) if view else 0.0,
                submitted_at=review.assessment.submitted_at or _EPOCH,
            )
        )
    result = quota.select(
        quota.SelectionInput(
            quota_percent=rnd.quota_percent,
            rounding=quota.Rounding(rnd.rounding),
            min_per_group=rnd.min_per_group,
            candidates=candidates,
        )
    )
    chosen = set(result.selected)
    ranked = sorted(candidates, key=quota.rank_key)
    for overall, c in enumerate(ranked, start=1):
        rows[c.unit].overall = overall
    out: list[Group] = []
    for name, g in result.groups.items():
        members = sorted((rows[c.unit] for c in ranked if c.group == name), key=lambda r: r.overall)
        for rank, row in enumerate(members, start=1):
            row.rank = rank
            decision = row.override.decision if row.override else ""
            if decision == OverrideDecision.EXCLUDE:
                row.selected, row.why = False, EXCLUDED
            elif row.unit.code in chosen:
                row.selected, row.why = True, WITHIN_QUOTA
            elif decision == OverrideDecision.INCLUDE:
                row.selected, row.why = True, INCLUDED
            elif row.eligible:
                row.why = OVER_QUOTA
            else:
                row.why = row.problems[0]
        out.append(Group(name=name, applicants=g.applicants, quota=g.quota, rows=members))
    pending = sum(1 for r in reviews if r.status != S.COMPLETED)
    return Preview(round=rnd, groups=out, pending=pending)


def selection_passed(review: TierReview) -> bool:
    """Whether a round after `review`'s step lets the sheet through: no round, or a closed
    one that selected it. (The reviews part's `selection_allows_next` reads this.)"""
    rnd = SelectionRound.objects.filter(step_id=review.step_id).only("status", "result").first()
    if rnd is None:
        return True
    if rnd.status != "closed":
        return False
    return any(
        row.get("assessment") == review.assessment_id and row.get("selected")
        for row in (rnd.result or {}).get("rows", [])
    )


def closed_round_without(review: TierReview) -> SelectionRound | None:
    """The round after `review`'s step when it closed without this sheet among its rows (the
    tier completed the sheet after the round): the sheet can no longer be selected."""
    rnd = (
        SelectionRound.objects.filter(step_id=review.step_id, status="closed")
        .only("status", "result", "closed_at")
        .first()
    )
    if rnd is None:
        return None
    rows = (rnd.result or {}).get("rows", [])
    if any(row.get("assessment") == review.assessment_id for row in rows):
        return None
    return rnd


def today() -> dt.date:
    return timezone.localdate()


def overrides_of(rnd: SelectionRound) -> list[SelectionOverride]:
    return list(SelectionOverride.objects.filter(round=rnd).select_related("by"))


def access_override_by_id(rnd: SelectionRound, override_id: object) -> SelectionOverride:
    """An override of `rnd` (which the caller fetched through `access_round_by_id`); else 404."""
    pk = int_or_none(override_id)
    row = SelectionOverride.objects.filter(round=rnd, pk=pk).first() if pk else None
    if row is None:
        raise Http404
    return row


def round_fresh(rnd: SelectionRound) -> SelectionRound:
    """The round read again after a change (for the response)."""
    return SelectionRound.objects.select_related("period__agency", "step__tier").get(pk=rnd.pk)


def rounds_for_sheet(user: Any, assessment: Any) -> list[SelectionRound]:
    """The rounds after the steps of this sheet's chain that `user` may open (the agency
    administrator's all, a team member's those of their steps): for the review page."""
    if not getattr(user, "is_authenticated", False):
        return []
    rounds = list(
        SelectionRound.objects.filter(
            period_id=assessment.period_id, step__reviews__assessment=assessment
        )
        .select_related("period__agency", "step__tier")
        .order_by("step__position")
    )
    if not rounds or is_round_admin(user, rounds[0]):
        return rounds
    mine = set(
        ReviewTeam.objects.filter(step_id__in=[r.step_id for r in rounds])
        .filter(Q(lead_id=user.pk) | Q(controller_id=user.pk) | Q(members=user.pk))
        .values_list("step_id", flat=True)
    )
    return [r for r in rounds if r.step_id in mine]
