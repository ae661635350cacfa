"""The candidacy part's pages (issue 11 §1; routes absolute from the site root):

- `/units/<id>/zi/` "Pencanangan & kandidat": the unit's declaration, its integrity pacts
  (summary; the roster on `/units/<id>/zi/pacts/` with the import's dry run), its
  eligibility answers and its candidacy for a year (`?year=`, the current one by default);
- `/agencies/<id>/candidates/<year>/`: the agency's units with declaration, pacts,
  eligibility and candidacy, and the designation of several units at once;
- `/agencies/<id>/eligibility/`: the agency administrator's checklist.

Every object comes through `zona.national.access_candidacy`; every write through
`zona.national.services.candidacy`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from csp.decorators import csp_exempt
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.access import Perm, user_can
from zona.accounts.http import AuthedHttpRequest
from zona.accounts.imports.reader import MAX_BYTES, RawRow, read_table
from zona.accounts.models import Unit
from zona.assessments.selectors import PREVIEWABLE_TYPES
from zona.assessments.uploads import allowed_types_text
from zona.assessments.views._common import flash_error, show_form_problems
from zona.core.api.params import int_or_none
from zona.core.errors import ValidationFailed, ZonaError
from zona.national.access_candidacy import (
    CandidacyRights,
    access_answer_by_id,
    access_candidacy_by_id,
    access_candidates_agency,
    access_checklist_agency,
    access_pact_by_id,
    access_zi_unit,
    is_designator,
)
from zona.national.models import CandidacyStatus, PredicateKind
from zona.national.selectors.candidacy import (
    agency_candidates,
    agency_units_for,
    checklist,
    declaration_of,
    echelon_choices,
    roster,
    unit_zi,
    year_bounds,
)
from zona.national.services.candidacy import (
    CREATE,
    LEAVE,
    UNCHANGED,
    UPDATE,
    AnswerInput,
    CriterionInput,
    DeclarationInput,
    PactInput,
    candidacies_designate,
    candidacy_designate,
    candidacy_withdraw,
    criterion_create,
    criterion_update,
    declaration_save,
    eligibility_answer_save,
    pact_roster_import,
    pact_roster_plan,
    pact_sign,
)
from zona.national.tables.candidacy import CANDIDACY
from zona.workflow.engine import refusal

SESSION_KEY = "zona_pact_import"
PREVIEW_LIMIT = 300
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _year(request: AuthedHttpRequest) -> int:
    """The year asked for (query or form), the current one when absent or unusable."""
    today = timezone.localdate()
    first, last = year_bounds(today)
    raw = request.POST.get("year") or request.GET.get("year")
    return int_or_none(raw, minimum=first, maximum=last) or today.year


def _zi_url(unit: Unit, year: int, anchor: str = "") -> str:
    return reverse("national:zi_unit", args=[unit.pk]) + f"?year={year}" + anchor


# --- forms ------------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    declared_on = forms.DateField(label=gettext_lazy("Date of the declaration"), widget=DATE)
    signer_name = forms.CharField(label=gettext_lazy("Signed by"), max_length=200)
    signer_nip = forms.CharField(label=gettext_lazy("NIP"), max_length=40)
    signer_position = forms.CharField(label=gettext_lazy("Signer's position"), max_length=200)
    # Text choices: the service refuses an echelon below the minimum with its own message.
    signer_echelon = forms.TypedChoiceField(
        label=gettext_lazy("Signer's echelon"), coerce=int, choices=()
    )
    charter = forms.FileField(
        label=gettext_lazy("Signed charter"),
        required=False,
        help_text=gettext_lazy("PDF or an image of the signed charter."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every echelon is offered, so a too-low one is refused with the rule's words.
        field = self.fields["signer_echelon"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *[(n, r) for n, r in _all_echelons()]]

    def declaration_input(self) -> DeclarationInput:
        d = self.cleaned_data
        return DeclarationInput(
            declared_on=d["declared_on"],
            signer_name=d["signer_name"],
            signer_nip=d["signer_nip"],
            signer_position=d["signer_position"],
            signer_echelon=d["signer_echelon"],
            charter=d.get("charter"),
        )


def _all_echelons() -> list[tuple[int, str]]:
    from zona.national.selectors.candidacy import ROMAN

    return sorted(ROMAN.items())


class AnswerForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    answer = forms.TypedChoiceField(
        label=gettext_lazy("Answer"),
        coerce=lambda v: v == "yes",
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(label=gettext_lazy("Evidence file"), required=False)
    evidence_url = forms.CharField(
        label=gettext_lazy("Or a link to the evidence"), required=False, max_length=2000
    )

    def answer_input(self) -> AnswerInput:
        d = self.cleaned_data
        return AnswerInput(
            code=d["code"],
            answer=d["answer"],
            note=d.get("note") or "",
            evidence_url=d.get("evidence_url") or "",
            evidence_file=d.get("evidence_file"),
        )


class DesignateForm(forms.Form):
    target = forms.ChoiceField(
        label=gettext_lazy("Target predicate"), choices=PredicateKind.choices
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx or .csv)"),
        help_text=gettext_lazy("Columns: name, nip, position (nama, nip, jabatan also work)."),
    )


class PactForm(forms.Form):
    signed = forms.BooleanField(label=gettext_lazy("Signed"), required=False)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), required=False, widget=DATE)
    document = forms.FileField(label=gettext_lazy("Signed pact"), required=False)


class CriterionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Letters, digits and hyphens; made from the name when empty."),
    )
    position = forms.IntegerField(
        label=gettext_lazy("Order"), required=False, min_value=0, max_value=32000, initial=0
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def criterion_input(self) -> CriterionInput:
        d = self.cleaned_data
        return CriterionInput(
            name=d["name"],
            code=d.get("code") or "",
            active=bool(d.get("active")),
            position=d.get("position") or 0,
        )


# --- the unit's page ----------------------------------------------------------------------------


def _unit_page(
    request: AuthedHttpRequest,
    unit: Unit,
    rights: CandidacyRights,
    year: int,
    *,
    declaration_form: DeclarationForm | None = None,
    answer_form: AnswerForm | None = None,
    designate_form: DesignateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    zi = unit_zi(unit, year)
    d = zi.declaration
    if declaration_form is None and rights.record:
        initial = (
            {
                "declared_on": d.declared_on,
                "signer_name": d.signer_name,
                "signer_nip": d.signer_nip,
                "signer_position": d.signer_position,
                "signer_echelon": d.signer_echelon,
            }
            if d
            else {}
        )
        declaration_form = DeclarationForm(initial=initial)
    rows = []
    for row in zi.eligibility:
        form = None
        if rights.answer and not unit.is_agency:
            if answer_form is not None and answer_form.data.get("code") == row.criterion.code:
                form = answer_form
            else:
                a = row.answer
                form = AnswerForm(
                    initial={
                        "code": row.criterion.code,
                        "answer": ("yes" if a.answer else "no") if a else None,
                        "note": a.note if a else "",
                        "evidence_url": a.evidence_url if a else "",
                    },
                    auto_id=f"c-{row.criterion.code}-%s",
                )
        rows.append({"row": row, "form": form})
    withdraw_refusal = None
    if zi.candidacy is not None and zi.candidacy.status == CandidacyStatus.DESIGNATED:
        withdraw_refusal = refusal(CANDIDACY, zi.candidacy, "withdraw", request.user, reason="-")
    first, last = year_bounds(timezone.localdate())
    return render(
        request,
        "national/candidacy/unit.html",
        {
            "unit": unit,
            "rights": rights,
            "year": year,
            "years": list(range(max(first, year - 2), min(last, year + 1) + 1)),
            "zi": zi,
            "declaration_form": declaration_form,
            "eligibility": rows,
            "designate_form": designate_form or (DesignateForm() if rights.designate else None),
            "withdraw_refusal": withdraw_refusal,
            "types": allowed_types_text(),
            "min_echelon": echelon_choices()[-1][1],
            "agency": unit.get_agency(),
        },
        status=status,
    )


@login_required
def zi_unit(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    unit, rights = access_zi_unit(request.user, unit_id)
    return _unit_page(request, unit, rights, _year(request))


@login_required
@require_POST
def zi_declaration(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    unit, rights = access_zi_unit(request.user, unit_id)
    if not rights.record:
        raise Http404
    year = _year(request)
    form = DeclarationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            declaration_save(
                actor=request.user, unit=unit, year=year, data=form.declaration_input()
            )
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Declaration saved."))
            return redirect(_zi_url(unit, year, "#declaration"))
    return _unit_page(request, unit, rights, year, declaration_form=form, status=400)


@login_required
@require_POST
def zi_eligibility(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    unit, rights = access_zi_unit(request.user, unit_id)
    if not rights.answer:
        raise Http404
    year = _year(request)
    code = request.POST.get("code", "")
    form = AnswerForm(request.POST, request.FILES, auto_id=f"c-{code}-%s")
    if form.is_valid():
        try:
            eligibility_answer_save(
                actor=request.user, unit=unit, year=year, data=form.answer_input()
            )
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Answer saved."))
            return redirect(_zi_url(unit, year, f"#criterion-{code}"))
    return _unit_page(request, unit, rights, year, answer_form=form, status=400)


@login_required
@require_POST
def zi_designate(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    unit, rights = access_zi_unit(request.user, unit_id)
    if not rights.designate:
        raise Http404
    year = _year(request)
    form = DesignateForm(request.POST)
    if form.is_valid():
        try:
            candidacy_designate(
                actor=request.user,
                unit=unit,
                year=year,
                target=form.cleaned_data["target"],
                note=form.cleaned_data.get("note") or "",
            )
        except ZonaError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("The unit is a candidate for %(year)s.") % {"year": year})
            return redirect(_zi_url(unit, year, "#candidacy"))
    return _unit_page(request, unit, rights, year, designate_form=form, status=400)


@login_required
@require_POST
def zi_withdraw(request: AuthedHttpRequest, candidacy_id: int) -> HttpResponse:
    candidacy = access_candidacy_by_id(request.user, candidacy_id)
    if not is_designator(request.user, candidacy.unit):
        raise Http404
    try:
        candidacy_withdraw(
            actor=request.user, candidacy=candidacy, reason=request.POST.get("reason", "")
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Designation withdrawn."))
    return redirect(_zi_url(candidacy.unit, candidacy.year, "#candidacy"))


def _serve(stored: Any) -> HttpResponseBase:
    """A stored file after the caller's access check, never through a public media URL."""
    if not stored.file:
        raise Http404
    try:
        handle = default_storage.open(stored.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = stored.file_type in PREVIEWABLE_TYPES
    response = FileResponse(
        handle,
        content_type=stored.file_type or "application/octet-stream",
        as_attachment=not inline,
        filename=stored.file_name or "file",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        if stored.file_type == "application/pdf"
        else "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; sandbox"
    )
    return response


@csp_exempt()  # type: ignore[arg-type]
@login_required
def zi_charter(request: AuthedHttpRequest, unit_id: int) -> HttpResponseBase:
    unit, _rights = access_zi_unit(request.user, unit_id)
    declaration = declaration_of(unit, _year(request))
    if declaration is None:
        raise Http404
    return _serve(declaration)


@csp_exempt()  # type: ignore[arg-type]
@login_required
def zi_answer_file(request: AuthedHttpRequest, unit_id: int, answer_id: int) -> HttpResponseBase:
    unit, _rights = access_zi_unit(request.user, unit_id)
    return _serve(access_answer_by_id(request.user, unit, answer_id))


@csp_exempt()  # type: ignore[arg-type]
@login_required
def zi_pact_file(request: AuthedHttpRequest, unit_id: int, pact_id: int) -> HttpResponseBase:
    unit, _rights = access_zi_unit(request.user, unit_id)
    return _serve(access_pact_by_id(request.user, unit, pact_id))


# --- the roster ---------------------------------------------------------------------------------


def _roster_page(
    request: AuthedHttpRequest,
    unit: Unit,
    rights: CandidacyRights,
    year: int,
    *,
    upload: UploadForm | None = None,
    plan: Any = None,
    file_name: str = "",
    digest: str = "",
    status: int = 200,
) -> HttpResponse:
    zi_pacts = unit_zi(unit, year).pacts
    people = roster(unit, year)
    changes = []
    if plan is not None:
        changes = [c for c in plan.changes if c.action != UNCHANGED][:PREVIEW_LIMIT]
    return render(
        request,
        "national/candidacy/pacts.html",
        {
            "unit": unit,
            "rights": rights,
            "year": year,
            "summary": zi_pacts,
            "people": people,
            "upload": upload or (UploadForm() if rights.record else None),
            "plan": plan,
            "changes": changes,
            "counts": {
                "create": plan.count(CREATE),
                "update": plan.count(UPDATE),
                "unchanged": plan.count(UNCHANGED),
                "leave": plan.count(LEAVE),
            }
            if plan is not None
            else None,
            "file_name": file_name,
            "digest": digest,
            "types": allowed_types_text(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def zi_pacts(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    """The roster; a posted file is the dry run: every problem by row, or what would change
    (nothing is saved until it is confirmed)."""
    unit, rights = access_zi_unit(request.user, unit_id)
    year = _year(request)
    if request.method != "POST":
        return _roster_page(request, unit, rights, year)
    if not rights.record:
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _roster_page(request, unit, rights, year, upload=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        form.add_error("file", _("The file is larger than 10 MB."))
        return _roster_page(request, unit, rights, year, upload=form, status=400)
    content = upload.read()
    digest = hashlib.sha256(content).hexdigest()
    try:
        table = read_table(content, upload.name)
    except ValidationFailed as exc:
        form.add_error("file", exc.message)
        return _roster_page(request, unit, rights, year, upload=form, status=400)
    plan = pact_roster_plan(unit=unit, year=year, headers=table.headers, rows=table.rows)
    request.session.pop(SESSION_KEY, None)
    if plan.ok:
        request.session[SESSION_KEY] = {
            "unit": unit.pk,
            "year": year,
            "file": upload.name,
            "sha256": digest,
            "headers": table.headers,
            "rows": [r.as_json() for r in table.rows],
        }
    return _roster_page(
        request,
        unit,
        rights,
        year,
        upload=UploadForm(),
        plan=plan,
        file_name=upload.name,
        digest=digest,
        status=200 if plan.ok else 400,
    )


@login_required
@require_POST
def zi_pacts_confirm(request: AuthedHttpRequest, unit_id: int) -> HttpResponse:
    unit, rights = access_zi_unit(request.user, unit_id)
    if not rights.record:
        raise Http404
    stored = request.session.get(SESSION_KEY)
    if (
        not stored
        or stored.get("unit") != unit.pk
        or stored.get("sha256") != request.POST.get("sha256")
    ):
        messages.error(request, _("The checked file is no longer waiting; upload it again."))
        return redirect(reverse("national:zi_pacts", args=[unit.pk]) + f"?year={_year(request)}")
    year = int(stored["year"])
    rows = [RawRow.from_json(r) for r in stored["rows"]]
    try:
        result = pact_roster_import(
            actor=request.user,
            unit=unit,
            year=year,
            headers=stored["headers"],
            rows=rows,
            file_name=stored["file"],
            sha256=stored["sha256"],
        )
    except ZonaError as exc:
        request.session.pop(SESSION_KEY, None)
        plan = pact_roster_plan(unit=unit, year=year, headers=stored["headers"], rows=rows)
        flash_error(request, exc)
        return _roster_page(
            request, unit, rights, year, plan=plan, file_name=stored["file"], status=409
        )
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _(
            "Roster imported: %(created)d added, %(updated)d updated, %(unchanged)d unchanged, "
            "%(left)d left the roster (their pacts are kept)."
        )
        % result.__dict__,
    )
    return redirect(reverse("national:zi_pacts", args=[unit.pk]) + f"?year={year}")


@login_required
@require_POST
def zi_pact(request: AuthedHttpRequest, unit_id: int, pact_id: int) -> HttpResponse:
    unit, rights = access_zi_unit(request.user, unit_id)
    if not rights.record:
        raise Http404
    pact = access_pact_by_id(request.user, unit, pact_id)
    form = PactForm(request.POST, request.FILES)
    back = reverse("national:zi_pacts", args=[unit.pk]) + f"?year={pact.year}#pact-{pact.pk}"
    if not form.is_valid():
        messages.error(request, _("Check the date and the file."), extra_tags="invalid")
        return redirect(back)
    d = form.cleaned_data
    try:
        pact_sign(
            actor=request.user,
            pact=pact,
            data=PactInput(
                signed=bool(d.get("signed")),
                signed_on=d.get("signed_on"),
                document=d.get("document"),
            ),
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Pact of %(name)s saved.") % {"name": pact.name})
    return redirect(back)


# --- the agency's pages -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agency_candidates_page(request: AuthedHttpRequest, agency_id: int, year: int) -> HttpResponse:
    agency = access_candidates_agency(request.user, agency_id)
    first, last = year_bounds(timezone.localdate())
    if not first <= year <= last:
        raise Http404
    units = agency_units_for(request.user, agency)
    if request.method == "POST":
        wanted = {int_or_none(v, minimum=1) for v in request.POST.getlist("units")} - {None}
        chosen = [u for u in units if u.pk in wanted and is_designator(request.user, u)]
        target = request.POST.get("target", "")
        if not chosen:
            messages.error(request, _("Choose at least one unit."), extra_tags="no_units")
        else:
            outcomes = candidacies_designate(
                actor=request.user, units=chosen, year=year, target=target
            )
            done = [o for o in outcomes if o.error is None]
            if done:
                messages.success(
                    request,
                    _("%(n)d units designated as candidates for %(year)s.")
                    % {"n": len(done), "year": year},
                )
            for o in outcomes:
                if o.error is not None:
                    codes = " ".join(dict.fromkeys(p.code for p in o.error.problems))
                    messages.error(request, f"{o.unit.name}: {o.error.message}", extra_tags=codes)
        return redirect("national:agency_candidates", agency.pk, year)
    rows = agency_candidates(agency, year, units, lambda u: is_designator(request.user, u))
    return render(
        request,
        "national/candidacy/agency.html",
        {
            "agency": agency,
            "year": year,
            "years": list(range(max(first, year - 2), min(last, year + 1) + 1)),
            "rows": rows,
            "criteria": checklist(agency, active_only=True),
            "may_designate": any(r.may_designate for r in rows),
            "targets": PredicateKind.choices,
            "candidates": sum(1 for r in rows if r.is_candidate),
            "may_edit_checklist": user_can(request.user, Perm.UNIT_MANAGE, agency),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_checklist(request: AuthedHttpRequest, agency_id: int) -> HttpResponse:
    agency = access_checklist_agency(request.user, agency_id)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion_create(actor=request.user, agency=agency, data=form.criterion_input())
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Criterion added."))
            return redirect("national:eligibility_checklist", agency.pk)
    return _checklist_page(request, agency, form)


def _checklist_page(
    request: AuthedHttpRequest, agency: Unit, form: CriterionForm, editing: str = ""
) -> HttpResponse:
    return render(
        request,
        "national/candidacy/checklist.html",
        {
            "agency": agency,
            "criteria": checklist(agency),
            "form": form,
            "editing": editing,
            "year": timezone.localdate().year,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_criterion(request: AuthedHttpRequest, agency_id: int, code: str) -> HttpResponse:
    agency = access_checklist_agency(request.user, agency_id)
    current = next((c for c in checklist(agency) if c.code == code), None)
    if current is None:
        raise Http404
    initial = {
        "name": current.name,
        "code": current.code,
        "position": current.position,
        "active": current.active,
    }
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            criterion_update(
                actor=request.user, agency=agency, code=code, data=form.criterion_input()
            )
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect("national:eligibility_checklist", agency.pk)
    return _checklist_page(request, agency, form, editing=code)


@login_required
def zi_home(request: AuthedHttpRequest) -> HttpResponse:
    """The menu's entry: the agency's candidates for those who see or designate across an
    agency, else the page of the unit one records for (or one's home unit)."""
    from zona.national.selectors.candidacy import zi_landing

    year = timezone.localdate().year
    agency, unit = zi_landing(request.user)
    if agency is not None:
        return redirect("national:agency_candidates", agency.pk, year)
    if unit is not None:
        return redirect("national:zi_unit", unit.pk)
    raise Http404


urlpatterns = [
    path("zi/", zi_home, name="zi_home"),
    path("units/<int:unit_id>/zi/", zi_unit, name="zi_unit"),
    path("units/<int:unit_id>/zi/declaration/", zi_declaration, name="zi_declaration"),
    path("units/<int:unit_id>/zi/declaration/charter/", zi_charter, name="zi_charter"),
    path("units/<int:unit_id>/zi/eligibility/", zi_eligibility, name="zi_eligibility"),
    path(
        "units/<int:unit_id>/zi/eligibility/<int:answer_id>/file/",
        zi_answer_file,
        name="zi_answer_file",
    ),
    path("units/<int:unit_id>/zi/designate/", zi_designate, name="zi_designate"),
    path("units/<int:unit_id>/zi/pacts/", zi_pacts, name="zi_pacts"),
    path("units/<int:unit_id>/zi/pacts/confirm/", zi_pacts_confirm, name="zi_pacts_confirm"),
    path("units/<int:unit_id>/zi/pacts/<int:pact_id>/", zi_pact, name="zi_pact"),
    path("units/<int:unit_id>/zi/pacts/<int:pact_id>/file/", zi_pact_file, name="zi_pact_file"),
    path("candidacies/<int:candidacy_id>/withdraw/", zi_withdraw, name="zi_withdraw"),
    path(
        "agencies/<int:agency_id>/candidates/<int:year>/",
        agency_candidates_page,
        name="agency_candidates",
    ),
    path(
        "agencies/<int:agency_id>/eligibility/", eligibility_checklist, name="eligibility_checklist"
    ),
    path(
        "agencies/<int:agency_id>/eligibility/<slug:code>/",
        eligibility_criterion,
        name="eligibility_criterion",
    ),
]
