"""Reads of the desk part (desk evaluation, survey validation, assistance) and its access
functions: every page and endpoint fetches a sheet's sessions, validations and assistance
records through the `access_*` functions here (missing and forbidden give the same 404).

Who does what (docs: /tmp/s3/docs-desk.md):
- Any review tier that reviews the unit (the reviewer's own tier) holds desk sessions, runs
  its survey validation and gives assistance; each record belongs to that tier and only its
  reviewers change it. Assistance comes before submission too, so this does not wait for
  the tier to hold the sheet.
- The unit's people (anyone who sees the sheet) see the sessions' schedule, attendees,
  agenda and outcome, never the interview notes; they see the assistance advice and move
  its follow-up; they answer the survey questionnaire (survey.manage on the unit). The
  respondents' contacts and the confirmation links are for the tier's reviewers only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from zona.accounts.access import Perm, review_tiers_for, user_can
from zona.accounts.models import ReviewTier, Role, RoleAssignment, User
from zona.assessments.access import access_assessment_by_id
from zona.assessments.models import Assessment, PeriodStatus
from zona.assessments.sheet import ItemSpec, sheet_spec, takes_survey_index
from zona.core.api.params import int_or_none
from zona.workflow.models import (
    AssistanceRecord,
    ConfirmationRequest,
    DeskAttendee,
    DeskNote,
    DeskSession,
    SurveyValidation,
)

# --- who may do what --------------------------------------------------------------------


def desk_tiers_of(user: Any, assessment: Assessment) -> list[ReviewTier]:
    """The review tiers in which `user` reviews the sheet's unit (lowest rank first)."""
    return review_tiers_for(user, assessment.unit)


@dataclass(frozen=True)
class DeskRights:
    """What one user may do in the desk part of one sheet."""

    tiers: tuple[ReviewTier, ...]
    can_validate: bool
    can_answer_questionnaire: bool
    can_follow_up: bool
    period_open: bool

    @property
    def is_reviewer(self) -> bool:
        return bool(self.tiers)

    def tier(self, code: str | None = None) -> ReviewTier | None:
        """The tier named by `code` among the user's, else their first; None when none."""
        if code:
            return next((t for t in self.tiers if t.code == code), None)
        return self.tiers[0] if self.tiers else None

    def acts_in(self, tier_id: int) -> bool:
        return any(t.pk == tier_id for t in self.tiers)


def desk_rights(user: Any, assessment: Assessment) -> DeskRights:
    unit = assessment.unit
    tiers = tuple(desk_tiers_of(user, assessment))
    return DeskRights(
        tiers=tiers,
        can_validate=bool(tiers) and user_can(user, Perm.SURVEY_VALIDATE, unit),
        can_answer_questionnaire=user_can(user, Perm.SURVEY_MANAGE, unit),
        can_follow_up=user_can(user, Perm.ASSESSMENT_EDIT, unit),
        period_open=assessment.period.status != PeriodStatus.CLOSED,
    )


def access_desk_sheet(user: Any, assessment_id: object) -> tuple[Assessment, DeskRights]:
    """A sheet the user sees, with their desk rights; 404 otherwise."""
    assessment = access_assessment_by_id(user, assessment_id)
    return assessment, desk_rights(user, assessment)


def access_desk_session_by_id(user: Any, assessment: Assessment, session_id: object) -> DeskSession:
    """A session of an already-authorised sheet; else 404."""
    pk = int_or_none(session_id)
    session = (
        DeskSession.objects.select_related("tier", "created_by")
        .filter(pk=pk, assessment=assessment)
        .first()
        if pk is not None
        else None
    )
    if session is None:
        raise Http404
    session.assessment = assessment
    return session


def access_assistance_by_id(
    user: Any, assessment: Assessment, record_id: object
) -> AssistanceRecord:
    """An assistance record of an already-authorised sheet; else 404."""
    pk = int_or_none(record_id)
    record = (
        AssistanceRecord.objects.select_related("tier", "status_by", "created_by")
        .filter(pk=pk, assessment=assessment)
        .first()
        if pk is not None
        else None
    )
    if record is None:
        raise Http404
    record.assessment = assessment
    return record


def access_validation(
    user: Any, assessment: Assessment, tier: ReviewTier
) -> SurveyValidation | None:
    """The tier's validation of an already-authorised sheet, or None when not begun."""
    validation = (
        SurveyValidation.objects.select_related("tier", "campaign", "checked_by", "answered_by")
        .filter(assessment=assessment, tier=tier)
        .first()
    )
    if validation is not None:
        validation.assessment = assessment
    return validation


def confirmation_by_token(token: str) -> ConfirmationRequest | None:
    """The confirmation a public link names (no login: the token is the key), or None."""
    if not token or len(token) > 64:
        return None
    return (
        ConfirmationRequest.objects.select_related(
            "validation__assessment__unit", "validation__campaign__unit"
        )
        .filter(token=token)
        .first()
    )


# --- desk sessions ----------------------------------------------------------------------


def sessions_of(assessment: Assessment, *, with_notes: bool) -> list[DeskSession]:
    """The sheet's sessions in time order, with attendees (and notes when asked): 3 queries."""
    prefetch: list[Any] = [
        Prefetch("attendees", queryset=DeskAttendee.objects.select_related("user"))
    ]
    if with_notes:
        prefetch.append(Prefetch("notes", queryset=DeskNote.objects.select_related("updated_by")))
    sessions = list(
        DeskSession.objects.filter(assessment=assessment)
        .select_related("tier")
        .prefetch_related(*prefetch)
        .order_by("starts_at", "pk")
    )
    for s in sessions:
        s.assessment = assessment
    return sessions


