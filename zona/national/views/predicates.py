"""The predicates part's pages (issue 11 §4, §5); routes absolute from the site root.

- `/agencies/<id>/predicates/`: the agency's register (whoever sees the agency).
- `/national/predicates/`: the national register (system administrator, TPN), filtered by
  year, kind, status and agency; `/national/predicates/new/`: an earlier year's decree
  (system administrator); `/national/predicates/<id>/`: one predicate, its monitoring and
  its revocation (the TPN revokes there).
- `/predikat/`: the public register, without login, only when the national administrator
  made it public (else 404).
- `/monitoring/`: the monitor's queue; `/monitoring/<id>/`: a round (start, link the sheet,
  conclude). `/agencies/<id>/monitors/`: who monitors each kind (agency administrator).
- `/units/<id>/history/` and `/agencies/<id>/history/`: every attempt across years.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.assessments.views._common import AuthedRequest, flash_error, show_form_problems
from zona.core.api.params import int_or_none
from zona.core.errors import ZonaError
from zona.national.access_predicates import (
    access_history_unit,
    access_monitor_agency,
    access_monitoring_round_by_id,
    access_predicate_by_id,
    access_register_agency,
    may_record_predicates,
    may_revoke,
)
from zona.national.models import (
    MonitoringOutcome,
    PredicateKind,
    PredicateStatus,
    RevocationSource,
)
from zona.national.selectors.core import national_settings, revocation_block
from zona.national.selectors.history import agency_history, history_years, unit_history
from zona.national.selectors.predicates import (
    agencies,
    agency_register,
    assignments_of,
    default_monitor,
    grounds_name,
    is_monitor,
    is_national,
    monitor_queue,
    monitor_unit_choices,
    monitor_user_choices,
    national_register,
    public_register,
    recommending_rounds,
    register_years,
    revocation_grounds,
    rounds_of,
    sheets_for_round,
    unit_by_code,
)
from zona.national.services.monitoring import (
    monitor_assign,
    monitoring_conclude,
    monitoring_link_sheet,
    monitoring_start,
)
from zona.national.services.predicates import RevocationInput, predicate_revoke
from zona.national.services.register import predicate_grant
from zona.national.tables.monitoring import MONITORING_ROUND
from zona.workflow.engine import refusal

PER_PAGE = 25
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page") or 1)


# --- the register ----------------------------------------------------------------------------


@login_required
def agency_predicates(request: AuthedRequest, agency_id: int) -> HttpResponse:
    agency = access_register_agency(request.user, agency_id)
    page = _page(request, agency_register(agency))
    return render(
        request,
        "national/predicates/agency_register.html",
        {"agency": agency, "page": page, "today": timezone.localdate()},
    )


@login_required
def national_predicates(request: AuthedRequest) -> HttpResponse:
    if not is_national(request.user):
        raise Http404
    year = int_or_none(request.GET.get("year"), minimum=1900, maximum=2999)
    kind = request.GET.get("kind", "")
    kind = kind if kind in PredicateKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in PredicateStatus.values else ""
    agency = int_or_none(request.GET.get("agency"))
    rows = national_register(year=year, kind=kind, status=status, agency=agency)
    return render(
        request,
        "national/predicates/national_register.html",
        {
            "page": _page(request, rows),
            "years": register_years(),
            "agencies": agencies(),
            "kinds": PredicateKind.choices,
            "statuses": PredicateStatus.choices,
            "f": {"year": year, "kind": kind, "status": status, "agency": agency},
            "may_record": may_record_predicates(request.user),
        },
    )


class RecordForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("Unit code"),
        max_length=64,
        help_text=gettext_lazy("The code of the unit in Zona, e.g. KPM-AHU-SBY."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Predicate"), choices=PredicateKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2999)
    decree_number = forms.CharField(
        label=gettext_lazy("Decree number"), max_length=200, required=False
    )
    decree_date = forms.DateField(label=gettext_lazy("Decree date"), widget=DATE, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def predicate_record(request: AuthedRequest) -> HttpResponse:
    if not may_record_predicates(request.user):
        raise Http404
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = unit_by_code(d["unit"])
        if unit is None:
            form.add_error("unit", _("No unit has this code."))
        else:
            try:
                predicate = predicate_grant(
                    actor=request.user,
                    unit=unit,
                    kind=d["kind"],
                    year=d["year"],
                    decree_number=d["decree_number"] or "",
                    decree_date=d["decree_date"],
                )
            except ZonaError as exc:
                show_form_problems(request, form, exc)
            else:
                messages.success(request, _("The predicate was recorded in the register."))
                return redirect("national:predicate", predicate.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "national/predicates/record.html", {"form": form}, status=status)


class RevokeForm(forms.Form):
    grounds = forms.ChoiceField(label=gettext_lazy("Grounds"))
    grounds_note = forms.CharField(
        label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        choices=[("", "—"), *RevocationSource.choices],
        required=False,
    )
    source_reference = forms.CharField(
        label=gettext_lazy("Source reference"), max_length=300, required=False
    )
    monitoring_round = forms.ChoiceField(
        label=gettext_lazy("Monitoring round"), required=False, choices=[]
    )
    confirmed_by = forms.CharField(
        label=gettext_lazy("Confirmed with the TPI by"), max_length=200, required=False
    )
    confirmed_on = forms.DateField(label=gettext_lazy("Confirmed on"), widget=DATE, required=False)
    decided_on = forms.DateField(label=gettext_lazy("Decision date"), widget=DATE, required=False)

    def __init__(self, *args: Any, rounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = {str(r.pk): r for r in rounds}
        cast(forms.ChoiceField, self.fields["grounds"]).choices = [("", "—"), *revocation_grounds()]
        self.fields["grounds"].required = False
        cast(forms.ChoiceField, self.fields["monitoring_round"]).choices = [("", "—")] + [
            (str(r.pk), f"{r.due_on:%d-%m-%Y} · {r.get_outcome_display()}") for r in rounds
        ]

    def revocation_input(self) -> RevocationInput:
        d = self.cleaned_data
        return RevocationInput(
            grounds=d.get("grounds") or "",
            grounds_note=d.get("grounds_note") or "",
            source=d.get("source") or "",
            source_reference=d.get("source_reference") or "",
            monitoring_round=self.rounds.get(d.get("monitoring_round") or ""),
            confirmed_by=d.get("confirmed_by") or "",
            confirmed_on=d.get("confirmed_on"),
            decided_on=d.get("decided_on"),
        )


@login_required
@require_http_methods(["GET", "POST"])
def predicate_detail(request: AuthedRequest, predicate_id: int) -> HttpResponse:
    predicate = access_predicate_by_id(request.user, predicate_id)
    rounds = recommending_rounds(predicate)
    initial: dict[str, Any] = {}
    if rounds:
        initial = {"source": RevocationSource.MONITORING, "monitoring_round": str(rounds[0].pk)}
    form = RevokeForm(request.POST or None, rounds=rounds, initial=initial)
    revoking = may_revoke(request.user) and predicate.status == PredicateStatus.HELD
    if request.method == "POST":
        if not revoking:
            raise Http404
        if form.is_valid():
            try:
                predicate_revoke(
                    actor=request.user, predicate=predicate, data=form.revocation_input()
                )
            except ZonaError as exc:
                show_form_problems(request, form, exc)
            else:
                messages.success(request, _("The predicate was revoked."))
                return redirect("national:predicate", predicate.pk)
    revocation = getattr(predicate, "revocation", None)
    return render(
        request,
        "national/predicates/predicate.html",
        {
            "predicate": predicate,
            "rounds": rounds_of(predicate),
            "revocation": revocation,
            "grounds": grounds_name(revocation.grounds) if revocation else "",
            "form": form if revoking else None,
            "blocked_until": revocation_block(predicate.unit, timezone.localdate()),
        },
        status=400 if request.method == "POST" else 200,
    )


def public_predicates(request: HttpRequest) -> HttpResponse:
    """The public register: no login; 404 unless the national administrator made it public."""
    if not national_settings().public_registry:
        raise Http404
    return render(
        request,
        "national/predicates/public_register.html",
        {"page": _page(request, public_register())},
    )


# --- monitoring ------------------------------------------------------------------------------


@login_required
def monitoring_queue(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "national/predicates/queue.html",
        {"rows": monitor_queue(request.user, today), "today": today},
    )


class LinkForm(forms.Form):
    assessment = forms.ChoiceField(label=gettext_lazy("Sheet of the current period"))


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[("", "—"), *MonitoringOutcome.choices]
    )
    findings = forms.CharField(
        label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _round_page(request: AuthedRequest, rnd: Any, status: int = 200, **forms_: Any) -> HttpResponse:
    acts = {
        a: refusal(MONITORING_ROUND, rnd, a, request.user)
        for a in MONITORING_ROUND.actions_from(rnd.status)
    }
    sheets = sheets_for_round(rnd)
    link = forms_.get("link") or LinkForm(initial={"assessment": rnd.assessment_id})
    cast(forms.ChoiceField, link.fields["assessment"]).choices = [
        (s.pk, f"{s.period.title} · {s.get_status_display()}") for s in sheets
    ]
    return render(
        request,
        "national/predicates/round.html",
        {
            "round": rnd,
            "predicate": rnd.predicate,
            "acts": acts,
            "monitor": is_monitor(request.user, rnd) or is_national(request.user),
            "link_form": link,
            "sheets": sheets,
            "conclude_form": forms_.get("conclude") or ConcludeForm(),
            "today": timezone.localdate(),
            "may_revoke": may_revoke(request.user),
        },
        status=status,
    )


@login_required
def monitoring_round(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = access_monitoring_round_by_id(request.user, round_id)
    return _round_page(request, rnd)


@login_required
@require_POST
def monitoring_round_start(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = access_monitoring_round_by_id(request.user, round_id)
    try:
        monitoring_start(actor=request.user, rnd=rnd)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The monitoring round has started."))
    return redirect("national:monitoring_round", rnd.pk)


@login_required
@require_POST
def monitoring_round_link(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = access_monitoring_round_by_id(request.user, round_id)
    try:
        monitoring_link_sheet(
            actor=request.user,
            rnd=rnd,
            assessment_id=int_or_none(request.POST.get("assessment")),
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The sheet and its scores are kept with the round."))
    return redirect("national:monitoring_round", rnd.pk)


@login_required
@require_POST
def monitoring_round_conclude(request: AuthedRequest, round_id: int) -> HttpResponse:
    rnd = access_monitoring_round_by_id(request.user, round_id)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            monitoring_conclude(
                actor=request.user,
                rnd=rnd,
                outcome=d["outcome"],
                findings=d.get("findings") or "",
                follow_up=d.get("follow_up") or "",
            )
        except ZonaError as exc:
            flash_error(request, exc)
            return _round_page(request, rnd, status=400, conclude=form)
        messages.success(request, _("The monitoring round is concluded."))
        return redirect("national:monitoring_round", rnd.pk)
    return _round_page(request, rnd, status=400, conclude=form)


class MonitorForm(forms.Form):
    monitor_unit = forms.ChoiceField(label=gettext_lazy("Monitoring unit"))
    users = forms.MultipleChoiceField(
        label=gettext_lazy("Monitors (people)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, units: list[Any], people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.people = {str(u.pk): u for u in people}
        cast(forms.ChoiceField, self.fields["monitor_unit"]).choices = [
            (k, u.name) for k, u in self.units.items()
        ]
        cast(forms.ChoiceField, self.fields["users"]).choices = [
            (k, u.display_name if hasattr(u, "display_name") else str(u))
            for k, u in self.people.items()
        ]


@login_required
@require_http_methods(["GET", "POST"])
def monitors(request: AuthedRequest, agency_id: int) -> HttpResponse:
    agency = access_monitor_agency(request.user, agency_id)
    units = monitor_unit_choices(agency)
    people = monitor_user_choices(agency)
    current = assignments_of(agency)
    forms_by_kind = {}
    status = 200
    for kind in PredicateKind.values:
        a = current.get(kind)
        initial = (
            {"monitor_unit": str(a.monitor_unit_id), "users": [str(u.pk) for u in a.users.all()]}
            if a
            else {}
        )
        posted = request.method == "POST" and request.POST.get("kind") == kind
        form = MonitorForm(
            request.POST if posted else None,
            initial=initial,
            units=units,
            people=people,
            prefix=kind.lower(),
        )
        if posted and form.is_valid():
            try:
                monitor_assign(
                    actor=request.user,
                    agency=agency,
                    kind=kind,
                    monitor_unit=form.units.get(form.cleaned_data["monitor_unit"]),
                    team=a.team if a else None,
                    users=[form.people[k] for k in form.cleaned_data["users"]],
                )
            except ZonaError as exc:
                show_form_problems(request, form, exc)
                status = 400
            else:
                messages.success(request, _("The monitor was set."))
                return redirect("national:monitors", agency.pk)
        elif posted:
            status = 400
        forms_by_kind[kind] = (form, a, default_monitor(kind))
    return render(
        request,
        "national/predicates/monitors.html",
        {"agency": agency, "forms": forms_by_kind},
        status=status,
    )


# --- history ---------------------------------------------------------------------------------


@login_required
def unit_history_page(request: AuthedRequest, unit_id: int) -> HttpResponse:
    unit = access_history_unit(request.user, unit_id)
    return render(
        request,
        "national/predicates/unit_history.html",
        {
            "unit": unit,
            "attempts": unit_history(unit),
            "blocked_until": revocation_block(unit, timezone.localdate()),
        },
    )


@login_required
def agency_history_page(request: AuthedRequest, agency_id: int) -> HttpResponse:
    agency = access_register_agency(request.user, agency_id)
    year = int_or_none(request.GET.get("year"), minimum=1900, maximum=2999)
    page, rows = agency_history(agency, year=year, page=request.GET.get("page") or 1)
    return render(
        request,
        "national/predicates/agency_history.html",
        {
            "agency": agency,
            "page": page,
            "rows": rows,
            "year": year,
            "years": history_years(agency),
        },
    )


urlpatterns = [
    path("agencies/<int:agency_id>/predicates/", agency_predicates, name="agency_predicates"),
    path("national/predicates/", national_predicates, name="predicates"),
    path("national/predicates/new/", predicate_record, name="predicate_record"),
    path("national/predicates/<int:predicate_id>/", predicate_detail, name="predicate"),
    path("predikat/", public_predicates, name="public_predicates"),
    path("monitoring/", monitoring_queue, name="monitoring"),
    path("monitoring/<int:round_id>/", monitoring_round, name="monitoring_round"),
    path("monitoring/<int:round_id>/start/", monitoring_round_start, name="monitoring_round_start"),
    path("monitoring/<int:round_id>/link/", monitoring_round_link, name="monitoring_round_link"),
    path(
        "monitoring/<int:round_id>/conclude/",
        monitoring_round_conclude,
        name="monitoring_round_conclude",
    ),
    path("agencies/<int:agency_id>/monitors/", monitors, name="monitors"),
    path("units/<int:unit_id>/history/", unit_history_page, name="unit_history"),
    path("agencies/<int:agency_id>/history/", agency_history_page, name="agency_history"),
]
