"""Writing comments on items and marks on evidence files (issue 10 §4).

Reviewers open threads in their tier (to the unit, internal, must-fix) and mark each
evidence file of an item; the unit replies on the threads it can read; a reviewer of the
thread's tier resolves or reopens it. Every write is audited; a must-fix comment is handed
to the unit's operators and head, a unit reply to the tier's reviewers.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.accounts.access import review_tiers_for
from zona.accounts.models import ReviewTier, User
from zona.assessments.models import Assessment, AssessmentStatus, EvidenceLink, PeriodStatus
from zona.assessments.sheet import sheet_spec
from zona.audit.services import audit_record
from zona.core.errors import PermissionDenied, Problem, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models.comments import (
    CommentKind,
    EvidenceMark,
    EvidenceVerdict,
    ItemComment,
)
from zona.workflow.selectors.comments import (
    may_reply_as_unit,
    review_url,
    tier_reviewers,
    unit_people,
)

# Long enough for a paragraph of advice; a document belongs in the evidence library.
MAX_BODY = 4000


def _invalid(message: str, field: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, problems=[Problem(code, message, field)])


def _text(raw: str, field: str, *, required: str = "") -> str:
    """The trimmed text; `required` is the message when it may not be empty."""
    text = (raw or "").strip()
    if required and not text:
        raise _invalid(required, field, "required")
    if len(text) > MAX_BODY:
        raise _invalid(_("At most %(n)d characters, please.") % {"n": MAX_BODY}, field, "too_long")
    return text


def _reviewer_of(actor: User, assessment: Assessment, tier: ReviewTier) -> None:
    if not any(t.pk == tier.pk for t in review_tiers_for(actor, assessment.unit)):
        raise PermissionDenied(_("You do not review this unit in that tier."))


def _open_sheet(assessment: Assessment) -> None:
    if assessment.period.status == PeriodStatus.CLOSED:
        message = _("The period is closed; the sheet can no longer be changed.")
        raise StateError(message, problems=[Problem("period_closed", message)])
    if assessment.status == AssessmentStatus.DRAFT:
        message = _("Reviewers comment once the unit has submitted its sheet.")
        raise StateError(message, problems=[Problem("not_submitted", message)])


def _feedback_url(assessment: Assessment) -> str:
    return reverse("workflow:comments_feedback", args=[assessment.pk])


def _review_url(assessment: Assessment, tier: ReviewTier) -> str:
    return review_url(assessment.pk, tier.code)


def comment_add(
    *,
    actor: User,
    assessment: Assessment,
    item_code: str,
    tier: ReviewTier,
    kind: str,
    body: str,
) -> ItemComment:
    """A reviewer of the unit in `tier` starts a thread on an item of a submitted sheet."""
    _reviewer_of(actor, assessment, tier)
    if kind not in CommentKind.values:
        raise _invalid(_("Choose the kind of comment."), "kind")
    if item_code not in sheet_spec(assessment.period.framework).items:
        raise _invalid(_("Unknown item code: %(code)s.") % {"code": item_code}, "item_code")
    text = _text(body, "body", required=_("Write the comment first."))
    _open_sheet(assessment)
    with transaction.atomic():
        comment = ItemComment.objects.create(
            assessment=assessment,
            item_code=item_code,
            tier=tier,
            kind=kind,
            author=actor,
            body=text,
        )
        audit_record(
            actor=actor,
            action="comment.added",
            target=comment,
            unit=assessment.unit,
            details={"item": item_code, "tier": tier.code, "kind": kind},
        )
        if kind == CommentKind.MUST_FIX:
            handoffs.handoff(
                kind="comment.must_fix",
                recipients=unit_people(assessment.unit),
                params={
                    "unit": assessment.unit.name,
                    "period": assessment.period.title,
                    "tier": tier.name,
                    "item": item_code,
                },
                url=_feedback_url(assessment),
                key=f"comment-must-fix:{comment.pk}",
                actor=actor,
            )
    return comment


def comment_reply(*, actor: User, thread: ItemComment, body: str) -> ItemComment:
    """A reply on a thread: by a reviewer of the unit (any thread they read), or by the
    unit's people on a thread shown to the unit. A unit reply is handed to the tier."""
    assessment = thread.assessment
    if thread.parent_id is not None:
        raise _invalid(_("Reply to the first comment of the thread."), "parent")
    reviewer = bool(review_tiers_for(actor, assessment.unit))
    from_unit = not reviewer
    if from_unit and not (thread.visible_to_unit and may_reply_as_unit(actor, assessment)):
        raise PermissionDenied(_("You cannot reply on this comment."))
    text = _text(body, "body", required=_("Write the comment first."))
    if assessment.period.status == PeriodStatus.CLOSED:
        message = _("The period is closed; the sheet can no longer be changed.")
        raise StateError(message, problems=[Problem("period_closed", message)])
    with transaction.atomic():
        reply = ItemComment.objects.create(
            assessment=assessment,
            item_code=thread.item_code,
            tier=thread.tier,
            parent=thread,
            kind=thread.kind,
            from_unit=from_unit,
            author=actor,
            body=text,
        )
        audit_record(
            actor=actor,
            action="comment.replied",
            target=reply,
            unit=assessment.unit,
            details={"item": thread.item_code, "tier": thread.tier.code, "thread": thread.pk},
        )
        if from_unit:
            handoffs.handoff(
                kind="comment.unit_replied",
                recipients=tier_reviewers(assessment.unit, thread.tier),
                params={
                    "unit": assessment.unit.name,
                    "period": assessment.period.title,
                    "tier": thread.tier.name,
                    "item": thread.item_code,
                },
                url=_review_url(assessment, thread.tier),
                key=f"comment-reply:{reply.pk}",
                actor=actor,
            )
    return reply


