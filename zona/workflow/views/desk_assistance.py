"""Assistance (asistensi) on a sheet: per item the evidence check, the simulated score, the
advice and the unit's follow-up; filters by follow-up status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.assessments.selectors import load_sheet_state
from zona.assessments.selectors.scores import held_predicates
from zona.assessments.sheet import display_value, score_value, text
from zona.assessments.views._common import AuthedRequest, flash_error
from zona.core.errors import ZonaError
from zona.frameworks.scoring import InvalidAnswers, effective_answers, round_half_up, score
from zona.workflow.engine import refusal
from zona.workflow.models import AssistanceRecord, AssistanceStatus, DocumentCheck
from zona.workflow.selectors.desk import (
    access_assistance_by_id,
    access_desk_sheet,
    assistance_counts,
    assistance_of,
)
from zona.workflow.services.desk import (
    AssistanceInput,
    assistance_follow_up,
    assistance_save,
    simulated_value,
)
from zona.workflow.tables.desk import ASSISTANCE, ASSISTANCE_TARGETS
from zona.workflow.views.desk import desk_context, item_choices


def simulated_totals(assessment: Any, records: list[AssistanceRecord]) -> dict[str, Any] | None:
    """The sheet's effective total now and with every simulated answer taken (the highest
    tier's simulation wins on an item), scored with the framework's own rules."""
    state = load_sheet_state(assessment)
    fw = state.spec.compiled
    answers = effective_answers([state.scoreable[layer.key] for layer in state.layers])
    simulated = dict(answers)
    changed = 0
    for r in sorted(records, key=lambda r: r.tier.rank):
        item = state.spec.items.get(r.item_code)
        value = score_value(item, r.simulated_answer) if item is not None else None
        if value is not None:
            simulated[r.item_code] = value
            changed += 1
    if not changed:
        return None
    held = held_predicates(assessment)
    try:
        now = score(fw, answers, held_predicates=held).total
        then = score(fw, simulated, held_predicates=held).total
    except InvalidAnswers:
        return None
    return {
        "now": round_half_up(now),
        "simulated": round_half_up(then),
        "gain": round_half_up(then - now),
        "items": changed,
    }


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{round_half_up(value * 100, 0)}%"


@login_required
@require_http_methods(["GET", "POST"])
def assistance_page(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment, rights = access_desk_sheet(request.user, pk)
    spec_items = item_choices(assessment)
    if request.method == "POST":
        if not rights.is_reviewer:
            raise Http404
        try:
            record = assistance_save(
                actor=request.user,
                assessment=assessment,
                tier=rights.tier(request.POST.get("tier") or None),
                data=AssistanceInput(
                    item_code=request.POST.get("item_code", ""),
                    document_check=request.POST.get("document_check", ""),
                    simulated_answer=request.POST.get("simulated_answer", ""),
                    advice=request.POST.get("advice", ""),
                ),
            )
        except ZonaError as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request, _("Assistance saved for %(item)s.") % {"item": record.item_code}
            )
        return redirect(reverse("workflow:desk_assistance", args=[assessment.pk]))
    status = request.GET.get("status", "")
    if status not in AssistanceStatus.values:
        status = ""
    everything = assistance_of(assessment)
    records = [r for r in everything if r.status == status] if status else everything
    from zona.assessments.sheet import sheet_spec

    spec = sheet_spec(assessment.period.framework)
    rows = []
    for r in records:
        item = spec.items.get(r.item_code)
        moves = []
        for target, action in ASSISTANCE_TARGETS.items():
            if r.status in ASSISTANCE.transition(action).sources:
                refused = refusal(ASSISTANCE, r, action, request.user)
                if refused is None:
                    moves.append((target, AssistanceStatus(target).label))
        rows.append(
            {
                "r": r,
                "question": text(item.question) if item else "",
                "simulated": display_value(item, r.simulated_answer) if item else "",
                "value": _percent(simulated_value(spec, r.item_code, r.simulated_answer)),
                "moves": moves,
                "mine": rights.acts_in(r.tier_id),
            }
        )
    counts = assistance_counts(assessment)
    edit_code = request.GET.get("item", "")
    editing = (
        next(
            (r for r in everything if r.item_code == edit_code and rights.acts_in(r.tier_id)),
            None,
        )
        if edit_code and rights.is_reviewer
        else None
    )
    return render(
        request,
        "workflow/desk/assistance.html",
        {
            **desk_context(request, assessment, rights, "assistance"),
            "rows": rows,
            "status": status,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in AssistanceStatus.choices],
            "counts": counts,
            "total": sum(counts.values()),
            "checks": DocumentCheck.choices,
            "items": spec_items,
            "edit_code": edit_code,
            "editing": editing,
            "editing_simulated": ""
            if editing is None or editing.simulated_answer is None
            else str(editing.simulated_answer),
            "totals": simulated_totals(assessment, everything)
            if rights.is_reviewer or rights.can_follow_up
            else None,
        },
    )


@login_required
@require_POST
def assistance_follow_up_view(request: AuthedRequest, pk: int, rid: int) -> HttpResponse:
    assessment, _rights = access_desk_sheet(request.user, pk)
    record = access_assistance_by_id(request.user, assessment, rid)
    try:
        assistance_follow_up(
            actor=request.user, record=record, status=request.POST.get("status", "")
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Follow-up updated for %(item)s.") % {"item": record.item_code})
    back = reverse("workflow:desk_assistance", args=[assessment.pk])
    status = request.POST.get("filter", "")
    return redirect(f"{back}?status={status}" if status in AssistanceStatus.values else back)
