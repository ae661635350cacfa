"""The proposal part's pages (routes absolute from the site root):

- `/national/settings/`: the national administrator's national rules and the list of years;
  `/national/settings/<year>/` the rules of one year.
- `/agencies/<id>/proposals/`: the agency's proposals by year and who proposes.
- `/agencies/<id>/proposals/<year>/`: the proposal of a year (draft: letter, units with check
  boxes, preview of the package; submit; withdraw), its documents to download.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zona.accounts.models import Unit
from zona.assessments.views._common import AuthedRequest, flash_error, show_form_problems
from zona.core.errors import ZonaError
from zona.national.access_proposal import (
    access_national_settings,
    access_proposal_agency,
    access_year_document,
    checked_year,
    may_prepare,
    may_propose,
    may_set_policy,
    proposer_of,
)
from zona.national.models import Proposal, ProposalStatus, Proposer
from zona.national.selectors.core import national_settings, program_year
from zona.national.selectors.proposal import (
    agency_period,
    current_proposal,
    documents_of,
    other_proposals,
    proposals_of,
    recommended_rows,
    saved_years,
    submit_problems,
    withdraw_problem,
)
from zona.national.services.program import (
    SettingsInput,
    YearInput,
    national_settings_save,
    program_year_save,
)
from zona.national.services.proposal import (
    ProposalInput,
    proposal_create,
    proposal_delete,
    proposal_documents_generate,
    proposal_policy_set,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)

# --- forms ---------------------------------------------------------------------------------


class SettingsForm(forms.Form):
    revocation_block_months = forms.IntegerField(
        label=gettext_lazy("Block after revocation (months)"), min_value=0, max_value=32000
    )
    monitoring_cycle_months = forms.IntegerField(
        label=gettext_lazy("Monitoring cycle (months)"), min_value=0, max_value=32000
    )
    public_registry = forms.BooleanField(
        label=gettext_lazy("Show the predicate register publicly"), required=False
    )


class YearForm(forms.Form):
    proposal_deadline = forms.DateField(label=gettext_lazy("Proposal deadline"))
    appeal_window_days = forms.IntegerField(
        label=gettext_lazy("Appeal window (days)"), min_value=0, max_value=32000
    )
    follow_up_days = forms.IntegerField(
        label=gettext_lazy("Follow-up window (days)"), min_value=0, max_value=32000
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LetterForm(forms.Form):
    letter_number = forms.CharField(label=gettext_lazy("Letter number"), required=False)
    letter_date = forms.DateField(label=gettext_lazy("Letter date"), required=False)
    signer_name = forms.CharField(label=gettext_lazy("Signed by"), required=False)
    signer_nip = forms.CharField(label=gettext_lazy("NIP"), required=False)
    signer_title = forms.CharField(label=gettext_lazy("Signer's position"), required=False)


class PolicyForm(forms.Form):
    proposer = forms.ChoiceField(label=gettext_lazy("Who proposes"), choices=Proposer.choices)


# --- national settings ---------------------------------------------------------------------


def _years_around() -> list[int]:
    this = timezone.localdate().year
    return sorted(saved_years() | {this - 1, this, this + 1}, reverse=True)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedRequest) -> HttpResponse:
    access_national_settings(request.user)
    current = national_settings()
    initial = {
        "revocation_block_months": current.revocation_block_months,
        "monitoring_cycle_months": current.monitoring_cycle_months,
        "public_registry": current.public_registry,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            national_settings_save(
                actor=request.user,
                data=SettingsInput(
                    revocation_block_months=d["revocation_block_months"],
                    monitoring_cycle_months=d["monitoring_cycle_months"],
                    public_registry=bool(d.get("public_registry")),
                ),
            )
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("National settings saved."))
            return redirect("national:settings")
    years = [program_year(y) for y in _years_around()]
    return render(
        request,
        "national/proposal/settings.html",
        {"form": form, "years": years, "saved": current.pk and current.updated_at},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_year(request: AuthedRequest, year: int) -> HttpResponse:
    access_national_settings(request.user)
    year = checked_year(year)
    row = program_year(year)
    initial = {
        "proposal_deadline": row.proposal_deadline,
        "appeal_window_days": row.appeal_window_days,
        "follow_up_days": row.follow_up_days,
        "note": row.note,
    }
    form = YearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            program_year_save(
                actor=request.user,
                year=year,
                data=YearInput(
                    proposal_deadline=d["proposal_deadline"],
                    appeal_window_days=d["appeal_window_days"],
                    follow_up_days=d["follow_up_days"],
                    note=d.get("note") or "",
                ),
            )
        except ZonaError as exc:
            show_form_problems(request, form, exc)
        else:
            messages.success(request, _("The rules of %(year)s are saved.") % {"year": year})
            return redirect("national:settings")
    return render(
        request,
        "national/proposal/settings_year.html",
        {"form": form, "year": year, "row": row, "saved": row.pk is not None},
    )


# --- the agency's proposals ---------------------------------------------------------------


@login_required
def proposals(request: AuthedRequest, unit_id: int) -> HttpResponse:
    agency = access_proposal_agency(request.user, unit_id)
    rows = proposals_of(agency)
    this = timezone.localdate().year
    return render(
        request,
        "national/proposal/list.html",
        {
            "agency": agency,
            "proposals": rows,
            "years": [this, this + 1],
            "proposer": proposer_of(agency),
            "policy_form": PolicyForm(initial={"proposer": proposer_of(agency)}),
            "may_set_policy": may_set_policy(request.user, agency),
        },
    )


@login_required
@require_POST
def proposal_policy(request: AuthedRequest, unit_id: int) -> HttpResponse:
    agency = access_proposal_agency(request.user, unit_id)
    try:
        proposal_policy_set(
            actor=request.user, agency=agency, proposer=request.POST.get("proposer", "")
        )
    except ZonaError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Saved who proposes to the TPN."))
    return redirect("national:proposals", agency.pk)


def _letter_initial(proposal: Proposal | None) -> dict[str, Any]:
    if proposal is None:
        return {}
    return {
        "letter_number": proposal.letter_number,
        "letter_date": proposal.letter_date,
        "signer_name": proposal.signer_name,
        "signer_nip": proposal.signer_nip,
        "signer_title": proposal.signer_title,
    }


def _chosen_ids(request: AuthedRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("units")[:500]:
        if raw.isdigit() and len(raw) < 12:
            ids.append(int(raw))
    return ids


def _proposal_page(
    request: AuthedRequest,
    agency: Unit,
    year: int,
    proposal: Proposal | None,
    form: LetterForm,
    *,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    period = proposal.period if proposal is not None else agency_period(agency, year)
    draft = proposal is not None and proposal.status == ProposalStatus.DRAFT
    problems = submit_problems(proposal, today) if draft and proposal is not None else []
    withdraw = (
        withdraw_problem(proposal)
        if proposal is not None and proposal.status == ProposalStatus.SUBMITTED
        else None
    )
    rows = recommended_rows(period, proposal)
    deadline = program_year(year).proposal_deadline
    return render(
        request,
        "national/proposal/proposal.html",
        {
            "agency": agency,
            "year": year,
            "period": period,
            "proposal": proposal,
            "draft": draft,
            "rows": rows,
            "left_out": [r for r in rows if not r.chosen],
            "form": form,
            "documents": documents_of(proposal) if proposal is not None else [],
            "nominations": list(proposal.nominations.select_related("unit").order_by("unit__code"))
            if proposal is not None
            else [],
            "problems": problems,
            "deadline": deadline,
            "open": today <= deadline,
            "may_prepare": may_prepare(request.user, agency),
            "may_propose": may_propose(request.user, agency),
            "proposer": proposer_of(agency),
            "withdraw_problem": withdraw,
            "others": other_proposals(agency, year, proposal),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_view(request: AuthedRequest, unit_id: int, year: int) -> HttpResponse:
    agency = access_proposal_agency(request.user, unit_id)
    year = checked_year(year)
    proposal = current_proposal(agency, year)
    form = LetterForm(request.POST or None, initial=_letter_initial(proposal))
    if request.method == "GET":
        return _proposal_page(request, agency, year, proposal, form)
    action = request.POST.get("action", "")
    try:
        if action == "create":
            proposal_create(actor=request.user, agency=agency, year=year)
            messages.success(request, _("Draft proposal started."))
        elif proposal is None:
            return redirect("national:proposal", agency.pk, year)
        elif action == "save":
            if not form.is_valid():
                return _proposal_page(request, agency, year, proposal, form, status=400)
            _save(request, proposal, form)
            messages.success(request, _("Proposal saved."))
        elif action == "generate":
            proposal_documents_generate(actor=request.user, proposal=proposal)
            messages.success(request, _("The package is generated (preview)."))
        elif action == "submit":
            proposal_submit(actor=request.user, proposal=proposal)
            messages.success(request, _("The proposal is submitted to the TPN."))
        elif action == "withdraw":
            proposal_withdraw(
                actor=request.user, proposal=proposal, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The proposal is withdrawn."))
        elif action == "delete":
            proposal_delete(actor=request.user, proposal=proposal)
            messages.success(request, _("Draft proposal deleted."))
    except ZonaError as exc:
        if action == "save":
            show_form_problems(request, form, exc)
            return _proposal_page(request, agency, year, proposal, form, status=400)
        flash_error(request, exc)
    return redirect("national:proposal", agency.pk, year)


def _save(request: AuthedRequest, proposal: Proposal, form: LetterForm) -> None:
    d = form.cleaned_data
    proposal_update(
        actor=request.user,
        proposal=proposal,
        data=ProposalInput(
            letter_number=d.get("letter_number") or "",
            letter_date=d.get("letter_date"),
            signer_name=d.get("signer_name") or "",
            signer_nip=d.get("signer_nip") or "",
            signer_title=d.get("signer_title") or "",
            assessment_ids=_chosen_ids(request),
        ),
    )


@login_required
def proposal_document(
    request: AuthedRequest, unit_id: int, year: int, document_id: int
) -> FileResponse:
    agency = access_proposal_agency(request.user, unit_id)
    year = checked_year(year)
    document = access_year_document(request.user, agency, year, document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


urlpatterns = [
    path("national/settings/", settings_view, name="settings"),
    path("national/settings/<int:year>/", settings_year, name="settings_year"),
    path("agencies/<int:unit_id>/proposals/", proposals, name="proposals"),
    path("agencies/<int:unit_id>/proposals/policy/", proposal_policy, name="proposal_policy"),
    path("agencies/<int:unit_id>/proposals/<int:year>/", proposal_view, name="proposal"),
    path(
        "agencies/<int:unit_id>/proposals/<int:year>/documents/<int:document_id>/",
        proposal_document,
        name="proposal_document",
    ),
]