def notes_by_item(assessment: Assessment) -> dict[str, list[DeskNote]]:
    """Item code -> interview notes of the sheet's sessions (one query)."""
    result: dict[str, list[DeskNote]] = {}
    for note in (
        DeskNote.objects.filter(session__assessment=assessment)
        .select_related("session", "session__tier")
        .order_by("session__starts_at", "pk")
    ):
        result.setdefault(note.item_code, []).append(note)
    return result


def unit_people(assessment: Assessment, *, area: str | None = None) -> list[User]:
    """The unit's operator, head and working-group members (of `area` when given): the
    people a desk hand-off goes to. One query."""
    rows = RoleAssignment.objects.filter(
        unit=assessment.unit,
        role__in=[Role.UNIT_OPERATOR, Role.UNIT_HEAD, Role.WORKING_GROUP],
        user__is_active=True,
    ).select_related("user")
    people: dict[int, User] = {}
    for a in rows:
        if a.role == Role.WORKING_GROUP and area and area not in (a.lke_areas or []):
            continue
        people[a.user.pk] = a.user
    return sorted(people.values(), key=lambda u: u.pk)


def attendee_choices(assessment: Assessment) -> list[User]:
    """Accounts a session may list: the unit's people (reviewers are added by name)."""
    return unit_people(assessment)


# --- survey validation ------------------------------------------------------------------


def survey_item_codes(assessment: Assessment) -> list[str]:
    """The items whose answer is a survey index (B.I.a IPAK, B.II.a IPKP in 90/2021)."""
    return [
        code
        for code, item in sheet_spec(assessment.period.framework).items.items()
        if takes_survey_index(item)
    ]


def survey_items(assessment: Assessment) -> list[ItemSpec]:
    spec = sheet_spec(assessment.period.framework)
    return [spec.items[code] for code in survey_item_codes(assessment)]


@dataclass(frozen=True)
class ConfirmationStats:
    sent: int
    answered: int
    served: int
    took_part: int
    confirmed: int

    @property
    def rate(self) -> int | None:
        """Confirmed (served and took part) per answered, in whole percent; None: no answer."""
        if not self.answered:
            return None
        return round(100 * self.confirmed / self.answered)


def confirmation_stats(validation_ids: list[int]) -> dict[int, ConfirmationStats]:
    """Validation id -> its confirmation counts (one query for all)."""
    counts: dict[int, Counter[str]] = {}
    rows = ConfirmationRequest.objects.filter(validation_id__in=validation_ids).values_list(
        "validation_id", "answered_at", "was_served", "took_part"
    )
    for vid, answered_at, served, took_part in rows:
        c = counts.setdefault(vid, Counter())
        c["sent"] += 1
        if answered_at is not None:
            c["answered"] += 1
            c["served"] += bool(served)
            c["took_part"] += bool(took_part)
            c["confirmed"] += bool(served and took_part)
    return {
        vid: ConfirmationStats(
            sent=counts.get(vid, Counter())["sent"],
            answered=counts.get(vid, Counter())["answered"],
            served=counts.get(vid, Counter())["served"],
            took_part=counts.get(vid, Counter())["took_part"],
            confirmed=counts.get(vid, Counter())["confirmed"],
        )
        for vid in validation_ids
    }


def validations_of(assessment: Assessment) -> list[SurveyValidation]:
    """Every tier's validation of the sheet, lowest tier first (one query)."""
    rows = list(
        SurveyValidation.objects.filter(assessment=assessment)
        .select_related("tier", "campaign", "checked_by", "answered_by")
        .order_by("tier__rank", "pk")
    )
    for v in rows:
        v.assessment = assessment
    return rows


def confirmations_of(validation: SurveyValidation) -> QuerySet[ConfirmationRequest]:
    """The validation's confirmation links with the drawn contact (reviewers only)."""
    return (
        ConfirmationRequest.objects.filter(validation=validation)
        .select_related("call", "call__contact")
        .order_by("call__position", "pk")
    )


def campaign_draws(campaign: Any) -> list[Any]:
    """The campaign's validation draws, newest first (surveys' rows; one query)."""
    from zona.surveys.models import ValidationDraw

    return list(ValidationDraw.objects.filter(campaign=campaign).order_by("-drawn_at", "-pk"))


def draw_of_campaign(campaign: Any, draw_id: object) -> Any:
    from zona.surveys.models import ValidationDraw

    pk = int_or_none(draw_id)
    return None if pk is None else ValidationDraw.objects.filter(pk=pk, campaign=campaign).first()


# --- assistance ---------------------------------------------------------------------------


def assistance_of(assessment: Assessment, *, status: str | None = None) -> list[AssistanceRecord]:
    """The sheet's assistance records (of one follow-up status when given): one query."""
    rows = AssistanceRecord.objects.filter(assessment=assessment).select_related(
        "tier", "status_by", "created_by"
    )
    if status:
        rows = rows.filter(status=status)
    result = list(rows.order_by("item_code", "tier__rank", "pk"))
    for r in result:
        r.assessment = assessment
    return result


def assistance_counts(assessment: Assessment) -> dict[str, int]:
    """Follow-up status -> number of the sheet's assistance records."""
    return dict(
        Counter(
            AssistanceRecord.objects.filter(assessment=assessment).values_list("status", flat=True)
        )
    )
