"""The worksheet page, per-item autosave, history, suggestions and working groups."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import Perm, review_tiers_for, user_can
from zona.accounts.models import User
from zona.accounts.selectors import working_group_of
from zona.assessments.access import (
    access_assessment_by_id,
    assessments_visible_to,
    sheet_rights,
)
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.ports import review_gate
from zona.assessments.presenters import SheetView, slug
from zona.assessments.selectors import (
    activity_by_user,
    assessments_with_progress,
    item_history,
    load_sheet_state,
    previous_assessment,
    submission_window,
    survey_indices,
)
from zona.assessments.services import (
    UNSET,
    Saved,
    answer_accept_suggestion,
    answer_accept_survey_suggestion,
    answer_save,
    answers_accept_suggestions,
    assessment_carry_forward,
    working_group_set_areas,
)
from zona.assessments.sheet import ItemSpec, display_value, offers_survey, sheet_spec, text
from zona.assessments.views._common import (
    AuthedRequest,
    flash_error,
    item_refused,
    posted_int,
    section_param,
)
from zona.core.errors import ZonaError


@login_required
def assessment_list(request: AuthedRequest) -> HttpResponse:
    qs = assessments_visible_to(request.user).order_by(
        "-period__year", "period__title", "unit__path"
    )
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(unit__name__icontains=query) | Q(unit__code__icontains=query))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Reviewers of a unit land on the review page, where they answer in their layer.
    rows = [
        replace(row, review=bool(review_tiers_for(request.user, row.assessment.unit)))
        for row in assessments_with_progress(page.object_list)
    ]
    return render(request, "assessments/list.html", {"page": page, "rows": rows, "query": query})


def _item_or_404(view: SheetView, code: str) -> ItemSpec:
    item = view.state.spec.items.get(code)
    if item is None:
        raise Http404
    return item


def _sheet(request: AuthedRequest, pk: int) -> SheetView:
    assessment = access_assessment_by_id(request.user, pk)
    return SheetView.build(
        load_sheet_state(assessment),
        sheet_rights(request.user, assessment),
        survey=survey_indices(assessment),
    )


def returned_entries(assessment: Assessment) -> list[dict[str, Any]]:
    """The items a reviewer returned (empty: the whole sheet), with where to find them."""
    spec = sheet_spec(assessment.period.framework)
    entries = []
    for code in assessment.returned_items or []:
        found = spec.items.get(code)
        if found is not None:
            entries.append(
                {
                    "code": code,
                    "section": found.section,
                    "slug": slug(code),
                    "question": text(found.question),
                }
            )
    return entries


@login_required
def worksheet(request: AuthedRequest, pk: int) -> HttpResponse:
    view = _sheet(request, pk)
    state = view.state
    wanted = request.GET.get("s")
    show_all = wanted == "all"
    current = "" if show_all else view.section_code(wanted)
    codes = list(state.spec.sections) if show_all else [current]
    assessment = state.assessment
    has_suggestions = any(row.open_suggestion for row in state.unit_answers.values())
    returned_by = (
        review_gate().returned_by(assessment)
        if assessment.status == AssessmentStatus.RETURNED
        else None
    )
    return render(
        request,
        "assessments/worksheet.html",
        {
            "assessment": assessment,
            "view": view,
            "rights": view.rights,
            "sections": [view.section(code) for code in codes],
            "current": current,
            "nav": view.nav(current),
            "panel": view.panel(),
            "lock_reason": view.lock_reason(),
            "window": submission_window(assessment),
            # The workflow's one rule for the submit button (through the port).
            "submit_refusal": review_gate().refusal(assessment, "submit", request.user),
            "has_suggestions": has_suggestions and view.rights.can_edit,
            "returned": returned_entries(assessment),
            # Who returned it and in which tier (the returned banner names them).
            "returned_by": returned_by[0] if returned_by else "",
            "returned_tier": returned_by[1] if returned_by else "",
            "can_carry": view.rights.can_assign
            and assessment.status == AssessmentStatus.DRAFT
            and assessment.carried_from_id is None
            and previous_assessment(assessment) is not None,
            **_neighbours(state.spec.sections, current, state),
        },
    )


def _neighbours(sections: tuple[str, ...], current: str, state: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"prev_section": None, "next_section": None}
    if current in sections:
        index = sections.index(current)
        if index > 0:
            code = sections[index - 1]
            result["prev_section"] = (code, text(state.spec.nodes[code].title))
        if index + 1 < len(sections):
            code = sections[index + 1]
            result["next_section"] = (code, text(state.spec.nodes[code].title))
    return result


def _posted_answer(item: ItemSpec, data: Any) -> Any:
    """The typed answer from the item form; UNSET when the form did not carry one."""
    if data.get("clear") == "1":
        return None
    if item.is_choice:
        return data.get("value", UNSET) if "value" in data else UNSET
    if item.answer_type == "PCT":
        keys = [c.key for c in item.counts]
        if not any(f"count_{k}" in data for k in keys):
            return UNSET
        return {k: data.get(f"count_{k}", "") for k in keys}
    return data.get("value", UNSET) if "value" in data else UNSET


@login_required
@require_http_methods(["GET", "POST"])
def item(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """GET: the item's card (to take the other person's value after a conflict).
    POST: autosave of one item; the response updates the status and, out of band, scores."""
    assessment = access_assessment_by_id(request.user, pk)
    if request.method == "GET":
        wanted = sheet_spec(assessment.period.framework).items.get(code)
        if wanted is None:
            raise Http404
        view = SheetView.build(
            load_sheet_state(assessment),
            sheet_rights(request.user, assessment),
            survey=survey_indices(assessment) if offers_survey(wanted) else None,
        )
        spec_item = _item_or_404(view, code)
        return render(
            request,
            "assessments/_item.html",
            {
                "card": view.item_card(spec_item),
                "assessment": assessment,
                "current": section_param(view.state.spec.sections, request.GET.get("s")),
            },
        )
    found = sheet_spec(assessment.period.framework).items.get(code)
    if found is None:
        raise Http404
    spec_item = found
    value = _posted_answer(spec_item, request.POST)
    note = request.POST.get("note", UNSET) if "note" in request.POST else UNSET
    revision = posted_int(request.POST, "revision")
    context: dict[str, Any] = {"assessment": assessment, "slug": slug(code), "code": code}
    try:
        saved = answer_save(
            actor=request.user,
            assessment=assessment,
            item_code=code,
            revision=revision,
            value=value,
            note=note,
        )
    except ZonaError as exc:
        return item_refused(request, exc, spec_item, context)
    view = SheetView.build(
        load_sheet_state(assessment),
        sheet_rights(request.user, assessment),
        survey=survey_indices(assessment) if offers_survey(spec_item) else None,
    )
    current = section_param(view.state.spec.sections, request.POST.get("s"), spec_item.section)
    context.update(
        state="saved",
        saved=saved,
        saved_at=timezone.localtime(),
        card=view.item_card(spec_item),
        groups=view.group_scores(spec_item),
        nav=view.nav(current),
        panel=view.panel(),
        current=current,
        view=view,
    )
    return render(request, "assessments/_save_response.html", context)


def via_label(via: str) -> str:
    """How a change came in, in words (the stored code when it is one we do not know)."""
    labels = {
        "worksheet": _("worksheet"),
        "api": _("API"),
        "import": _("Excel import"),
        "carried": _("previous period"),
        "survey": _("unit's survey in Zona"),
        "demo": _("demo data"),
    }
    return str(labels.get(via, via))


@login_required
def history(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    state = load_sheet_state(assessment)
    spec_item = state.spec.items.get(code)
    if spec_item is None:
        raise Http404
    rows = []
    for change in item_history(assessment, code):
        if change.field == "evidence":
            before = (change.before or {}).get("title", "")
            after = (change.after or {}).get("title", "")
        elif change.field == "value":
            before = display_value(spec_item, change.before)
            after = display_value(spec_item, change.after)
        else:
            before, after = change.before or "", change.after or ""
        rows.append(
            {
                "change": change,
                "layer": change.layer.tier.name if change.layer.tier else _("Unit"),
                # A survey's change names who took it; one written by the system, the survey.
                "who": change.changed_by.display_name
                if change.changed_by
                else (_("Zona survey") if change.via == "survey" else _("Zona (system)")),
                "via": via_label(change.via) if change.via else "",
                "before": before,
                "after": after,
            }
        )
    return render(
        request,
        "assessments/_history.html",
        {"rows": rows, "code": code, "slug": slug(code), "question": text(spec_item.question)},
    )


def _taken(
    request: AuthedRequest, assessment: Assessment, code: str, error: ZonaError | None
) -> HttpResponse:
    """After a one-click take: htmx swaps the item's card (scores out of band); without
    htmx, back to the item. A refusal is flashed and the page reloaded."""
    spec = sheet_spec(assessment.period.framework)
    spec_item = spec.items.get(code)
    if error is not None:
        flash_error(request, error)
    if not getattr(request, "htmx", False) or spec_item is None:
        section = section_param(spec.sections, request.POST.get("s"))
        return redirect(f"{_worksheet_url(assessment.pk, section)}#item-{slug(code)}")
    if error is not None:
        return HttpResponse(headers={"HX-Refresh": "true"})
    view = SheetView.build(
        load_sheet_state(assessment),
        sheet_rights(request.user, assessment),
        survey=survey_indices(assessment) if offers_survey(spec_item) else None,
    )
    current = section_param(spec.sections, request.POST.get("s"), spec_item.section)
    return render(
        request,
        "assessments/_card_response.html",
        {
            "assessment": assessment,
            "card": view.item_card(spec_item),
            "groups": view.group_scores(spec_item),
            "nav": view.nav(current),
            "panel": view.panel(),
            "current": request.POST.get("s", ""),
            "view": view,
        },
    )


class _TakeAction(Protocol):
    def __call__(
        self, *, actor: User, assessment: Assessment, item_code: str, revision: int | None
    ) -> Saved: ...


def _take(request: AuthedRequest, pk: int, code: str, action: _TakeAction) -> HttpResponse:
    """A one-click take of a suggested answer; a refusal is shown, not raised."""
    assessment = access_assessment_by_id(request.user, pk)
    error = None
    try:
        action(
            actor=request.user,
            assessment=assessment,
            item_code=code,
            revision=posted_int(request.POST, "revision"),
        )
    except ZonaError as exc:
        error = exc
    return _taken(request, assessment, code, error)


@login_required
@require_POST
def accept_suggestion(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    return _take(request, pk, code, answer_accept_suggestion)


@login_required
@require_POST
def accept_survey_suggestion(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """Take the answer the unit's surveys suggest (A.I.6.iv.a from the SKM rounds)."""
    return _take(request, pk, code, answer_accept_survey_suggestion)


