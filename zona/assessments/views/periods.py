"""Agency admins open periods and create the assessments of chosen units in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zona.accounts.access import Perm, has_perm_anywhere, units_where
from zona.accounts.models import Unit, UnitKind
from zona.assessments.access import (
    access_period_by_id,
    periods_managed_by,
    units_of_agency_by_ids,
)
from zona.assessments.models import Period, PeriodStatus, Target
from zona.assessments.selectors import assessments_with_progress
from zona.assessments.selectors.periods import (
    period_assessments,
    period_candidates,
    unit_kinds_by_depth,
)
from zona.assessments.services import (
    DeadlineInput,
    assessment_create_many,
    period_create,
    period_update,
)
from zona.assessments.views._common import AuthedRequest, error_text
from zona.core.errors import ValidationFailed, ZonaError
from zona.frameworks.models import Framework

# The period page's sheets per page, and the units offered for new sheets before a search.
SHEETS_PER_PAGE = 50
CANDIDATES_SHOWN = 500


class PeriodForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=Unit.objects.none())
    framework = forms.ModelChoiceField(
        label=gettext_lazy("LKE version"), queryset=Framework.objects.none()
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=PeriodStatus.choices)
    require_complete = forms.BooleanField(
        label=gettext_lazy("Require complete sheets"),
        required=False,
        help_text=gettext_lazy(
            "Units can submit only when every item is answered and has evidence."
        ),
    )

    def __init__(self, *args: Any, user: Any, editing: Period | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = units_where(user, Perm.PERIOD_MANAGE).filter(depth=1)  # type: ignore[attr-defined]
        self.fields["framework"].queryset = Framework.objects.order_by("key", "-version")  # type: ignore[attr-defined]
        if editing is None:
            del self.fields["status"]
        else:
            for name in ("agency", "framework", "year"):
                del self.fields[name]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


def _levels(agencies: list[Unit]) -> list[dict[str, Any]]:
    """Tree levels below the agencies, labelled with the kinds of unit found there."""
    return [
        {"level": depth, "label": ", ".join(sorted(str(UnitKind(k).label) for k in kinds))}
        for depth, kinds in sorted(unit_kinds_by_depth(agencies).items())
    ]


def _level_rows(levels: list[dict[str, Any]], values: Any) -> list[dict[str, Any]]:
    return [
        {
            **entry,
            **{
                key: values.get(f"deadline-{entry['level']}-{key}", "")
                for key in ("fill", "review", "revision")
            },
        }
        for entry in levels
    ]


def _deadlines(data: Any, levels: list[dict[str, Any]]) -> list[DeadlineInput]:
    result = []
    problems = []
    for entry in levels:
        level = entry["level"]
        raw = {
            key: (data.get(f"deadline-{level}-{key}") or "").strip()
            for key in ("fill", "review", "revision")
        }
        if not any(raw.values()):
            continue
        parsed: dict[str, dt.date | None] = {}
        for key, value in raw.items():
            try:
                parsed[key] = parse_date(value) if value else None
            except ValueError:
                parsed[key] = None
            if value and parsed[key] is None:
                problems.append(_("Level %(level)s: give dates as YYYY-MM-DD.") % {"level": level})
        fill = parsed["fill"]
        if fill is None:
            problems.append(
                _(
                    "Level %(level)s: the self-assessment deadline is required when other "
                    "dates are given."
                )
                % {"level": level}
            )
            continue
        result.append(DeadlineInput(level, fill, parsed["review"], parsed["revision"]))
    if problems:
        raise ValidationFailed(" ".join(problems))
    return result


@login_required
def period_list(request: AuthedRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.PERIOD_MANAGE):
        raise Http404
    periods = periods_managed_by(request.user).annotate(
        n_total=Count("assessments"),
        n_submitted=Count("assessments", filter=Q(assessments__status="submitted")),
    )
    return render(request, "assessments/period_list.html", {"periods": periods})


@login_required
@require_http_methods(["GET", "POST"])
def period_create_view(request: AuthedRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.PERIOD_MANAGE):
        raise Http404
    form = PeriodForm(request.POST or None, user=request.user)
    agencies = list(form.fields["agency"].queryset)  # type: ignore[attr-defined]
    levels = _levels(agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = period_create(
                actor=request.user,
                agency=data["agency"],
                year=data["year"],
                title=data["title"],
                framework=data["framework"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                deadlines=_deadlines(request.POST, levels),
                require_complete=data["require_complete"],
            )
        except ZonaError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The period was opened. Now choose the units."))
            return redirect("assessments:period_detail", pk=period.pk)
    if not request.POST:
        today = timezone.localdate()
        form.initial = {
            "year": today.year,
            "title": f"PMPZI {today.year}",
            "framework": form.fields["framework"].queryset.first(),  # type: ignore[attr-defined]
            "agency": agencies[0] if agencies else None,
        }
    return render(
        request,
        "assessments/period_form.html",
        {"form": form, "levels": _level_rows(levels, request.POST), "period": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    period = access_period_by_id(request.user, pk)
    levels = _levels([period.agency])
    initial = {
        "title": period.title,
        "opens_on": period.opens_on,
        "closes_on": period.closes_on,
        "status": period.status,
        "require_complete": period.require_complete,
    }
    form = PeriodForm(request.POST or None, user=request.user, editing=period, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period_update(
                actor=request.user,
                period=period,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                status=data["status"],
                deadlines=_deadlines(request.POST, levels),
                require_complete=data["require_complete"],
            )
        except ZonaError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The period was saved."))
            return redirect("assessments:period_detail", pk=pk)
    values: Any = request.POST
    if request.method == "GET":
        values = {}
        for d in period.deadlines.all():
            values[f"deadline-{d.level}-fill"] = d.fill_deadline.isoformat()
            values[f"deadline-{d.level}-review"] = (
                d.review_deadline.isoformat() if d.review_deadline else ""
            )
            values[f"deadline-{d.level}-revision"] = (
                d.revision_deadline.isoformat() if d.revision_deadline else ""
            )
    return render(
        request,
        "assessments/period_form.html",
        {"form": form, "levels": _level_rows(levels, values), "period": period},
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    period = access_period_by_id(request.user, pk)
    if request.method == "POST":
        units = units_of_agency_by_ids(period.agency, request.POST.getlist("units"))
        targets = {
            unit: request.POST.get(f"target-{unit.pk}", Target.WBK) for unit in units.values()
        }
        try:
            result = assessment_create_many(
                actor=request.user,
                period=period,
                targets=targets,
                carry_forward=request.POST.get("carry_forward") == "1",
            )
        except ZonaError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(n)d assessments created (%(carried)d started from the previous one).")
                % {"n": len(result.created), "carried": result.carried},
            )
            if result.existing:
                messages.info(
                    request,
                    _("Already had an assessment: %(units)s.")
                    % {"units": ", ".join(u.name for u in result.existing)},
                )
        return redirect("assessments:period_detail", pk=pk)
    # A national agency's period holds thousands of sheets: one page of them at a time.
    page = Paginator(period_assessments(period), SHEETS_PER_PAGE).get_page(request.GET.get("page"))
    rows = assessments_with_progress(page.object_list)
    have = period_assessments(period).values("unit_id")
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", UnitKind.SATKER if "kind" not in request.GET else "")
    shown = list(
        period_candidates(period, exclude=have, kind=kind, query=query)[: CANDIDATES_SHOWN + 1]
    )
    return render(
        request,
        "assessments/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "page": page,
            "deadlines": list(period.deadlines.all()),
            "candidates": shown[:CANDIDATES_SHOWN],
            "candidates_more": len(shown) > CANDIDATES_SHOWN,
            "candidates_shown": CANDIDATES_SHOWN,
            "query": query,
            "kind": kind,
            "kinds": UnitKind.choices,
            "targets": Target.choices,
        },
    )
