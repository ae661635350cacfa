"""TPI (issue 10 §8): the agency's gates (its administrator), the TPI panels of a period
(list, meeting, decisions, confirmation), and the TPI's work on a sheet (gate facts,
overrides, the two stages), shown on the review page through `review_panel`."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_exempt
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import access_agency_by_id
from zona.accounts.models import Unit
from zona.assessments.access import access_assessment_by_id
from zona.assessments.models import Assessment
from zona.assessments.views._common import AuthedRequest, flash_error, show_form_problems
from zona.core.api.params import int_or_none
from zona.core.errors import ZonaError
from zona.workflow.engine import refusal
from zona.workflow.models import (
    ChainStep,
    GateComparison,
    GateKind,
    GateSource,
    GateValueType,
    PanelStatus,
    TierReview,
    TpiGate,
    TpiPanel,
)
from zona.workflow.selectors.tpi import (
    access_gate_by_id,
    access_panel_by_id,
    access_tpi_period,
    evaluate_gates,
    gates_of,
    is_period_admin,
    may_hold_panel,
    panel_rows,
    panels_of,
    shown,
    stage_of,
    tpi_actor_refusal,
    tpi_review,
    tpi_step,
)
from zona.workflow.services.tpi import (
    FactInput,
    GateInput,
    PanelInput,
    starter_gates,
    tpi_fact_record,
    tpi_gate_create,
    tpi_gate_update,
    tpi_gates_take_starters,
    tpi_override,
    tpi_override_withdraw,
    tpi_panel_confirm,
    tpi_panel_create,
    tpi_panel_decide,
    tpi_panel_update,
    tpi_return_findings,
    tpi_skip_findings,
    tpi_step_mark,
)
from zona.workflow.tables.tpi import TPI_PANEL

# --- the agency's gates ---------------------------------------------------------------------


class GateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Letters, digits and hyphens; made from the name when empty."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=GateKind.choices)
    source = forms.ChoiceField(
        label=gettext_lazy("Computed from"), choices=GateSource.choices, required=False
    )
    value_type = forms.ChoiceField(label=gettext_lazy("Value"), choices=GateValueType.choices)
    comparison = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=GateComparison.choices)
    required = forms.CharField(
        label=gettext_lazy("Required value"),
        max_length=40,
        help_text=gettext_lazy("A number (100), a grade of the scale (B), or yes/no."),
    )
    scale = forms.CharField(
        label=gettext_lazy("Scale (grades, best first)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Comma-separated, for example AA, A, BB, B, CC, C, D."),
    )
    target = forms.CharField(
        label=gettext_lazy("Only for the target predicate"),
        max_length=16,
        required=False,
        help_text=gettext_lazy("For example wbk or wbbm; empty for every sheet."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    stops_on_failure = forms.BooleanField(
        label=gettext_lazy("Stop at this gate when it fails"), required=False
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    position = forms.IntegerField(
        label=gettext_lazy("Order"), required=False, min_value=0, max_value=32000, initial=0
    )

    def gate_input(self) -> GateInput:
        d = self.cleaned_data
        return GateInput(
            name=d["name"],
            code=d.get("code") or "",
            kind=d["kind"],
            source=d.get("source") or "",
            value_type=d["value_type"],
            comparison=d["comparison"],
            required=d["required"],
            scale=[s.strip() for s in (d.get("scale") or "").split(",") if s.strip()],
            target=d.get("target") or "",
            description=d.get("description") or "",
            stops_on_failure=bool(d.get("stops_on_failure")),
            active=bool(d.get("active")),
            position=d.get("position") or 0,
        )


def _gate_initial(gate: TpiGate) -> dict[str, Any]:
    return {
        "name": gate.name,
        "code": gate.code,
        "kind": gate.kind,
        "source": gate.source,
        "value_type": gate.value_type,
        "comparison": gate.comparison,
        "required": gate.required,
        "scale": ", ".join(gate.scale or []),
        "target": gate.target,
        "description": gate.description,
        "stops_on_failure": gate.stops_on_failure,
        "active": gate.active,
        "position": gate.position,
    }


def _gates_page(
    request: AuthedRequest, agency: Unit, form: GateForm, *, gate: TpiGate | None = None
) -> HttpResponse:
    gates = gates_of(agency)
    for g in gates:
        # Shown "ya"/"tidak", not the stored "yes"/"no".
        g.required_shown = shown(g, g.required)  # type: ignore[attr-defined]
    have = {g.code for g in gates}
    return render(
        request,
        "workflow/tpi/gates.html",
        {
            "agency": agency,
            "gates": gates,
            "form": form,
            "editing": gate,
            "starters": [s for s in starter_gates() if s.data.code not in have],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tpi_gates(request: AuthedRequest, unit_id: int) -> HttpResponse:
    agency = access_agency_by_id(request.user, unit_id)
    form = GateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tpi_gate_create(actor=request.user, agency=agency, data=form.gate_input())
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Gate added."))
            return redirect("workflow:tpi_gates", agency.pk)
    return _gates_page(request, agency, form)


@login_required
@require_http_methods(["GET", "POST"])
def tpi_gate_edit(request: AuthedRequest, unit_id: int, gate_id: int) -> HttpResponse:
    agency = access_agency_by_id(request.user, unit_id)
    gate = access_gate_by_id(agency, gate_id)
    form = GateForm(request.POST or None, initial=_gate_initial(gate))
    if request.method == "POST" and form.is_valid():
        try:
            tpi_gate_update(actor=request.user, gate=gate, data=form.gate_input())
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Gate saved."))
            return redirect("workflow:tpi_gates", agency.pk)
    return _gates_page(request, agency, form, gate=gate)


@login_required
@require_POST
def tpi_gates_starters(request: AuthedRequest, unit_id: int) -> HttpResponse:
    agency = access_agency_by_id(request.user, unit_id)
    added = tpi_gates_take_starters(actor=request.user, agency=agency)
    messages.success(request, _("%(n)d gates added.") % {"n": len(added)})
    return redirect("workflow:tpi_gates", agency.pk)


# --- the panels of a period -----------------------------------------------------------------


class PanelForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    held_on = forms.DateField(
        label=gettext_lazy("Meeting date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300, required=False)
    chair = forms.TypedChoiceField(
        label=gettext_lazy("Chair"), coerce=int, required=False, empty_value=None
    )
    present = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Members present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    minutes_file = forms.FileField(label=gettext_lazy("Minutes file"), required=False)

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.full_name or p.username) for p in people or []]
        self.fields["chair"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["present"].choices = choices  # type: ignore[attr-defined]

    def panel_input(self) -> PanelInput:
        d = self.cleaned_data
        return PanelInput(
            title=d["title"],
            held_on=d["held_on"],
            place=d.get("place") or "",
            chair=d.get("chair"),
            present=list(d.get("present") or []),
            minutes=d.get("minutes") or "",
            minutes_file=d.get("minutes_file"),
        )


def _step_people(step: ChainStep | None) -> list[Any]:
    if step is None:
        return []
    people: dict[int, Any] = {}
    for team in step.teams.select_related("lead", "controller").prefetch_related("members"):
        for person in [team.lead, team.controller, *team.members.all()]:
            if person is not None:
                people[person.pk] = person
    return sorted(people.values(), key=lambda p: (p.full_name or p.username).lower())


@login_required
@require_http_methods(["GET", "POST"])
def tpi_panels(request: AuthedRequest, period_id: int) -> HttpResponse:
    period = access_tpi_period(request.user, period_id)
    step = tpi_step(period)
    people = _step_people(step)
    form = PanelForm(request.POST or None, request.FILES or None, people=people)
    may_hold = may_hold_panel(request.user, period, step)
    if request.method == "POST":
        if not may_hold:
            raise Http404
        if form.is_valid():
            try:
                panel = tpi_panel_create(actor=request.user, period=period, data=form.panel_input())
            except ZonaError as exc:
                show_form_problems(request, form, exc)
            else:
                messages.success(request, _("Panel meeting created."))
                return redirect("workflow:tpi_panel", panel.pk)
    return render(
        request,
        "workflow/tpi/panels.html",
        {
            "period": period,
            "step": step,
            "steps": list(period.chain_steps.select_related("tier").order_by("position")),
            "panels": panels_of(period),
            "form": form,
            "may_hold": may_hold and step is not None,
            "is_admin": is_period_admin(request.user, period),
        },
    )


@login_required
@require_POST
def tpi_step_view(request: AuthedRequest, period_id: int) -> HttpResponse:
    period = access_tpi_period(request.user, period_id)
    if not is_period_admin(request.user, period):
        raise Http404
    step_id = int_or_none(request.POST.get("step"))
    step = period.chain_steps.filter(pk=step_id).first() if step_id else None
    try:
        tpi_step_mark(actor=request.user, period=period, step=step)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("TPI step saved."))
    return redirect("workflow:tpi_panels", period.pk)


def _panel_page(request: AuthedRequest, panel: TpiPanel, form: PanelForm) -> HttpResponse:
    rows = panel_rows(panel)
    may_hold = may_hold_panel(request.user, panel.period, panel.step)
    confirm = refusal(TPI_PANEL, panel, "confirm", request.user) if may_hold else None
    return render(
        request,
        "workflow/tpi/panel.html",
        {
            "panel": panel,
            "period": panel.period,
            "rows": rows,
            "present": list(panel.present.all()),
            "form": form,
            "may_hold": may_hold and panel.status == PanelStatus.DRAFT,
            "confirm_refusal": confirm,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tpi_panel(request: AuthedRequest, pk: int) -> HttpResponse:
    panel = access_panel_by_id(request.user, pk)
    people = _step_people(panel.step)
    initial = {
        "title": panel.title,
        "held_on": panel.held_on,
        "place": panel.place,
        "chair": panel.chair_id,
        "present": [u.pk for u in panel.present.all()],
        "minutes": panel.minutes,
    }
    form = PanelForm(request.POST or None, request.FILES or None, people=people, initial=initial)
    if request.method == "POST":
        if not may_hold_panel(request.user, panel.period, panel.step):
            raise Http404
        if form.is_valid():
            try:
                tpi_panel_update(actor=request.user, panel=panel, data=form.panel_input())
            except ZonaError as exc:
                show_form_problems(request, form, exc)
            else:
                messages.success(request, _("Meeting saved."))
                return redirect("workflow:tpi_panel", panel.pk)
    return _panel_page(request, panel, form)


@login_required
@require_POST
def tpi_panel_decide_view(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    panel = access_panel_by_id(request.user, pk)
    if not may_hold_panel(request.user, panel.period, panel.step):
        raise Http404
    choice = request.POST.get("propose")
    if choice not in ("yes", "no"):
        messages.error(request, _("Choose whether to propose the unit to TPN."))
    else:
        try:
            tpi_panel_decide(
                actor=request.user,
                panel=panel,
                assessment_id=assessment_id,
                propose=choice == "yes",
                reason=request.POST.get("reason", ""),
            )
        except ZonaError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect(reverse("workflow:tpi_panel", args=[panel.pk]) + f"#sheet-{assessment_id}")


@login_required
@require_POST
def tpi_panel_confirm_view(request: AuthedRequest, pk: int) -> HttpResponse:
    panel = access_panel_by_id(request.user, pk)
    if not may_hold_panel(request.user, panel.period, panel.step):
        raise Http404
    try:
        tpi_panel_confirm(actor=request.user, panel=panel)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Minutes confirmed; the decisions are final."))
    return redirect("workflow:tpi_panel", panel.pk)


@csp_exempt()  # type: ignore[arg-type]
@login_required
def tpi_panel_minutes(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """The minutes file, after the access check; never through a public media URL."""
    panel = access_panel_by_id(request.user, pk)
    if not panel.minutes_file:
        raise Http404
    try:
        handle = default_storage.open(panel.minutes_file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=panel.minutes_name or "minutes")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the TPI's work on a sheet --------------------------------------------------------------


def _sheet_review(request: AuthedRequest, pk: int) -> TierReview:
    """The sheet's TPI review when the user acts for the TPI on it; else 404."""
    assessment = access_assessment_by_id(request.user, pk)
    review = tpi_review(assessment)
    if review is None:
        raise Http404
    review.assessment = assessment
    if tpi_actor_refusal(request.user, review) is not None and not may_hold_panel(
        request.user, assessment.period, review.step
    ):
        raise Http404
    return review


