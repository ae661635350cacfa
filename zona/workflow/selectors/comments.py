"""Reads for reviewers' comments and evidence marks: who sees what, what is still open,
and who is told (issue 10 §4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse

from zona.accounts.access import (
    ROLE_PERMS,
    AnyUser,
    Perm,
    assignment_units,
    assignments_of,
    national_scope,
    review_tiers_for,
    user_can,
)
from zona.accounts.models import ReviewTier, Role, RoleAssignment, Unit, User
from zona.assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    AssessmentStatus,
    EvidenceLink,
    PeriodStatus,
)
from zona.assessments.selectors.submission import deadline_for
from zona.assessments.sheet import sheet_spec
from zona.workflow.models.chain import ChainStep
from zona.workflow.models.comments import (
    CommentKind,
    EvidenceMark,
    ItemComment,
    ItemCommentQuerySet,
)
from zona.workflow.models.reviews import TierReview, TierReviewStatus


def must_fix_open(review: Any) -> int:
    """Open must-fix comments of the review's tier on the review's sheet (a TierReview, or
    anything with `assessment_id` and `tier_id`): the tier cannot complete while any is."""
    return (
        ItemComment.objects.open_must_fix()
        .filter(assessment_id=review.assessment_id, tier_id=review.tier_id)
        .count()
    )


# --- who reads what ------------------------------------------------------------------------


def sees_internal(user: AnyUser, assessment: Assessment) -> bool:
    """Internal comments are for the reviewers of the unit (any tier of its chain)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return bool(review_tiers_for(user, assessment.unit))


def comments_visible_to(user: AnyUser, assessment: Assessment) -> ItemCommentQuerySet:
    """The sheet's comments this user may read (the sheet itself already authorised)."""
    qs = ItemComment.objects.filter(assessment=assessment)
    if not sees_internal(user, assessment):
        qs = qs.visible_to_unit()
    return qs.select_related("author", "resolved_by", "tier")


def may_reply_as_unit(user: AnyUser, assessment: Assessment) -> bool:
    return user_can(user, Perm.ASSESSMENT_EDIT, assessment.unit)


# --- per sheet, for the review page and the unit's feedback page ----------------------------


@dataclass
class Thread:
    comment: ItemComment
    replies: list[ItemComment] = field(default_factory=list)

    @property
    def open_must_fix(self) -> bool:
        return self.comment.kind == CommentKind.MUST_FIX and not self.comment.resolved


@dataclass(frozen=True)
class LinkMarks:
    """One evidence file of an item with each tier's latest mark and the earlier ones."""

    link: EvidenceLink
    latest: dict[int, EvidenceMark]  # tier id -> latest mark
    history: list[EvidenceMark]  # every mark, oldest first

    @property
    def title(self) -> str:
        return self.link.pinned_title or self.link.evidence.title


def threads_by_item(comments: Iterable[ItemComment]) -> dict[str, list[Thread]]:
    """Comments grouped in threads per item, in time order (one pass, no queries)."""
    threads: dict[int, Thread] = {}
    by_item: dict[str, list[Thread]] = defaultdict(list)
    replies: list[ItemComment] = []
    for comment in comments:
        if comment.parent_id is None:
            thread = Thread(comment)
            threads[comment.pk] = thread
            by_item[comment.item_code].append(thread)
        else:
            replies.append(comment)
    for reply in replies:
        if reply.parent_id in threads:
            threads[reply.parent_id].replies.append(reply)
    return dict(by_item)


def marks_by_item(assessment: Assessment) -> dict[str, list[LinkMarks]]:
    """The sheet's active evidence links per item with their marks: two queries."""
    links = list(
        EvidenceLink.objects.filter(assessment=assessment, unlinked_at__isnull=True)
        .select_related("evidence")
        .order_by("item_code", "linked_at", "id")
    )
    marks: dict[int, list[EvidenceMark]] = defaultdict(list)
    for mark in (
        EvidenceMark.objects.filter(assessment=assessment)
        .select_related("tier", "marked_by")
        .order_by("marked_at", "id")
    ):
        marks[mark.link_id].append(mark)
    out: dict[str, list[LinkMarks]] = defaultdict(list)
    for link in links:
        history = marks.get(link.pk, [])
        latest = {m.tier_id: m for m in history}  # later marks overwrite earlier ones
        out[link.item_code].append(LinkMarks(link, latest, history))
    return dict(out)


