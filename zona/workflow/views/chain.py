"""The agency administrator's pages for a period's review chain: the steps in order with
their windows and sub-trees, the teams with their load, and bulk assignment of reviewers.

Under the period's own address (/assessments/periods/<id>/chain/); every page fetches the
period through `access_period_by_id` (PERIOD_MANAGE on its agency), then the step or team
inside it, so another agency's administrator gets a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.models import ReviewTier, Unit, User
from zona.assessments.access import access_period_by_id
from zona.assessments.models import Period
from zona.assessments.views._common import AuthedRequest, error_text
from zona.core.errors import ZonaError
from zona.workflow.models import ChainStep, ReviewTeam
from zona.workflow.selectors.chain import (
    access_step_by_id,
    access_team_by_id,
    agency_people,
    agency_regions,
    agency_tiers,
    agency_units,
    chain_overview,
    chain_sources,
    step_started,
    steps_of,
)
from zona.workflow.services.chain import (
    BulkAssignInput,
    StepInput,
    TeamInput,
    chain_copy,
    chain_step_create,
    chain_step_delete,
    chain_step_update,
    review_team_delete,
    review_team_save,
    review_teams_assign,
    units_of_region,
)

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        indent = "\u2003" * max(obj.depth - 2, 0)
        return f"{indent}{obj.name} ({obj.code})"


class StepChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position}. {obj.tier.name}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        home = f" · {obj.home_unit.name}" if obj.home_unit_id else ""
        return f"{obj.display_name} ({obj.username}){home}"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        home = f" · {obj.home_unit.name}" if obj.home_unit_id else ""
        return f"{obj.display_name} ({obj.username}){home}"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.SelectMultiple):
            widget.attrs.update({"class": "form-select", "size": "8"})
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


def _add_errors(form: forms.Form, exc: ZonaError) -> None:
    """The service's problems beside the fields they name; the rest above the form."""
    placed = False
    for problem in exc.problems:
        if problem.field in form.fields:
            form.add_error(problem.field, problem.message)
            placed = True
        else:
            form.add_error(None, problem.message)
            placed = True
    if not placed:
        form.add_error(None, error_text(exc))