def _back(review: TierReview) -> HttpResponse:
    return redirect(
        reverse("workflow:review_tier", args=[review.assessment_id, review.tier.code]) + "#tpi"
    )


@login_required
@require_POST
def tpi_fact_view(request: AuthedRequest, pk: int, gate_id: int) -> HttpResponse:
    review = _sheet_review(request, pk)
    gate = access_gate_by_id(review.assessment.period.agency, gate_id)
    try:
        tpi_fact_record(
            actor=request.user,
            review=review,
            gate=gate,
            data=FactInput(
                value=request.POST.get("value", ""),
                source=request.POST.get("source", ""),
                evidence_url=request.POST.get("evidence_url", ""),
                evidence_file=request.FILES.get("evidence_file"),
            ),
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Gate value recorded."))
    return _back(review)


@login_required
@require_POST
def tpi_override_view(request: AuthedRequest, pk: int, gate_id: int) -> HttpResponse:
    review = _sheet_review(request, pk)
    gate = access_gate_by_id(review.assessment.period.agency, gate_id)
    try:
        if request.POST.get("withdraw"):
            tpi_override_withdraw(actor=request.user, review=review, gate=gate)
        else:
            tpi_override(
                actor=request.user, review=review, gate=gate, reason=request.POST.get("reason", "")
            )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Override saved."))
    return _back(review)


@login_required
@require_POST
def tpi_stage_view(request: AuthedRequest, pk: int) -> HttpResponse:
    review = _sheet_review(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "skip_findings":
            tpi_skip_findings(actor=request.user, review=review, reason=reason)
            messages.success(request, _("Stage 1 closed without findings."))
        else:
            items = [i for i in request.POST.get("items", "").replace(",", " ").split() if i]
            tpi_return_findings(actor=request.user, review=review, items=items, reason=reason)
            messages.success(request, _("Findings returned to the unit."))
    except ZonaError as exc:
        flash_error(request, exc)
    return _back(review)


# --- the review page's hook (zona/workflow/panels.py) --------------------------------------


def review_panel(request: Any, assessment: Assessment, review: Any) -> str:
    """The TPI's gates and stage on the sheet, for the sheet's TPI review only (nothing
    when the sheet has no TPI step). A constant number of queries."""
    tpi = tpi_review(assessment)
    if tpi is None:
        return ""
    tpi.assessment = assessment
    acting = tpi_actor_refusal(request.user, tpi) is None
    if not acting and not may_hold_panel(request.user, assessment.period, tpi.step):
        return ""
    gates = evaluate_gates([assessment], tpi.tier)[assessment.pk]
    return render_to_string(
        "workflow/tpi/_review_panel.html",
        {
            "assessment": assessment,
            "review": tpi,
            "gates": gates,
            "stage": stage_of(tpi),
            "acting": acting and tpi.status == "open",
            "recorded": GateKind.RECORDED,
        },
        request=request,
    )


urlpatterns = [
    path("manage/agencies/<int:unit_id>/tpi-gates/", tpi_gates, name="tpi_gates"),
    path(
        "manage/agencies/<int:unit_id>/tpi-gates/starters/",
        tpi_gates_starters,
        name="tpi_gates_starters",
    ),
    path(
        "manage/agencies/<int:unit_id>/tpi-gates/<int:gate_id>/",
        tpi_gate_edit,
        name="tpi_gate_edit",
    ),
    path("periods/<int:period_id>/tpi/", tpi_panels, name="tpi_panels"),
    path("periods/<int:period_id>/tpi/step/", tpi_step_view, name="tpi_step"),
    path("tpi/panels/<int:pk>/", tpi_panel, name="tpi_panel"),
    path(
        "tpi/panels/<int:pk>/decide/<int:assessment_id>/",
        tpi_panel_decide_view,
        name="tpi_panel_decide",
    ),
    path("tpi/panels/<int:pk>/confirm/", tpi_panel_confirm_view, name="tpi_panel_confirm"),
    path("tpi/panels/<int:pk>/minutes/", tpi_panel_minutes, name="tpi_panel_minutes"),
    path("assessments/<int:pk>/tpi/gates/<int:gate_id>/fact/", tpi_fact_view, name="tpi_fact"),
    path(
        "assessments/<int:pk>/tpi/gates/<int:gate_id>/override/",
        tpi_override_view,
        name="tpi_override",
    ),
    path("assessments/<int:pk>/tpi/stage/", tpi_stage_view, name="tpi_stage"),
]