def _worksheet_url(pk: int, section: str) -> str:
    from django.urls import reverse

    url = reverse("assessments:worksheet", args=[pk])
    return f"{url}?s={section}" if section else url


@login_required
@require_POST
def accept_all_suggestions(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    try:
        count = answers_accept_suggestions(actor=request.user, assessment=assessment)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request, _("%(n)d answers from the previous period were taken.") % {"n": count}
        )
    sections = sheet_spec(assessment.period.framework).sections
    return redirect(_worksheet_url(pk, section_param(sections, request.POST.get("s"))))


@login_required
@require_POST
def carry_forward(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    try:
        carried = assessment_carry_forward(actor=request.user, assessment=assessment)
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request,
            _(
                "Started from %(source)s: %(n)d earlier answers are shown as suggestions and "
                "%(links)d evidence links were kept."
            )
            % {"source": carried.source.period, "n": carried.suggestions, "links": carried.links},
        )
    return redirect("assessments:worksheet", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def working_group(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    can_assign = user_can(request.user, Perm.ASSESSMENT_ASSIGN, assessment.unit)
    if request.method == "POST":
        if not can_assign:
            raise Http404
        try:
            working_group_set_areas(
                actor=request.user,
                unit=assessment.unit,
                assignment_id=posted_int(request.POST, "assignment"),
                areas=request.POST.getlist("areas"),
                framework=assessment.period.framework,
            )
        except ZonaError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("The areas were saved."))
        return redirect("assessments:working_group", pk=pk)
    members = working_group_of(assessment.unit)
    state = load_sheet_state(assessment)
    areas = []
    for area in state.spec.areas:
        titles = sorted(
            {
                text(state.spec.nodes[s].title)
                for s in state.spec.sections
                if any(i.area == area.key for i in state.spec.section_items(s))
            }
        )
        if titles:
            areas.append({"key": area.key, "name": text(area.title), "title": " / ".join(titles)})
    # Who worked on what, by the areas' names as the framework gives them.
    names = {area.key: text(area.title) for area in state.spec.areas}
    activity = [
        replace(person, areas={names.get(k, k): n for k, n in person.areas.items()})
        for person in activity_by_user(assessment)
    ]
    return render(
        request,
        "assessments/working_group.html",
        {
            "assessment": assessment,
            "members": members,
            "areas": areas,
            "can_assign": can_assign,
            "activity": activity,
            "previous": previous_assessment(assessment),
        },
    )
