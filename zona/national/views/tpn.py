"""The TPN's pages (issue 11 §3): the TPN's queue of nominations by stage (`/tpn/`), and one
nomination's page (`/nominations/<id>/`) with its stage timeline, which the unit's people
and the agency read too; the TPN's actions and the agency's appeal are forms on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zona.accounts.access import review_tiers_for
from zona.accounts.models import Unit
from zona.core.api.params import int_or_none
from zona.national.access_tpn import (
    access_nomination_by_id,
    is_tpn_member,
    may_upload_follow_up,
    nominations_visible_to,
    sees_all_nominations,
    speaks_for_agency,
)
from zona.national.models import (
    ClearanceBody,
    ClearanceResult,
    FieldMode,
    FollowUpItem,
    FollowUpKind,
    Nomination,
    NominationStatus,
    SamplingMethod,
)
from zona.national.selectors.tpn import (
    STAGE_ORDER,
    QueueFilters,
    agency_nominations,
    follow_up_item,
    queue,
    queue_choices,
    records_of,
    stage_counts,
    tpn_members,
)
from zona.national.services.tpn import (
    DECISIONS,
    ClearanceInput,
    FieldInput,
    clearance_record,
    field_save,
    follow_up_accept,
    follow_up_upload,
    nomination_appeal,
    nomination_award,
    nomination_decide,
    sampling_set,
)
from zona.national.tables.nomination import NOMINATION, appeal_last_day
from zona.national.views._common import form_post
from zona.workflow.engine import refusal

PAGE_SIZE = 25
S = NominationStatus


class DecisionForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Date"), required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=5000)
    members = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Members"), required=False, coerce=int, choices=()
    )


class AwardForm(forms.Form):
    decree_number = forms.CharField(label=gettext_lazy("Decree number"), required=False)
    decree_date = forms.DateField(label=gettext_lazy("Decree date"), required=False)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=5000)


class FieldForm(forms.Form):
    scheduled_on = forms.DateField(label=gettext_lazy("Date of the evaluation"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=FieldMode.choices)
    place = forms.CharField(label=gettext_lazy("Place or meeting link"), required=False)
    interviews = forms.CharField(label=gettext_lazy("Interviews"), required=False)
    observations = forms.CharField(label=gettext_lazy("Observations"), required=False)
    findings = forms.CharField(label=gettext_lazy("Findings"), required=False)
    findings_file = forms.FileField(label=gettext_lazy("Findings file"), required=False)


class ClearanceForm(forms.Form):
    body = forms.ChoiceField(label=gettext_lazy("From"), choices=ClearanceBody.choices)
    result = forms.ChoiceField(
        label=gettext_lazy("Clearance result"), choices=ClearanceResult.choices
    )
    issued_on = forms.DateField(label=gettext_lazy("Date"), required=False)
    reference = forms.CharField(label=gettext_lazy("Reference"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False)
    document = forms.FileField(label=gettext_lazy("Document"), required=False)


def _decision_form(data: Any = None) -> DecisionForm:
    form = DecisionForm(data)
    field = form.fields["members"]
    assert isinstance(field, forms.TypedMultipleChoiceField)
    field.choices = [(u.pk, u.display_name) for u in tpn_members()]
    return form


def _page_url(request: HttpRequest, **changes: Any) -> str:
    params = {k: v for k, v in request.GET.items() if v}
    params.update(changes)
    return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- the queue --------------------------------------------------------------------------------


@login_required
def tpn_queue(request: HttpRequest) -> HttpResponse:
    if not sees_all_nominations(request.user):
        raise Http404
    visible = nominations_visible_to(request.user)
    stage = request.GET.get("stage", "")
    filters = QueueFilters(
        year=int_or_none(request.GET.get("year")),
        agency=int_or_none(request.GET.get("agency")),
        stage=stage if stage in S.values else "",
    )
    rows = queue(visible, filters)
    counts = stage_counts(queue(visible, QueueFilters(year=filters.year, agency=filters.agency)))
    years, agencies = queue_choices(visible)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "national/tpn/queue.html",
        {
            "page": page,
            "filters": filters,
            "years": years,
            "agencies": agencies,
            "stages": [(s, S(s).label, counts.get(s, 0)) for s in STAGE_ORDER],
            "total": sum(counts.values()),
            "prev_url": _page_url(request, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _page_url(request, page=page.next_page_number()) if page.has_next() else "",
            "is_tpn": is_tpn_member(request.user),
            "sampling_methods": SamplingMethod.choices,
        },
    )


# --- one nomination ---------------------------------------------------------------------------


def _actions(nomination: Nomination, user: Any) -> list[dict[str, Any]]:
    """The TPN's decisions the stage allows, with the reason a button is off."""
    if not is_tpn_member(user):
        return []
    today = timezone.localdate()
    rows = []
    for action in NOMINATION.actions_from(nomination.status):
        if action not in DECISIONS or action.endswith("_unsampled"):
            continue
        if action in ("pass", "resolve", "uphold") and nomination.sampled is False:
            action = f"{action}_unsampled"
        if action in ("clear", "not_cleared"):
            continue  # recording the clearances moves the stage
        refused = refusal(NOMINATION, nomination, action, user, data={"held_on": today})
        base = action.removesuffix("_unsampled")
        rows.append(
            {
                "action": base,
                "label": NOMINATION.transition(action).label,
                "refusal": refused
                if refused is None or refused.code not in ("reason_required", "follow_up_required")
                else None,
                "needs_reason": base in ("fail", "reject_appeal", "not_award"),
                "follow_up": base == "pass_with_notes",
            }
        )
    return rows


