"""Reviewer tools (issue 10 §4): the work queue, comments on items, marks on evidence files,
and the unit's feedback page.

The review page (the reviews part) shows this part's `review_panel` and
`review_item_extras` (zona/workflow/panels.py); the forms there post to the endpoints below,
which answer an htmx request with the item's block again and any other request with a
redirect. Every object is fetched through the access functions: a sheet the user may not
see, or a comment they may not read, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zona.accounts.access import review_tiers_for
from zona.accounts.models import ReviewTier, User
from zona.assessments.access import (
    access_assessment_by_id,
    access_evidence_link_by_id,
    reviewer_tier,
)
from zona.assessments.models import Assessment
from zona.assessments.sheet import sheet_spec, text
from zona.core.api.params import int_or_none
from zona.core.errors import Problem, ZonaError
from zona.workflow.models.comments import CommentKind, EvidenceVerdict, ItemComment
from zona.workflow.selectors.comments import (
    QUEUE_FILTERS,
    Thread,
    comments_visible_to,
    filter_queue,
    marks_by_item,
    may_reply_as_unit,
    review_queue,
    review_url,
    sees_internal,
    threads_by_item,
)
from zona.workflow.services.comments import (
    comment_add,
    comment_reopen,
    comment_reply,
    comment_resolve,
    evidence_mark,
)

QUEUE_PAGE_SIZE = 25

TEMPLATES = "workflow/comments"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # behind login_required
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- per item blocks (the review page's extras and the endpoints' answers) -------------------


def _item_context(
    user: User,
    assessment: Assessment,
    tier: ReviewTier | None,
    threads: list[Thread],
    marks: list[Any],
    *,
    internal: bool,
    unit_side: bool,
) -> dict[str, Any]:
    tiers = review_tiers_for(user, assessment.unit)
    my_tier_ids = {t.pk for t in tiers}
    return {
        "assessment": assessment,
        "tier": tier,
        "threads": threads,
        "marks": [
            {
                "link": m.link,
                "title": m.title,
                "latest": sorted(m.latest.values(), key=lambda x: x.tier.rank),
                "history": m.history,
                "mine": m.latest.get(tier.pk) if tier else None,
            }
            for m in marks
        ],
        "my_tier_ids": my_tier_ids,
        "sees_internal": internal,
        "can_reply": bool(tiers) or unit_side,
        "kinds": CommentKind.choices,
        "verdicts": EvidenceVerdict.choices,
    }


def item_blocks(
    request: HttpRequest,
    assessment: Assessment,
    tier: ReviewTier | None,
    *,
    codes: list[str] | None = None,
    error: ZonaError | None = None,
) -> dict[str, str]:
    """HTML per item code: the threads, the marks per evidence file and, for a reviewer
    acting in `tier`, the forms. Three queries for the whole sheet."""
    user = _user(request)
    internal = sees_internal(user, assessment)
    threads = threads_by_item(comments_visible_to(user, assessment))
    marks = marks_by_item(assessment)
    unit_side = not internal and may_reply_as_unit(user, assessment)
    wanted = codes if codes is not None else list(sheet_spec(assessment.period.framework).items)
    out: dict[str, str] = {}
    for code in wanted:
        item_threads, item_marks = threads.get(code, []), marks.get(code, [])
        if tier is None and not item_threads and not item_marks:
            continue
        context = _item_context(
            user,
            assessment,
            tier,
            item_threads,
            item_marks,
            internal=internal,
            unit_side=unit_side,
        )
        context.update({"code": code, "error": error, "error_codes": _codes(error)})
        out[code] = render_to_string(f"{TEMPLATES}/_item.html", context, request=request)
    return out


def _codes(error: ZonaError | None) -> str:
    """The error's problem codes (or its class's code) for the page's data-error."""
    if error is None:
        return ""
    return " ".join(dict.fromkeys(p.code for p in error.problems)) or error.code


def review_item_extras(request: HttpRequest, assessment: Assessment, review: Any) -> dict[str, str]:
    """The review page's hook: comments and evidence marks under each item. `review` is the
    TierReview the user acts in (forms for its tier), or None (read only)."""
    tier = review.tier if review is not None else None
    return item_blocks(request, assessment, tier)


