"""Desk evaluation (issue 10 §5): the sheet's desk-evaluation sessions, and the review-page
hooks that show the desk part's results (sessions, survey validation, assistance).

Survey validation pages are in `desk_validation.py`, assistance in `desk_assistance.py`;
their routes are declared here (the workflow's urls include this module only).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.assessments.models import Assessment
from zona.assessments.sheet import sheet_spec, text
from zona.assessments.views._common import AuthedRequest, flash_error, show_form_problems
from zona.core.errors import ZonaError
from zona.workflow.engine import refusal
from zona.workflow.models import DeskAttendee, DeskSession, DeskSessionStatus
from zona.workflow.selectors.desk import (
    DeskRights,
    access_desk_session_by_id,
    access_desk_sheet,
    assistance_of,
    attendee_choices,
    confirmation_stats,
    notes_by_item,
    sessions_of,
    survey_item_codes,
    validations_of,
)
from zona.workflow.services.desk import (
    SessionInput,
    desk_note_save,
    desk_session_act,
    desk_session_create,
    desk_session_update,
    unit_user_ids,
)
from zona.workflow.tables.desk import DESK_SESSION


def first_url(names: tuple[str, ...], *args: Any) -> str:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def desk_context(
    request: AuthedRequest, assessment: Assessment, rights: DeskRights, tab: str
) -> dict[str, Any]:
    """What every desk page's header and tabs need."""
    back = (
        first_url(("workflow:review", "assessments:review"), assessment.pk)
        if rights.is_reviewer
        else reverse("assessments:worksheet", args=[assessment.pk])
    )
    return {
        "assessment": assessment,
        "rights": rights,
        "tab": tab,
        "back_url": back,
        "has_survey_items": bool(survey_item_codes(assessment)),
    }


def area_choices(assessment: Assessment) -> list[tuple[str, str]]:
    spec = sheet_spec(assessment.period.framework)
    return [("", _("Every working group"))] + [(a.key, text(a.title)) for a in spec.areas]


def area_title(assessment: Assessment, key: str) -> str:
    return dict(area_choices(assessment)).get(key, key)


def item_choices(assessment: Assessment, area: str = "") -> list[tuple[str, str]]:
    spec = sheet_spec(assessment.period.framework)
    return [
        (code, f"{code} · {text(item.question)[:90]}")
        for code, item in spec.items.items()
        if not area or item.area == area
    ]


# --- sessions ---------------------------------------------------------------------------------


