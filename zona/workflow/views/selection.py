"""Pages of the selection part (issue 10 §7).

- `/assessments/periods/<id>/rounds/`: the period's rounds and a form to create one for a
  step of its chain (the agency administrator: `access_period_by_id`).
- `/review/rounds/<id>/`: one round: its configuration, the preview (dry run in draft, the
  frozen result once confirmed) sortable by rank, the overrides, and the buttons to
  confirm, go back to draft and close (the agency administrator and the step's teams see
  it through `access_round_by_id`; deciding is for the administrator and the step's team
  leads). Missing and forbidden are the same 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.assessments.access import access_period_by_id
from zona.assessments.models import Target
from zona.assessments.views._common import AuthedRequest, flash_error
from zona.core.errors import ValidationFailed, ZonaError
from zona.workflow.engine import refusal
from zona.workflow.models.selection import (
    OverrideDecision,
    RoundGrouping,
    RoundRounding,
    RoundStatus,
    SelectionRound,
)
from zona.workflow.selectors.selection import (
    access_override_by_id,
    access_round_by_id,
    is_round_admin,
    may_decide,
    overrides_of,
    reason_text,
    round_preview,
    rounds_of,
    steps_without_round,
)
from zona.workflow.services.selection import (
    RoundInput,
    override_remove,
    override_set,
    round_close,
    round_confirm,
    round_create,
    round_reopen,
    round_update,
)
from zona.workflow.tables.selection import ACTIONS, SELECTION_ROUND


class RoundForm(forms.Form):
    """Strings as typed; the service checks them (bad input names its field)."""

    grouping = forms.ChoiceField(label=gettext_lazy("Groups"), choices=RoundGrouping.choices)
    quota_percent = forms.CharField(
        label=gettext_lazy("Quota (percent of applicants)"),
        max_length=12,
        help_text=gettext_lazy("Decimals allowed, e.g. 33.3."),
    )
    rounding = forms.ChoiceField(label=gettext_lazy("Rounding"), choices=RoundRounding.choices)
    min_per_group = forms.CharField(
        label=gettext_lazy("Minimum per group"), max_length=5, initial="1"
    )
    target = forms.ChoiceField(label=gettext_lazy("Target predicate"), choices=Target.choices)
    min_pengungkit = forms.CharField(
        label=gettext_lazy("Minimum Pengungkit"), max_length=12, required=False
    )
    min_hasil = forms.CharField(label=gettext_lazy("Minimum Hasil"), max_length=12, required=False)

    def round_input(self) -> RoundInput:
        d = self.cleaned_data
        return RoundInput(
            quota_percent=d["quota_percent"],
            rounding=d["rounding"],
            min_per_group=d["min_per_group"],
            grouping=d["grouping"],
            target=d["target"],
            min_pengungkit=d.get("min_pengungkit") or None,
            min_hasil=d.get("min_hasil") or None,
        )


def _initial(rnd: SelectionRound) -> dict[str, Any]:
    return {
        "grouping": rnd.grouping,
        "quota_percent": f"{rnd.quota_percent.normalize():f}",
        "rounding": rnd.rounding,
        "min_per_group": str(rnd.min_per_group),
        "target": rnd.target,
        "min_pengungkit": ""
        if rnd.min_pengungkit is None
        else f"{rnd.min_pengungkit.normalize():f}",
        "min_hasil": "" if rnd.min_hasil is None else f"{rnd.min_hasil.normalize():f}",
    }


def _field_errors(form: forms.Form, exc: ZonaError) -> None:
    for problem in exc.problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)


# --- the period's rounds ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: AuthedRequest, period_id: int) -> HttpResponse:
    period = access_period_by_id(request.user, period_id)
    steps = steps_without_round(period)
    form = RoundForm(request.POST or None, initial={"quota_percent": "50", "min_per_group": "1"})
    form.fields["step"] = forms.ChoiceField(
        label=_("Step"), choices=[(s.pk, f"{s.position}. {s.tier.name}") for s in steps]
    )
    if request.method == "POST" and form.is_valid():
        step = next((s for s in steps if str(s.pk) == form.cleaned_data["step"]), None)
        if step is None:
            raise Http404
        try:
            rnd = round_create(
                actor=request.user, period=period, step=step, data=form.round_input()
            )
        except ValidationFailed as exc:
            _field_errors(form, exc)
        except ZonaError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Selection round created as a draft."))
            return redirect("workflow:selection_round", rnd.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "workflow/selection/rounds.html",
        {"period": period, "rounds": rounds_of(period), "form": form, "steps": steps},
        status=status,
    )


# --- one round ----------------------------------------------------------------------------------

SORTS = ("group", "rank", "unit")


def _rows(rnd: SelectionRound, sort: str) -> tuple[list[dict[str, Any]], dict[str, Any], int]:
    """The rows and groups to show: the live dry run in draft, the frozen result after."""
    pending = 0
    if rnd.status == RoundStatus.DRAFT:
        preview = round_preview(rnd)
        result = preview.as_result()
        pending = preview.pending
    else:
        result = rnd.result or {}
    overrides = {o.assessment_id: o for o in overrides_of(rnd)}
    rows = []
    for overall, row in enumerate(result.get("rows", []), start=1):
        rows.append(
            {
                **row,
                "overall": overall,
                "why_text": reason_text(row["why"], rnd),
                "problem_texts": [reason_text(p, rnd) for p in row["problems"]],
                "override": overrides.get(row["assessment"]),
            }
        )
    if sort == "group":
        rows.sort(key=lambda r: (r["group"], r["rank"]))
    elif sort == "unit":
        rows.sort(key=lambda r: r["unit"])
    return rows, result.get("groups", {}), pending


def _round_page(
    request: AuthedRequest,
    rnd: SelectionRound,
    *,
    form: RoundForm | None = None,
    override_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    sort = request.GET.get("sort", "group")
    sort = sort if sort in SORTS else "group"
    rows, groups, pending = _rows(rnd, sort)
    decider = may_decide(request.user, rnd)
    draft = rnd.status == RoundStatus.DRAFT
    actions = [
        (a, SELECTION_ROUND.transitions[a].label, refusal(SELECTION_ROUND, rnd, a, request.user))
        for a in ACTIONS
        if a in SELECTION_ROUND.actions_from(rnd.status)
    ]
    return render(
        request,
        "workflow/selection/round.html",
        {
            "round": rnd,
            "period": rnd.period,
            "rows": rows,
            "groups": groups,
            "pending": pending,
            "sort": sort,
            "decider": decider,
            "is_admin": is_round_admin(request.user, rnd),
            "editable": decider and draft,
            "form": form or RoundForm(initial=_initial(rnd)),
            "actions": actions,
            "decisions": OverrideDecision.choices,
            "override_errors": override_errors or {},
            "override_values": request.POST if override_errors else {},
            "overrides": [r for r in rows if r["override"] is not None],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_page(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = access_round_by_id(request.user, round_id)
    if request.method == "GET":
        return _round_page(request, rnd)
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            round_update(actor=request.user, rnd=rnd, data=form.round_input())
        except ValidationFailed as exc:
            _field_errors(form, exc)
        except ZonaError as exc:
            flash_error(request, exc)
            return redirect("workflow:selection_round", rnd.pk)
        else:
            messages.success(request, _("Round saved; the preview shows the new selection."))
            return redirect("workflow:selection_round", rnd.pk)
    return _round_page(request, access_round_by_id(request.user, round_id), form=form, status=400)


@login_required
@require_POST
def override(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = access_round_by_id(request.user, round_id)
    try:
        override_set(
            actor=request.user,
            rnd=rnd,
            assessment_id=request.POST.get("assessment", ""),
            decision=request.POST.get("decision", ""),
            justification=request.POST.get("justification", ""),
        )
    except ValidationFailed as exc:
        errors = {p.field or "__all__": p.message for p in exc.problems}
        return _round_page(request, rnd, override_errors=errors, status=400)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Override saved with its justification."))
    return redirect("workflow:selection_round", rnd.pk)


@login_required
@require_POST
def override_delete(request: AuthedRequest, round_id: int, override_id: int) -> HttpResponse:
    rnd = access_round_by_id(request.user, round_id)
    row = access_override_by_id(rnd, override_id)
    try:
        override_remove(actor=request.user, rnd=rnd, override=row)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Override removed."))
    return redirect("workflow:selection_round", rnd.pk)


_DONE = {
    "confirm": gettext_lazy("Selection confirmed. Close the round to send the selected on."),
    "reopen": gettext_lazy("The round is a draft again."),
    "close": gettext_lazy("Round closed: the selected sheets went on and every unit was told."),
}


@login_required
@require_POST
def action(request: AuthedRequest, round_id: int, name: str) -> HttpResponse:
    rnd = access_round_by_id(request.user, round_id)
    run = {"confirm": round_confirm, "reopen": round_reopen, "close": round_close}.get(name)
    if run is None:
        raise Http404
    try:
        run(actor=request.user, rnd=rnd)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, str(_DONE[name]))
    return redirect("workflow:selection_round", rnd.pk)


R = "review/rounds/<int:round_id>/"


def review_panel(request: Any, assessment: Any, review: Any) -> str:
    """The selection rounds after this sheet's tiers, with a link, for those who may open
    them (zona/workflow/panels.py)."""
    from django.template.loader import render_to_string

    from zona.workflow.selectors.selection import rounds_for_sheet

    rounds = rounds_for_sheet(request.user, assessment)
    if not rounds:
        return ""
    return render_to_string(
        "workflow/selection/_review_panel.html", {"rounds": rounds}, request=request
    )


urlpatterns = [
    path("assessments/periods/<int:period_id>/rounds/", rounds, name="selection_rounds"),
    path(R, round_page, name="selection_round"),
    path(R + "overrides/", override, name="selection_override"),
    path(
        R + "overrides/<int:override_id>/remove/",
        override_delete,
        name="selection_override_remove",
    ),
    path(R + "<str:name>/", action, name="selection_action"),
]