def review_panel(request: HttpRequest, assessment: Assessment, review: Any) -> str:
    """The review page's hook: how many must-fix comments are open, per tier (one query)."""
    user = _user(request)
    qs = comments_visible_to(user, assessment).threads()
    open_by_tier: dict[str, int] = {}
    open_to_unit = 0
    for comment in qs:
        if comment.resolved:
            continue
        if comment.kind == CommentKind.MUST_FIX:
            open_by_tier[comment.tier.name] = open_by_tier.get(comment.tier.name, 0) + 1
        elif comment.kind == CommentKind.TO_UNIT:
            open_to_unit += 1
    if not open_by_tier and not open_to_unit:
        return ""
    mine = review.tier.name if review is not None else ""
    return render_to_string(
        f"{TEMPLATES}/_panel.html",
        {
            "assessment": assessment,
            "open_by_tier": sorted(open_by_tier.items()),
            "mine_open": open_by_tier.get(mine, 0) if mine else 0,
            "mine": mine,
            "open_to_unit": open_to_unit,
        },
        request=request,
    )


# --- endpoints ---------------------------------------------------------------------------------


def _answer(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    tier: ReviewTier | None,
    error: ZonaError | None = None,
) -> HttpResponse:
    """An htmx request gets the item's block again (with the error, if any); a plain form
    post goes back to where it came from."""
    if _is_htmx(request):
        blocks = item_blocks(request, assessment, tier, codes=[code], error=error)
        return HttpResponse(blocks.get(code, ""))
    if error is not None:
        messages.error(request, _error_text(error), extra_tags=_codes(error))
    else:
        messages.success(request, _("Saved."))
    if review_tiers_for(_user(request), assessment.unit) and tier is not None:
        return redirect(review_url(assessment.pk, tier.code))
    return redirect(reverse("workflow:comments_feedback", args=[assessment.pk]))


def _error_text(exc: ZonaError) -> str:
    parts = [exc.message] if exc.message else []
    for problem in exc.problems:
        if problem.message and problem.message not in parts:
            parts.append(problem.message)
    return " ".join(parts)


def _acting_tier(request: HttpRequest, assessment: Assessment) -> ReviewTier | None:
    """The tier named in the form, which must be one the user reviews the unit in."""
    code = request.POST.get("tier") or None
    if code is None:
        return None
    return reviewer_tier(_user(request), assessment.unit, code)


def _thread_or_404(request: HttpRequest, assessment: Assessment, comment_id: int) -> ItemComment:
    """A comment of this sheet that the user may read (internal ones only for reviewers)."""
    comment = comments_visible_to(_user(request), assessment).filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    comment.assessment = assessment
    return comment


@login_required
@require_POST
def comment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(_user(request), pk)
    code = request.POST.get("item_code", "")
    tier = None
    try:
        tier = _acting_tier(request, assessment)
        if tier is None:
            message = _("Choose the tier you comment in.")
            raise ZonaError(message, problems=[Problem("no_tier", message, "tier")])
        comment_add(
            actor=_user(request),
            assessment=assessment,
            item_code=code,
            tier=tier,
            kind=request.POST.get("kind", ""),
            body=request.POST.get("body", ""),
        )
    except ZonaError as exc:
        return _answer(request, assessment, code, tier, exc)
    return _answer(request, assessment, code, tier)


def _on_thread(request: HttpRequest, pk: int, comment_id: int, action: str) -> HttpResponse:
    assessment = access_assessment_by_id(_user(request), pk)
    thread = _thread_or_404(request, assessment, comment_id)
    tier = None
    try:
        tier = _acting_tier(request, assessment)
        if action == "reply":
            comment_reply(actor=_user(request), thread=thread, body=request.POST.get("body", ""))
        elif action == "resolve":
            comment_resolve(actor=_user(request), comment=thread, note=request.POST.get("note", ""))
        else:
            comment_reopen(actor=_user(request), comment=thread, note=request.POST.get("note", ""))
    except ZonaError as exc:
        return _answer(request, assessment, thread.item_code, tier, exc)
    return _answer(request, assessment, thread.item_code, tier)