# --- hand-off recipients ---------------------------------------------------------------------


def _covering(unit: Unit) -> Q:
    """Assignments that reach `unit`: on it, or on an ancestor with its sub-tree."""
    ancestors = [unit.path[:n] for n in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return Q(unit=unit) | Q(covers_subtree=True, unit__path__in=ancestors)


def unit_people(unit: Unit) -> list[User]:
    """The unit's operators and head: who is told that a must-fix comment waits."""
    ids = RoleAssignment.objects.filter(
        _covering(unit), role__in=[Role.UNIT_OPERATOR, Role.UNIT_HEAD]
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def tier_reviewers(unit: Unit, tier: ReviewTier) -> list[User]:
    """The reviewers of `unit` in `tier`: who is told that the unit replied."""
    ids = RoleAssignment.objects.filter(
        _covering(unit) | Q(unit__isnull=True, role=Role.NATIONAL_EVALUATOR),
        review_tier=tier,
        role__in=[Role.REVIEWER, Role.NATIONAL_EVALUATOR],
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# --- the reviewer's work queue ---------------------------------------------------------------

# The queue's filters, in the order the page shows them: each keeps the rows where that count
# is above zero.
QUEUE_FILTERS = ("waiting", "reviewed", "differing", "returned", "revised")


@dataclass(frozen=True)
class QueueRow:
    """One sheet waiting for the user in one tier, with its counts per item."""

    assessment: Assessment
    tier: ReviewTier
    due: dt.date
    items: int
    # Items the tier answered in its layer.
    reviewed: int
    # Items where the tier's answer differs from the layer below it.
    differing: int
    # Items in the last return (all of them when the whole sheet went back).
    returned: int
    # Items the unit changed since the last return.
    revised: int
    # A chain step's review of the sheet (False: a period without a chain).
    chained: bool

    @property
    def waiting(self) -> int:
        return max(0, self.items - self.reviewed)

    def count(self, key: str) -> int:
        return int(getattr(self, key))

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


def _tier_scopes(user: AnyUser) -> dict[int, tuple[ReviewTier, Q]]:
    """Per review tier the user reviews in: the units (as a filter on assessments) they
    review in it, from their role assignments (read once per request)."""
    scopes: dict[int, tuple[ReviewTier, Q]] = {}
    for a in assignments_of(user):
        if a.review_tier is None or Perm.ASSESSMENT_REVIEW not in ROLE_PERMS.get(a.role, ()):
            continue
        # The units the assignment covers (a national evaluator's: the nominated ones);
        # which of their sheets wait for the tier is `_queue_for_tier`'s to say.
        part = assignment_units(a, prefix="unit__")
        if part is None:
            continue
        tier, q = scopes.get(a.review_tier.pk, (a.review_tier, None))
        if q is None or not part:
            scopes[tier.pk] = (tier, part)
        elif q:  # an empty Q already covers everything
            scopes[tier.pk] = (tier, q | part)
    return scopes


def _count(qs: QuerySet[Any], distinct: str = "") -> Subquery:
    """COUNT(*) (or COUNT(DISTINCT field)) of a correlated queryset, as one subquery."""
    if distinct:
        counter = Func(
            F(distinct), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)"
        )
    else:
        counter = Func(F("pk"), function="COUNT")
    return Subquery(qs.order_by().annotate(n=counter).values("n")[:1], output_field=IntegerField())


def _queue_for_tier(tier: ReviewTier, scope: Q) -> QuerySet[Assessment]:
    open_review = TierReview.objects.filter(
        assessment=OuterRef("pk"), tier=tier, status=TierReviewStatus.OPEN
    )
    chained = ChainStep.objects.filter(period=OuterRef("period"))
    mine = Answer.objects.filter(
        layer__assessment=OuterRef("pk"), layer__tier=tier, value__isnull=False
    )
    # Per item, the answer of the highest layer below the tier (the unit's is the lowest).
    below = (
        Answer.objects.filter(
            layer__assessment=OuterRef("layer__assessment"),
            item_code=OuterRef("item_code"),
            value__isnull=False,
        )
        .filter(Q(layer__tier__isnull=True) | Q(layer__tier__rank__lt=tier.rank))
        .order_by(F("layer__tier__rank").desc(nulls_last=True))
        .values("value")[:1]
    )
    differing = mine.annotate(
        mine_text=Cast("value", TextField()),
        below_text=Cast(Subquery(below), TextField()),
    ).filter(Q(below_text__isnull=True) | ~Q(mine_text=F("below_text")))
    revised = AnswerChange.objects.filter(
        assessment=OuterRef("pk"),
        layer__tier__isnull=True,
        changed_at__gt=OuterRef("returned_at"),
    )
    if tier.agency_id is None:
        # The national tier: a sheet waits while its nomination is at desk evaluation.
        waiting = Q(pk__in=national_scope().desk_sheet_ids())
    else:
        waiting = Exists(open_review) | (Q(status=AssessmentStatus.SUBMITTED) & ~Exists(chained))
    return (
        Assessment.objects.filter(scope, period__status=PeriodStatus.OPEN)
        .filter(waiting)
        .annotate(
            step_due=Subquery(open_review.values("step__closes_on")[:1]),
            n_reviewed=_count(mine),
            n_differing=_count(differing),
            n_revised=_count(revised, distinct="item_code"),
        )
        .select_related("unit", "period", "period__framework")
        .prefetch_related("period__deadlines")
    )


def _review_due(assessment: Assessment, tier: ReviewTier) -> dt.date:
    """Without a chain: the review deadline of the unit's tree level (a national tier is
    bound only by the period's close, as on the home page's task list)."""
    period = assessment.period
    if tier.agency_id is None:
        return period.closes_on
    deadline = deadline_for(period, assessment.unit.depth)
    return (deadline.review_deadline if deadline else None) or period.closes_on


def review_queue(user: AnyUser) -> list[QueueRow]:
    """The sheets waiting for the user in each tier they review, by due date.

    A sheet waits for a tier when the tier's review of it is open; in a period without a
    chain, when it is submitted. Two queries per tier the user reviews in, whatever the
    number of sheets: the counts are subqueries of the sheets' query.
    """
    rows = []
    for tier, scope in _tier_scopes(user).values():
        a: Any
        for a in _queue_for_tier(tier, scope):
            items = len(sheet_spec(a.period.framework).items)
            if a.returned_at is None:
                returned = 0
            else:
                returned = len(a.returned_items) if a.returned_items else items
            due = a.step_due or _review_due(a, tier)
            rows.append(
                QueueRow(
                    assessment=a,
                    tier=tier,
                    due=due,
                    items=items,
                    reviewed=a.n_reviewed or 0,
                    differing=a.n_differing or 0,
                    returned=returned,
                    revised=(a.n_revised or 0) if a.returned_at else 0,
                    chained=a.step_due is not None,
                )
            )
    rows.sort(key=lambda r: (r.due, r.assessment.unit.path, r.tier.rank, r.assessment.pk))
    return rows


def filter_queue(rows: list[QueueRow], show: str) -> list[QueueRow]:
    if show not in QUEUE_FILTERS:
        return rows
    return [r for r in rows if r.count(show) > 0]


def review_url(assessment_id: int, tier_code: str) -> str:
    """The review page of a sheet in a tier (the reviews part's page; the older one in
    assessments while that part is not in)."""
    for name in ("workflow:review_tier", "assessments:review_tier"):
        try:
            return reverse(name, args=[assessment_id, tier_code])
        except NoReverseMatch:
            continue
    return reverse("workflow:comments_feedback", args=[assessment_id])


def comment_with_people(comment_id: int) -> ItemComment:
    """A comment just written, with what its representation shows (its sheet is authorised)."""
    return ItemComment.objects.select_related("tier", "author", "resolved_by").get(pk=comment_id)


def sheet_marks(assessment: Assessment) -> list[EvidenceMark]:
    """Every mark on the sheet's evidence files, oldest first (the sheet is authorised)."""
    return list(
        EvidenceMark.objects.filter(assessment=assessment)
        .select_related("tier", "link", "marked_by")
        .order_by("marked_at", "id")
    )
