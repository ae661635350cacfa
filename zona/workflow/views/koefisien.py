"""Koefisien (issue 10 §6): the agency's kinds of event (its administrator), and the events on
a sheet (reviewers record and withdraw; everyone who sees the sheet reads them, with the
score before and after). The review page shows the sheet's koefisien (`review_panel`)."""

from __future__ import annotations

from typing import Any, cast

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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.models import Unit
from zona.assessments.models import Assessment
from zona.assessments.selectors import PREVIEWABLE_TYPES
from zona.assessments.uploads import allowed_types_text
from zona.assessments.views._common import AuthedRequest, flash_error, show_form_problems
from zona.core.errors import ZonaError
from zona.workflow.engine import refusal
from zona.workflow.models import DeductionMode, KoefisienKind
from zona.workflow.selectors.koefisien import (
    KoefisienRights,
    access_event_by_id,
    access_kind_by_id,
    access_koefisien_agency,
    access_koefisien_sheet,
    agency_of,
    deduction_text,
    kinds_of,
    koefisien_rights,
    koefisien_summary,
    record_refusal,
)
from zona.workflow.services.koefisien import (
    EventInput,
    KindInput,
    koefisien_kind_create,
    koefisien_kind_update,
    koefisien_kinds_take_starters,
    koefisien_record,
    koefisien_withdraw,
    starter_kinds,
)
from zona.workflow.tables.koefisien import KOEFISIEN_EVENT

# --- the agency's kinds ---------------------------------------------------------------------


class KindForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Letters, digits and hyphens; made from the name when empty."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mode = forms.ChoiceField(label=gettext_lazy("Deduction"), choices=DeductionMode.choices)
    # Text, not a number field: the service checks it and says what is wrong in words.
    value = forms.CharField(
        label=gettext_lazy("Value"),
        max_length=20,
        help_text=gettext_lazy(
            "A factor from above 0 to 1 (0.9), or points from above 0 to 100 (5)."
        ),
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    position = forms.IntegerField(
        label=gettext_lazy("Order"), required=False, min_value=0, max_value=32000, initial=0
    )

    def kind_input(self) -> KindInput:
        d = self.cleaned_data
        return KindInput(
            name=d["name"],
            code=d.get("code") or "",
            description=d.get("description") or "",
            mode=d["mode"],
            value=d["value"],
            active=bool(d.get("active")),
            position=d.get("position") or 0,
        )


def _kinds_page(
    request: AuthedRequest, agency: Unit, form: KindForm, *, kind: KoefisienKind | None = None
) -> HttpResponse:
    kinds = kinds_of(agency)
    have = {k.code for k in kinds}
    return render(
        request,
        "workflow/koefisien/kinds.html",
        {
            "agency": agency,
            "kinds": [(k, deduction_text(k.mode, k.value)) for k in kinds],
            "form": form,
            "editing": kind,
            "starters": [s for s in starter_kinds() if s.code not in have],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def koefisien_kinds(request: AuthedRequest, unit_id: int) -> HttpResponse:
    agency = access_koefisien_agency(request.user, unit_id)
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            koefisien_kind_create(actor=request.user, agency=agency, data=form.kind_input())
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Kind added."))
            return redirect("workflow:koefisien_kinds", agency.pk)
    return _kinds_page(request, agency, form)


@login_required
@require_http_methods(["GET", "POST"])
def koefisien_kind(request: AuthedRequest, unit_id: int, kid: int) -> HttpResponse:
    agency = access_koefisien_agency(request.user, unit_id)
    kind = access_kind_by_id(request.user, agency, kid)
    initial = {
        "name": kind.name,
        "code": kind.code,
        "description": kind.description,
        "mode": kind.mode,
        "value": f"{kind.value.normalize():f}",
        "active": kind.active,
        "position": kind.position,
    }
    form = KindForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            koefisien_kind_update(actor=request.user, kind=kind, data=form.kind_input())
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Kind saved."))
            return redirect("workflow:koefisien_kinds", agency.pk)
    return _kinds_page(request, agency, form, kind=kind)


@login_required
@require_POST
def koefisien_starters(request: AuthedRequest, unit_id: int) -> HttpResponse:
    agency = access_koefisien_agency(request.user, unit_id)
    added = koefisien_kinds_take_starters(actor=request.user, agency=agency)
    messages.success(
        request,
        _("%(n)s kinds added from the starting set; check their values.") % {"n": len(added)},
    )
    return redirect("workflow:koefisien_kinds", agency.pk)


# --- the events of a sheet ------------------------------------------------------------------


class EventForm(forms.Form):
    tier = forms.ChoiceField(label=gettext_lazy("Review tier"))
    kind = forms.TypedChoiceField(label=gettext_lazy("Kind"), coerce=int)
    occurred_on = forms.DateField(
        label=gettext_lazy("Date of the event"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Where it is known from: a court decision, a news link, a report."),
    )
    evidence_file = forms.FileField(label=gettext_lazy("Evidence file"), required=False)
    evidence_url = forms.CharField(
        label=gettext_lazy("Or a link to the evidence"), required=False, max_length=2000
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    internal_note = forms.CharField(
        label=gettext_lazy("Internal note (reviewers only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, rights: KoefisienRights, kinds: list[KoefisienKind], **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["tier"]).choices = [
            (t.code, t.name) for t in rights.tiers
        ]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k.pk, f"{k.name} ({deduction_text(k.mode, k.value)})") for k in kinds
        ]

    def event_input(self) -> EventInput:
        d = self.cleaned_data
        return EventInput(
            kind=d["kind"],
            occurred_on=d["occurred_on"],
            source=d["source"],
            note=d.get("note") or "",
            internal_note=d.get("internal_note") or "",
            evidence_url=d.get("evidence_url") or "",
            evidence_file=d.get("evidence_file"),
        )


def _sheet_context(
    request: AuthedRequest, assessment: Assessment, rights: KoefisienRights
) -> dict[str, Any]:
    summary = koefisien_summary(assessment)
    rows = []
    for event in summary.events:
        withdraw = None
        if rights.is_reviewer and rights.acts_in(event.tier_id):
            refused = refusal(
                KOEFISIEN_EVENT, event, "withdraw", request.user, tier=event.tier, reason="-"
            )
            withdraw = {"allowed": refused is None, "refusal": refused}
        rows.append(
            {
                "event": event,
                "deduction": deduction_text(event.mode, event.value),
                "withdraw": withdraw,
            }
        )
    return {
        "assessment": assessment,
        "rights": rights,
        "summary": summary,
        "rows": rows,
        "back_url": reverse("workflow:review", args=[assessment.pk])
        if rights.is_reviewer
        else reverse("assessments:worksheet", args=[assessment.pk]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def koefisien_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sheet's koefisien: events and the score before/after (everyone who sees the
    sheet); reviewers of the unit record events here."""
    assessment, rights = access_koefisien_sheet(request.user, pk)
    if request.method == "POST" and not rights.is_reviewer:
        raise Http404
    kinds = kinds_of(agency_of(assessment), active_only=True) if rights.is_reviewer else []
    form = None
    refused = None
    if rights.is_reviewer:
        wanted = rights.tier(request.POST.get("tier") or request.GET.get("tier"))
        refused = record_refusal(request.user, assessment, wanted)
        form = EventForm(
            request.POST or None,
            request.FILES or None,
            rights=rights,
            kinds=kinds,
            initial={"tier": wanted.code if wanted else "", "occurred_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                koefisien_record(
                    actor=request.user,
                    assessment=assessment,
                    tier=rights.tier(form.cleaned_data["tier"]),
                    data=form.event_input(),
                )
            except ZonaError as exc:
                show_form_problems(request, form, exc)
            else:
                messages.success(
                    request, _("Event recorded; the score was updated and the unit was told.")
                )
                return redirect("workflow:koefisien_sheet", assessment.pk)
    return render(
        request,
        "workflow/koefisien/sheet.html",
        {
            **_sheet_context(request, assessment, rights),
            "form": form,
            "record_refusal": refused,
            "kinds": kinds,
            "types": allowed_types_text(),
        },
    )


@login_required
@require_POST
def koefisien_withdraw_view(request: AuthedRequest, pk: int, eid: int) -> HttpResponse:
    assessment, rights = access_koefisien_sheet(request.user, pk)
    if not rights.is_reviewer:
        raise Http404
    event = access_event_by_id(request.user, assessment, eid)
    try:
        koefisien_withdraw(actor=request.user, event=event, reason=request.POST.get("reason", ""))
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request, _("Event withdrawn; the score was updated and the unit was told.")
        )
    return redirect(reverse("workflow:koefisien_sheet", args=[assessment.pk]) + f"#event-{eid}")


@csp_exempt()  # type: ignore[arg-type]
@login_required
def koefisien_file(request: AuthedRequest, pk: int, eid: int) -> HttpResponseBase:
    """An event's evidence file, after the access check; never through a public media URL."""
    assessment, _rights = access_koefisien_sheet(request.user, pk)
    event = access_event_by_id(request.user, assessment, eid)
    if not event.evidence_file:
        raise Http404
    try:
        handle = default_storage.open(event.evidence_file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = event.evidence_type in PREVIEWABLE_TYPES and request.GET.get("download") != "1"
    response = FileResponse(
        handle,
        content_type=event.evidence_type or "application/octet-stream",
        as_attachment=not inline,
        filename=event.evidence_name or "evidence",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        if event.evidence_type == "application/pdf"
        else "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; sandbox"
    )
    return response


# --- the review page's hook (zona/workflow/panels.py) --------------------------------------


def review_panel(request: Any, assessment: Assessment, review: Any) -> str:
    """The sheet's koefisien and the effective score before/after them (two queries, three
    for a reviewer). Nothing for a reader when the sheet has no events."""
    rights = koefisien_rights(request.user, assessment)
    summary = koefisien_summary(assessment)
    if not summary.events and not rights.is_reviewer:
        return ""
    return render_to_string(
        "workflow/koefisien/_review_panel.html",
        {
            "assessment": assessment,
            "rights": rights,
            "summary": summary,
            "rows": [
                {"event": e, "deduction": deduction_text(e.mode, e.value)} for e in summary.counted
            ],
        },
        request=request,
    )


urlpatterns = [
    path("manage/agencies/<int:unit_id>/koefisien/", koefisien_kinds, name="koefisien_kinds"),
    path(
        "manage/agencies/<int:unit_id>/koefisien/<int:kid>/",
        koefisien_kind,
        name="koefisien_kind",
    ),
    path(
        "manage/agencies/<int:unit_id>/koefisien/starters/",
        koefisien_starters,
        name="koefisien_starters",
    ),
    path("assessments/<int:pk>/koefisien/", koefisien_sheet, name="koefisien_sheet"),
    path(
        "assessments/<int:pk>/koefisien/<int:eid>/withdraw/",
        koefisien_withdraw_view,
        name="koefisien_withdraw",
    ),
    path("assessments/<int:pk>/koefisien/<int:eid>/file/", koefisien_file, name="koefisien_file"),
]