@login_required
@require_POST
def comment_reply_view(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    return _on_thread(request, pk, comment_id, "reply")


@login_required
@require_POST
def comment_resolve_view(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    return _on_thread(request, pk, comment_id, "resolve")


@login_required
@require_POST
def comment_reopen_view(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    return _on_thread(request, pk, comment_id, "reopen")


@login_required
@require_POST
def evidence_mark_view(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    link = access_evidence_link_by_id(_user(request), pk, link_id)
    assessment = link.assessment
    tier = None
    try:
        tier = _acting_tier(request, assessment)
        if tier is None:
            message = _("Choose the tier you mark in.")
            raise ZonaError(message, problems=[Problem("no_tier", message, "tier")])
        evidence_mark(
            actor=_user(request),
            link=link,
            tier=tier,
            verdict=request.POST.get("verdict", ""),
            note=request.POST.get("note", ""),
        )
    except ZonaError as exc:
        return _answer(request, assessment, link.item_code, tier, exc)
    return _answer(request, assessment, link.item_code, tier)


# --- the unit's feedback page -------------------------------------------------------------------


@login_required
@require_GET
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """What the reviewers told the unit: comments to the unit and must-fix items (open
    first), with replies, and the marks on its evidence files."""
    user = _user(request)
    assessment = access_assessment_by_id(user, pk)
    spec = sheet_spec(assessment.period.framework)
    blocks = item_blocks(request, assessment, None)
    threads = threads_by_item(comments_visible_to(user, assessment))
    rows: list[dict[str, Any]] = []
    for code in spec.items:
        if code not in blocks:
            continue
        item_threads = threads.get(code, [])
        rows.append(
            {
                "code": code,
                "question": text(spec.items[code].question),
                "html": blocks[code],
                "open_must_fix": sum(1 for t in item_threads if t.open_must_fix),
            }
        )
    rows.sort(key=lambda r: -int(r["open_must_fix"]))  # stable: sheet order within each group
    return render(
        request,
        f"{TEMPLATES}/feedback.html",
        {
            "assessment": assessment,
            "rows": rows,
            "open_must_fix": sum(r["open_must_fix"] for r in rows),
        },
    )


# --- the reviewer's work queue ------------------------------------------------------------------


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The sheets waiting for the user, by due date, with their counts; `?show=` keeps the
    rows where that count is above zero (htmx swaps the table only)."""
    rows = review_queue(_user(request))
    show = request.GET.get("show", "")
    show = show if show in QUEUE_FILTERS else ""
    shown = filter_queue(rows, show)
    number = int_or_none(request.GET.get("page"), minimum=1) or 1
    page = Paginator(shown, QUEUE_PAGE_SIZE).get_page(number)
    context = {
        "page": page,
        "rows": [
            {
                "row": row,
                "url": review_url(row.assessment.pk, row.tier.code),
                "days_left": row.days_left(timezone.localdate()),
            }
            for row in page.object_list
        ],
        "show": show,
        "filters": [
            (key, label, sum(1 for r in rows if r.count(key) > 0))
            for key, label in _filter_labels()
        ],
        "total": len(rows),
    }
    template = "_queue_table.html" if _is_htmx(request) else "queue.html"
    return render(request, f"{TEMPLATES}/{template}", context)


def _filter_labels() -> list[tuple[str, str]]:
    labels = {
        "waiting": _("Waiting"),
        "reviewed": _("Reviewed"),
        "differing": _("Differing"),
        "returned": _("Returned"),
        "revised": _("Revised since return"),
    }
    return [(key, labels[key]) for key in QUEUE_FILTERS]


urlpatterns = [
    path("review/queue/", queue, name="comments_queue"),
    path("assessments/<int:pk>/feedback/", feedback, name="comments_feedback"),
    path("assessments/<int:pk>/comments/", comment_add_view, name="comments_add"),
    path(
        "assessments/<int:pk>/comments/<int:comment_id>/reply/",
        comment_reply_view,
        name="comments_reply",
    ),
    path(
        "assessments/<int:pk>/comments/<int:comment_id>/resolve/",
        comment_resolve_view,
        name="comments_resolve",
    ),
    path(
        "assessments/<int:pk>/comments/<int:comment_id>/reopen/",
        comment_reopen_view,
        name="comments_reopen",
    ),
    path(
        "assessments/<int:pk>/evidence-marks/<int:link_id>/",
        evidence_mark_view,
        name="comments_mark",
    ),
]