@login_required
def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = access_nomination_by_id(request.user, nomination_id)
    user = request.user
    records = records_of(nomination)
    tpn = is_tpn_member(user)
    last = appeal_last_day(nomination) if nomination.status == S.FAILED else None
    # At desk evaluation the TPN works on its own layer of the sheet: link its review page.
    desk_url = ""
    if nomination.status == S.DESK:
        national = [t for t in review_tiers_for(user, nomination.unit) if t.agency_id is None]
        if national:
            desk_url = reverse(
                "workflow:review_tier", args=[nomination.assessment_id, national[0].code]
            )
    return render(
        request,
        "national/tpn/nomination.html",
        {
            "nomination": nomination,
            "records": records,
            "stage_rows": [(s, NOMINATION.transition(s.action).label) for s in records.stages],
            "is_tpn": tpn,
            "desk_url": desk_url,
            "actions": _actions(nomination, user),
            "decision_form": _decision_form(),
            "follow_up_kinds": FollowUpKind.choices,
            "may_upload": may_upload_follow_up(user, nomination)
            and nomination.status == S.FOLLOW_UP,
            "may_appeal": nomination.status == S.FAILED
            and speaks_for_agency(user, nomination.proposal.agency),
            "appeal_last_day": last,
            "field_form": FieldForm(
                initial={
                    "scheduled_on": records.field.scheduled_on if records.field else None,
                    "mode": records.field.mode if records.field else FieldMode.VISIT,
                    "place": records.field.place if records.field else "",
                }
            ),
            "clearance_form": ClearanceForm(),
            "award_form": AwardForm(),
            "today": timezone.localdate(),
            "stage_label": S(nomination.status).label,
        },
    )