def _settle(*, actor: User, comment: ItemComment, note: str, resolve: bool) -> ItemComment:
    if comment.parent_id is not None:
        raise _invalid(_("Only a thread is resolved, not a reply."), "comment")
    _reviewer_of(actor, comment.assessment, comment.tier)
    text = _text(note, "note")
    with transaction.atomic():
        locked = ItemComment.objects.select_for_update().get(pk=comment.pk)
        if locked.resolved == resolve:
            message = (
                _("This comment is already resolved.")
                if resolve
                else _("This comment is still open.")
            )
            code = "already_resolved" if resolve else "not_resolved"
            raise StateError(message, problems=[Problem(code, message)])
        locked.resolved_at = timezone.now() if resolve else None
        locked.resolved_by = actor if resolve else None
        locked.resolution_note = text
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
        audit_record(
            actor=actor,
            action="comment.resolved" if resolve else "comment.reopened",
            target=locked,
            unit=comment.assessment.unit,
            details={
                "item": locked.item_code,
                "tier": comment.tier.code,
                "kind": locked.kind,
                "note": text,
            },
        )
    locked.assessment = comment.assessment
    return locked


def comment_resolve(*, actor: User, comment: ItemComment, note: str = "") -> ItemComment:
    """Any reviewer of the unit in the thread's tier marks the thread resolved."""
    return _settle(actor=actor, comment=comment, note=note, resolve=True)


def comment_reopen(*, actor: User, comment: ItemComment, note: str = "") -> ItemComment:
    """A reviewer of the thread's tier opens a resolved thread again (the note says why)."""
    return _settle(actor=actor, comment=comment, note=note, resolve=False)


def evidence_mark(
    *, actor: User, link: EvidenceLink, tier: ReviewTier, verdict: str, note: str = ""
) -> EvidenceMark:
    """A reviewer of the unit in `tier` marks one evidence file of an item; the new mark
    supersedes the tier's earlier one, which stays in the history."""
    assessment = link.assessment
    _reviewer_of(actor, assessment, tier)
    if verdict not in EvidenceVerdict.values:
        raise _invalid(_("Choose accepted, insufficient or not relevant."), "verdict")
    if link.unlinked_at is not None:
        raise _invalid(_("This file is no longer attached to the item."), "link")
    text = _text(
        note,
        "note",
        required=""
        if verdict == EvidenceVerdict.ACCEPTED
        else _("Say what is missing or wrong with the file."),
    )
    _open_sheet(assessment)
    with transaction.atomic():
        mark = EvidenceMark.objects.create(
            link=link,
            assessment=assessment,
            tier=tier,
            verdict=verdict,
            note=text,
            marked_by=actor,
        )
        audit_record(
            actor=actor,
            action="evidence.marked",
            target=mark,
            unit=assessment.unit,
            details={
                "item": link.item_code,
                "link": link.pk,
                "tier": tier.code,
                "verdict": verdict,
            },
        )
    return mark