class SessionForm(forms.Form):
    tier = forms.ChoiceField(label=gettext_lazy("Review tier"))
    area = forms.ChoiceField(label=gettext_lazy("Working group (LKE area)"), required=False)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("Place"), required=False, max_length=200)
    meeting_url = forms.CharField(
        label=gettext_lazy("Meeting link"), required=False, max_length=500
    )
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit_users = forms.MultipleChoiceField(
        label=gettext_lazy("The unit's people attending"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_names = forms.CharField(
        label=gettext_lazy("Other unit attendees (one name a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reviewer_names = forms.CharField(
        label=gettext_lazy("Reviewers attending (one name a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, assessment: Assessment, rights: DeskRights, **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["tier"]).choices = [
            (t.code, t.name) for t in rights.tiers
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = area_choices(assessment)
        cast(forms.ChoiceField, self.fields["unit_users"]).choices = [
            (str(u.pk), u.display_name) for u in attendee_choices(assessment)
        ]

    def session_input(self) -> SessionInput:
        d = self.cleaned_data
        return SessionInput(
            starts_at=d["starts_at"],
            ends_at=d.get("ends_at"),
            area=d.get("area") or "",
            place=d.get("place") or "",
            meeting_url=d.get("meeting_url") or "",
            agenda=d.get("agenda") or "",
            unit_users=unit_user_ids(d.get("unit_users") or []),
            unit_names=(d.get("unit_names") or "").splitlines(),
            reviewer_names=(d.get("reviewer_names") or "").splitlines(),
        )


def _session_initial(session: DeskSession) -> dict[str, Any]:
    attendees = list(session.attendees.all())
    return {
        "tier": session.tier.code,
        "area": session.area,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "meeting_url": session.meeting_url,
        "agenda": session.agenda,
        "unit_users": [str(a.user_id) for a in attendees if a.user_id],
        "unit_names": "\n".join(
            a.name for a in attendees if not a.user_id and a.side == DeskAttendee.Side.UNIT
        ),
        "reviewer_names": "\n".join(
            a.name for a in attendees if a.side == DeskAttendee.Side.REVIEWER
        ),
    }


@login_required
def desk_list(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment, rights = access_desk_sheet(request.user, pk)
    sessions = sessions_of(assessment, with_notes=rights.is_reviewer)
    rows = []
    for s in sessions:
        rows.append(
            {
                "session": s,
                "area_title": area_title(assessment, s.area),
                "mine": rights.acts_in(s.tier_id),
                "notes": list(s.notes.all()) if rights.is_reviewer else [],
            }
        )
    return render(
        request,
        "workflow/desk/list.html",
        {**desk_context(request, assessment, rights, "desk"), "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_session_new(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment, rights = access_desk_sheet(request.user, pk)
    if not rights.is_reviewer:
        raise Http404
    initial = {"reviewer_names": request.user.display_name, "tier": rights.tiers[0].code}
    form = SessionForm(request.POST or None, initial=initial, assessment=assessment, rights=rights)
    if request.method == "POST" and form.is_valid():
        try:
            session = desk_session_create(
                actor=request.user,
                assessment=assessment,
                tier=rights.tier(form.cleaned_data["tier"]),
                data=form.session_input(),
            )
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Session scheduled; the unit's people were told."))
            return redirect("workflow:desk_session", assessment.pk, session.pk)
    return render(
        request,
        "workflow/desk/session_form.html",
        {**desk_context(request, assessment, rights, "desk"), "form": form, "session": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_session(request: AuthedRequest, pk: int, sid: int) -> HttpResponse:
    """A session: its details (the form when the user may change it), the interview notes
    per item and the outcome."""
    assessment, rights = access_desk_sheet(request.user, pk)
    session = access_desk_session_by_id(request.user, assessment, sid)
    mine = rights.acts_in(session.tier_id)
    editable = mine and rights.period_open and session.status == DeskSessionStatus.PLANNED
    form = None
    if editable:
        form = SessionForm(
            request.POST or None,
            initial=_session_initial(session),
            assessment=assessment,
            rights=rights,
        )
        form.fields["tier"].disabled = True
        if request.method == "POST" and form.is_valid():
            try:
                desk_session_update(actor=request.user, session=session, data=form.session_input())
            except ZonaError as exc:
                show_form_problems(request, form, exc)
            else:
                messages.success(request, _("Session saved."))
                return redirect("workflow:desk_session", assessment.pk, session.pk)
    elif request.method == "POST":
        raise Http404
    notes = list(session.notes.select_related("updated_by")) if rights.is_reviewer else []
    actions = {
        action: refusal(DESK_SESSION, session, action, request.user, data={"outcome": "-"})
        for action in DESK_SESSION.actions_from(session.status)
    }
    return render(
        request,
        "workflow/desk/session.html",
        {
            **desk_context(request, assessment, rights, "desk"),
            "session": session,
            "area_title": area_title(assessment, session.area),
            "attendees": list(session.attendees.all()),
            "mine": mine,
            "form": form,
            "notes": notes,
            "items": item_choices(assessment, session.area) if mine else [],
            "actions": actions if mine else {},
        },
    )


@login_required
@require_POST
def desk_session_action(request: AuthedRequest, pk: int, sid: int) -> HttpResponse:
    assessment, _rights = access_desk_sheet(request.user, pk)
    session = access_desk_session_by_id(request.user, assessment, sid)
    try:
        desk_session_act(
            actor=request.user,
            session=session,
            action=request.POST.get("action", ""),
            outcome=request.POST.get("outcome", ""),
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Session updated."))
    return redirect("workflow:desk_session", assessment.pk, session.pk)


@login_required
@require_POST
def desk_session_note(request: AuthedRequest, pk: int, sid: int) -> HttpResponse:
    assessment, rights = access_desk_sheet(request.user, pk)
    if not rights.is_reviewer:
        raise Http404
    session = access_desk_session_by_id(request.user, assessment, sid)
    code = request.POST.get("item", "")
    try:
        desk_note_save(
            actor=request.user, session=session, item_code=code, note=request.POST.get("note", "")
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Interview note saved for %(item)s.") % {"item": code})
    return redirect(reverse("workflow:desk_session", args=[assessment.pk, session.pk]) + "#notes")


# --- the review page's hooks (zona/workflow/panels.py) -------------------------------------


def review_panel(request: Any, assessment: Assessment, review: Any) -> str:
    """Sessions, survey validation and assistance of the sheet in one card (a few queries)."""
    from zona.workflow.selectors.desk import desk_rights

    rights = desk_rights(request.user, assessment)
    sessions = sessions_of(assessment, with_notes=False)
    validations = validations_of(assessment)
    stats = confirmation_stats([v.pk for v in validations])
    records = assistance_of(assessment)
    if not (sessions or validations or records or rights.is_reviewer):
        return ""
    counts: dict[str, int] = {}
    for r in records:
        counts[r.status] = counts.get(r.status, 0) + 1
    return render_to_string(
        "workflow/desk/_review_panel.html",
        {
            "assessment": assessment,
            "rights": rights,
            "sessions": sessions[:5],
            "session_count": len(sessions),
            "validations": [(v, stats[v.pk]) for v in validations],
            "assistance_counts": counts,
            "assistance_total": len(records),
            "has_survey_items": bool(survey_item_codes(assessment)),
        },
        request=request,
    )


def review_item_extras(request: Any, assessment: Assessment, review: Any) -> dict[str, str]:
    """Per item: the interview notes (reviewers), the assistance on it, and beside the
    survey items (B.I.a, B.II.a) the survey validation's results. Constant queries."""
    from zona.workflow.selectors.desk import desk_rights
    from zona.workflow.services.desk_validation import validation_spec

    rights = desk_rights(request.user, assessment)
    notes = notes_by_item(assessment) if rights.is_reviewer else {}
    assistance: dict[str, list[Any]] = {}
    for r in assistance_of(assessment):
        assistance.setdefault(r.item_code, []).append(r)
    survey_codes = survey_item_codes(assessment)
    validations = validations_of(assessment) if survey_codes else []
    stats = confirmation_stats([v.pk for v in validations])
    spec = validation_spec()
    result: dict[str, str] = {}
    for code in set(notes) | set(assistance) | set(survey_codes):
        html = render_to_string(
            "workflow/desk/_item_extras.html",
            {
                "assessment": assessment,
                "code": code,
                "notes": notes.get(code, []),
                "assistance": assistance.get(code, []),
                "validations": [(v, stats[v.pk]) for v in validations]
                if code in survey_codes
                else [],
                "survey_item": code in survey_codes,
                "checklist_size": len(spec.checklist),
                "rights": rights,
            },
            request=request,
        )
        if html.strip():
            result[code] = html
    return result


def _routes() -> list[Any]:
    from zona.workflow.views import desk_assistance, desk_validation

    return [
        path("assessments/<int:pk>/desk/", desk_list, name="desk_list"),
        path("assessments/<int:pk>/desk/new/", desk_session_new, name="desk_session_new"),
        path("assessments/<int:pk>/desk/<int:sid>/", desk_session, name="desk_session"),
        path(
            "assessments/<int:pk>/desk/<int:sid>/action/",
            desk_session_action,
            name="desk_session_action",
        ),
        path(
            "assessments/<int:pk>/desk/<int:sid>/note/",
            desk_session_note,
            name="desk_session_note",
        ),
        path(
            "assessments/<int:pk>/desk/validation/",
            desk_validation.validation_page,
            name="desk_validation",
        ),
        path(
            "assessments/<int:pk>/desk/validation/<str:tier>/",
            desk_validation.validation_page,
            name="desk_validation_tier",
        ),
        path(
            "assessments/<int:pk>/assistance/",
            desk_assistance.assistance_page,
            name="desk_assistance",
        ),
        path(
            "assessments/<int:pk>/assistance/<int:rid>/follow-up/",
            desk_assistance.assistance_follow_up_view,
            name="desk_assistance_follow_up",
        ),
        # Public, no login: a respondent's confirmation link (under /s/, exempt from MFA).
        path("s/k/<str:token>/", desk_validation.confirm_page, name="desk_confirm"),
    ]


urlpatterns = _routes()