def _invalid(request: HttpRequest, form: forms.Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")


# --- the forms on a nomination's page: each fetches its object, acts, and goes back ----------


def _nomination(request: HttpRequest, nomination_id: int) -> Nomination:
    return access_nomination_by_id(request.user, nomination_id)


def _follow_up(request: HttpRequest, nomination_id: int, item_id: int) -> FollowUpItem:
    item = follow_up_item(_nomination(request, nomination_id), item_id)
    if item is None:
        raise Http404
    return item


def _page_of(anchor: str = "") -> Callable[[Nomination], str]:
    return lambda nomination: reverse("national:nomination", args=[nomination.pk]) + anchor


def _follow_up_page(item: FollowUpItem) -> str:
    return reverse("national:nomination", args=[item.nomination_id]) + "#follow-up"


@form_post(_nomination, _page_of())
def nomination_decide_view(request: HttpRequest, nomination: Nomination) -> str | None:
    form = _decision_form(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return None
    follow_up = [
        {"kind": kind, "request": text}
        for kind, text in zip(
            request.POST.getlist("follow_up_kind"),
            request.POST.getlist("follow_up_request"),
            strict=False,
        )
        if kind or text.strip()
    ]
    nomination_decide(
        actor=request.user,  # type: ignore[arg-type]
        nomination=nomination,
        action=request.POST.get("action", ""),
        held_on=form.cleaned_data.get("held_on"),
        notes=form.cleaned_data.get("notes") or "",
        members=form.cleaned_data.get("members") or [],
        follow_up=follow_up,
    )
    return _("The decision is recorded.")


@form_post(_nomination, _page_of())
def nomination_award_view(request: HttpRequest, nomination: Nomination) -> str | None:
    form = AwardForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return None
    nomination_award(
        actor=request.user,  # type: ignore[arg-type]
        nomination=nomination,
        decree_number=form.cleaned_data.get("decree_number") or "",
        decree_date=form.cleaned_data.get("decree_date"),
        notes=form.cleaned_data.get("notes") or "",
    )
    return _("The predicate is recorded in the register.")


@form_post(_nomination, _page_of())
def nomination_appeal_view(request: HttpRequest, nomination: Nomination) -> str | None:
    nomination_appeal(
        actor=request.user,  # type: ignore[arg-type]
        nomination=nomination,
        reason=request.POST.get("reason", ""),
        evidence=request.FILES.get("evidence"),
    )
    return _("The appeal is sent to the TPN.")


@form_post(_follow_up, _follow_up_page)
def follow_up_upload_view(request: HttpRequest, item: FollowUpItem) -> str | None:
    follow_up_upload(
        actor=request.user,  # type: ignore[arg-type]
        item=item,
        upload=request.FILES.get("file"),  # type: ignore[arg-type]
    )
    return _("The document is sent to the TPN.")


@form_post(_follow_up, _follow_up_page)
def follow_up_accept_view(request: HttpRequest, item: FollowUpItem) -> str | None:
    follow_up_accept(actor=request.user, item=item)  # type: ignore[arg-type]
    return _("The document is accepted.")


@form_post(_nomination, _page_of("#field"))
def field_view(request: HttpRequest, nomination: Nomination) -> str | None:
    form = FieldForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    recording = nomination.status == S.FIELD and "findings" in request.POST
    field_save(
        actor=request.user,  # type: ignore[arg-type]
        nomination=nomination,
        data=FieldInput(
            scheduled_on=data.get("scheduled_on"),
            mode=data.get("mode") or request.POST.get("mode", ""),
            place=data.get("place") or "",
            interviews=data.get("interviews") if recording else None,
            observations=data.get("observations") if recording else None,
            findings=data.get("findings") if recording else None,
            findings_file=request.FILES.get("findings_file"),
        ),
    )
    return _("The field evaluation is saved.")


@form_post(_nomination, _page_of("#clearance"))
def clearance_view(request: HttpRequest, nomination: Nomination) -> str | None:
    form = ClearanceForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    clearance_record(
        actor=request.user,  # type: ignore[arg-type]
        nomination=nomination,
        data=ClearanceInput(
            body=request.POST.get("body", ""),
            result=request.POST.get("result", ""),
            issued_on=data.get("issued_on"),
            reference=data.get("reference") or "",
            note=data.get("note") or "",
            document=request.FILES.get("document"),
        ),
    )
    return _("The clearance is recorded.")


# --- the TPN's sample of an agency's nominations, from the queue ------------------------------


@dataclass(frozen=True)
class _AgencyYear:
    """An agency's nominations of one year, as the TPN sees them."""

    agency: Unit
    year: int


def _agency_year(request: HttpRequest) -> _AgencyYear:
    if not is_tpn_member(request.user):
        raise Http404
    agency_id = int_or_none(request.POST.get("agency"))
    year = int_or_none(request.POST.get("year"))
    if agency_id is None or year is None:
        raise Http404
    visible = nominations_visible_to(request.user)
    one = visible.filter(proposal__agency_id=agency_id, year=year).first()
    if one is None:
        raise Http404
    return _AgencyYear(agency=one.proposal.agency, year=year)


def _queue_of(chosen: _AgencyYear) -> str:
    return reverse("national:tpn_queue") + f"?year={chosen.year}&agency={chosen.agency.pk}"


@form_post(_agency_year, _queue_of)
def sampling_view(request: HttpRequest, chosen: _AgencyYear) -> str | None:
    sampling_set(
        actor=request.user,  # type: ignore[arg-type]
        agency=chosen.agency,
        year=chosen.year,
        method=request.POST.get("method", ""),
        chosen=[
            n.pk
            for n in agency_nominations(chosen.agency, chosen.year)
            if str(n.pk) in request.POST.getlist("chosen")
        ],
        size=int_or_none(request.POST.get("size")),
        seed=request.POST.get("seed", ""),
        note=request.POST.get("note", ""),
    )
    return _("The sample is recorded.")


urlpatterns = [
    path("tpn/", tpn_queue, name="tpn_queue"),
    path("tpn/sampling/", sampling_view, name="tpn_sampling"),
    path("nominations/<int:nomination_id>/", nomination_detail, name="nomination"),
    path(
        "nominations/<int:nomination_id>/decide/",
        nomination_decide_view,
        name="nomination_decide",
    ),
    path("nominations/<int:nomination_id>/award/", nomination_award_view, name="nomination_award"),
    path(
        "nominations/<int:nomination_id>/appeal/", nomination_appeal_view, name="nomination_appeal"
    ),
    path(
        "nominations/<int:nomination_id>/follow-up/<int:item_id>/upload/",
        follow_up_upload_view,
        name="nomination_follow_up_upload",
    ),
    path(
        "nominations/<int:nomination_id>/follow-up/<int:item_id>/accept/",
        follow_up_accept_view,
        name="nomination_follow_up_accept",
    ),
    path("nominations/<int:nomination_id>/field/", field_view, name="nomination_field"),
    path("nominations/<int:nomination_id>/clearance/", clearance_view, name="nomination_clearance"),
]