class StepForm(forms.Form):
    tier: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Review tier"), queryset=ReviewTier.objects.none()
    )
    opens_on = forms.DateField(label=gettext_lazy("Review opens on"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Review closes on"), widget=DATE)
    scopes = UnitChoice(
        label=gettext_lazy("Sub-trees reviewed"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Leave empty to review every unit of the agency in this tier."),
    )
    uses_controller = forms.BooleanField(
        label=gettext_lazy("A technical controller signs off after the team lead"),
        required=False,
    )

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = agency_tiers(period)  # type: ignore[attr-defined]
        # Sub-trees worth routing are the offices with units below them.
        self.fields["scopes"].queryset = agency_units(period).filter(numchild__gt=0)  # type: ignore[attr-defined]
        _style(self)

    def to_input(self) -> StepInput:
        d = self.cleaned_data
        return StepInput(
            tier=d["tier"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            scopes=list(d["scopes"]),
            uses_controller=d["uses_controller"],
        )


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Team name"), max_length=128)
    lead = PersonChoice(label=gettext_lazy("Team lead"), queryset=None, required=False)
    controller = PersonChoice(
        label=gettext_lazy("Technical controller"), queryset=None, required=False
    )
    members = PeopleChoice(label=gettext_lazy("Members"), queryset=None, required=False)
    units = UnitChoice(
        label=gettext_lazy("Units reviewed (with the units below them)"), queryset=None
    )

    def __init__(self, *args: Any, actor: User, step: ChainStep, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = agency_people(actor, step.period)
        for name in ("lead", "controller", "members"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        self.fields["units"].queryset = agency_units(step.period)  # type: ignore[attr-defined]
        if not step.uses_controller:
            del self.fields["controller"]
        _style(self)

    def to_input(self) -> TeamInput:
        d = self.cleaned_data
        return TeamInput(
            name=d["name"],
            lead=d["lead"],
            controller=d.get("controller"),
            members=list(d["members"]),
            units=list(d["units"]),
        )


class AssignForm(forms.Form):
    step = StepChoice(label=gettext_lazy("Chain step"), queryset=ChainStep.objects.none())
    team_name = forms.CharField(
        label=gettext_lazy("Team"),
        max_length=128,
        help_text=gettext_lazy("An existing team of the step gains the units and people."),
    )
    units = UnitChoice(label=gettext_lazy("Sub-trees"), queryset=None, required=False)
    region = forms.ChoiceField(label=gettext_lazy("Or every unit of a region"), required=False)
    lead = PersonChoice(label=gettext_lazy("Team lead"), queryset=None, required=False)
    controller = PersonChoice(
        label=gettext_lazy("Technical controller"), queryset=None, required=False
    )
    members = PeopleChoice(label=gettext_lazy("Reviewers"), queryset=None, required=False)

    def __init__(self, *args: Any, actor: User, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = steps_of(period)  # type: ignore[attr-defined]
        self.fields["units"].queryset = agency_units(period)  # type: ignore[attr-defined]
        regions = agency_regions(period)
        self.fields["region"].choices = [("", "—"), *((r, r) for r in regions)]  # type: ignore[attr-defined]
        people = agency_people(actor, period)
        for name in ("lead", "controller", "members"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        _style(self)


def _period(request: AuthedRequest, pk: int) -> Period:
    return access_period_by_id(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def chain(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = StepForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            step = chain_step_create(actor=request.user, period=period, data=form.to_input())
        except ZonaError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(tier)s was added to the chain at position %(n)s.")
                % {"tier": step.tier.name, "n": step.position},
            )
            return redirect("workflow:chain", pk=period.pk)
    if request.method == "GET":
        form.initial = {"opens_on": period.opens_on, "closes_on": period.closes_on}
    steps = chain_overview(period)
    return render(
        request,
        "workflow/chain/chain.html",
        {
            "period": period,
            "steps": steps,
            "form": form,
            "sources": list(chain_sources(period)[:5]) if not steps else [],
            "has_tiers": agency_tiers(period).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: AuthedRequest, pk: int, step_id: int) -> HttpResponse:
    period = _period(request, pk)
    step = access_step_by_id(period, step_id)
    initial = {
        "tier": step.tier,
        "opens_on": step.opens_on,
        "closes_on": step.closes_on,
        "scopes": list(step.scopes.all()),
        "uses_controller": step.uses_controller,
    }
    form = StepForm(request.POST or None, period=period, initial=initial)
    started = step_started(step)
    if started:
        # What the service would refuse to change is shown, not offered.
        for name in ("tier", "opens_on", "scopes", "uses_controller"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            chain_step_update(actor=request.user, step=step, data=form.to_input())
        except ZonaError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The chain step was saved."))
            return redirect("workflow:chain", pk=period.pk)
    return render(
        request,
        "workflow/chain/step_form.html",
        {"period": period, "step": step, "form": form, "started": started},
    )


@login_required
@require_POST
def step_delete(request: AuthedRequest, pk: int, step_id: int) -> HttpResponse:
    period = _period(request, pk)
    step = access_step_by_id(period, step_id)
    try:
        chain_step_delete(actor=request.user, step=step)
    except ZonaError as exc:
        messages.error(request, error_text(exc), extra_tags=" ".join(p.code for p in exc.problems))
    else:
        messages.success(
            request, _("%(tier)s was removed from the chain.") % {"tier": step.tier.name}
        )
    return redirect("workflow:chain", pk=period.pk)


def _team_page(
    request: AuthedRequest, period: Period, step: ChainStep, team: ReviewTeam | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if team is not None:
        initial = {
            "name": team.name,
            "lead": team.lead,
            "controller": team.controller,
            "members": list(team.members.all()),
            "units": list(team.units.all()),
        }
    form = TeamForm(request.POST or None, actor=request.user, step=step, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review_team_save(actor=request.user, step=step, data=form.to_input(), team=team)
        except ZonaError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The team was saved; its reviewers hold the tier's role."))
            return redirect("workflow:chain", pk=period.pk)
    return render(
        request,
        "workflow/chain/team_form.html",
        {"period": period, "step": step, "team": team, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: AuthedRequest, pk: int, step_id: int) -> HttpResponse:
    period = _period(request, pk)
    return _team_page(request, period, access_step_by_id(period, step_id), None)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, pk: int, step_id: int, team_id: int) -> HttpResponse:
    period = _period(request, pk)
    step = access_step_by_id(period, step_id)
    return _team_page(request, period, step, access_team_by_id(step, team_id))


@login_required
@require_POST
def team_delete(request: AuthedRequest, pk: int, step_id: int, team_id: int) -> HttpResponse:
    period = _period(request, pk)
    step = access_step_by_id(period, step_id)
    team = access_team_by_id(step, team_id)
    try:
        review_team_delete(actor=request.user, team=team)
    except ZonaError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The team %(name)s was removed.") % {"name": team.name})
    return redirect("workflow:chain", pk=period.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    form = AssignForm(request.POST or None, actor=request.user, period=period)
    if request.method == "GET" and "step" in request.GET:
        form.initial = {"step": request.GET.get("step")}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        roots: list[Unit] = [*d["units"], *units_of_region(period, d["region"] or "")]
        try:
            team = review_teams_assign(
                actor=request.user,
                step=d["step"],
                data=BulkAssignInput(
                    team_name=d["team_name"],
                    roots=roots,
                    lead=d["lead"],
                    controller=d["controller"],
                    members=list(d["members"]),
                ),
            )
        except ZonaError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(team)s now reviews %(n)d sub-trees.")
                % {"team": team.name, "n": team.units.count()},
            )
            return redirect("workflow:chain", pk=period.pk)
    return render(request, "workflow/chain/assign.html", {"period": period, "form": form})


@login_required
@require_POST
def copy(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    source = next(
        (p for p in chain_sources(period) if str(p.pk) == request.POST.get("source", "")), None
    )
    if source is None:
        messages.error(request, _("Choose a period of this agency that has a chain."))
        return redirect("workflow:chain", pk=period.pk)
    try:
        steps = chain_copy(actor=request.user, period=period, source=source)
    except ZonaError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(n)d steps were copied from %(period)s; check their windows.")
            % {"n": len(steps), "period": source.title},
        )
    return redirect("workflow:chain", pk=period.pk)


P = "assessments/periods/<int:pk>/chain/"
urlpatterns = [
    path(P, chain, name="chain"),
    path(P + "assign/", assign, name="chain_assign"),
    path(P + "copy/", copy, name="chain_copy"),
    path(P + "steps/<int:step_id>/", step_edit, name="chain_step"),
    path(P + "steps/<int:step_id>/delete/", step_delete, name="chain_step_delete"),
    path(P + "steps/<int:step_id>/teams/new/", team_new, name="chain_team_new"),
    path(P + "steps/<int:step_id>/teams/<int:team_id>/", team_edit, name="chain_team"),
    path(
        P + "steps/<int:step_id>/teams/<int:team_id>/delete/",
        team_delete,
        name="chain_team_delete",
    ),
]
