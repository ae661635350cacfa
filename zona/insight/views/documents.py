"""The documents part's pages (routes absolute from the site root): a sheet's documents
(the LHE of each tier that reviewed it, the unit profile PDF, the LKE workbook), the SKM
report of a survey round with the unit's follow-up plan, and the LKE files of a subtree as a
background export. Every object is fetched through access functions (404 for missing and
forbidden); GETs write nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zona.accounts.access import Perm, user_can
from zona.assessments.access import access_assessment_by_id, access_period_by_id
from zona.assessments.models import Assessment
from zona.assessments.uploads import max_upload_bytes
from zona.assessments.views._common import AuthedRequest, error_text, flash_error
from zona.core.api.params import int_or_none
from zona.core.errors import ZonaError
from zona.insight.dashboard import load_dashboard
from zona.insight.documents.access import (
    access_lhe,
    access_lhe_tier,
    can_issue_lhe,
    lhe_tiers,
)
from zona.insight.documents.lhe import (
    LEAD,
    MEMBER,
    Signatory,
    lhe_data,
    lhe_issue,
    lhe_signed_upload,
    role_label,
)
from zona.insight.documents.lke_files import lke_files_request
from zona.insight.documents.render import (
    DOCX_CONTENT_TYPE,
    lhe_docx,
    lhe_pdf,
    profile_pdf,
    skm_docx,
    skm_pdf,
)
from zona.insight.documents.skm import PlanInput, rounds_of, skm_followup_save, skm_report
from zona.insight.models_documents import Lhe
from zona.insight.selectors.exports import recap_periods, recap_roots
from zona.surveys.access import access_campaign_by_id

EXTRA_SIGNATORY_ROWS = 2


def _file(data: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _stem(lhe: Lhe) -> str:
    return slugify(lhe.number.replace("/", "-")) or f"lhe-{lhe.pk}"


# --- a sheet's documents -------------------------------------------------------------------


@login_required
@require_GET
def sheet_documents(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    tiers = lhe_tiers(assessment)
    issued = {lhe.tier_id: lhe for lhe in Lhe.objects.filter(assessment=assessment)}
    rows = [
        {
            "tier": tier,
            "lhe": issued.get(tier.pk),
            "can_issue": can_issue_lhe(request.user, assessment, tier),
        }
        for tier in tiers
    ]
    # The unit's survey rounds, for their SKM reports (to who may see its surveys).
    rounds = (
        rounds_of(assessment.unit)
        if user_can(request.user, Perm.SURVEY_VIEW, assessment.unit)
        else []
    )
    return render(
        request,
        "insight/documents/sheet.html",
        {"assessment": assessment, "rows": rows, "rounds": rounds},
    )


def _lhe_context(
    request: AuthedRequest, assessment: Assessment, tier: Any, lhe: Lhe | None, **extra: Any
) -> dict[str, Any]:
    data = lhe_data(assessment, tier, lhe)
    signatories = list(data.signatories) + [
        Signatory("", "", MEMBER) for _i in range(EXTRA_SIGNATORY_ROWS)
    ]
    return {
        "assessment": assessment,
        "tier": tier,
        "lhe": lhe,
        "data": data,
        "signatories": extra.pop("signatories", signatories),
        "roles": [(LEAD, role_label(LEAD)), (MEMBER, role_label(MEMBER))],
        "can_issue": can_issue_lhe(request.user, assessment, tier),
        "max_upload": max_upload_bytes(),
        **extra,
    }


def _posted_signatories(request: AuthedRequest) -> list[Signatory]:
    names = request.POST.getlist("name")
    nips = request.POST.getlist("nip")
    roles = request.POST.getlist("role")
    count = min(len(names), 50)
    return [
        Signatory(
            names[i],
            nips[i] if i < len(nips) else "",
            roles[i] if i < len(roles) else MEMBER,
        )
        for i in range(count)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def lhe_page(request: AuthedRequest, pk: int, tier_id: int) -> HttpResponse:
    """The LHE of one tier on a sheet: reviewers and agency admins issue it (POST) and set
    its signatories; the unit reads the issued one. Before it is issued, readers who may not
    issue it get 404."""
    assessment = access_assessment_by_id(request.user, pk)
    tier = access_lhe_tier(request.user, assessment, tier_id)
    lhe = Lhe.objects.filter(assessment=assessment, tier=tier).first()
    may_issue = can_issue_lhe(request.user, assessment, tier)
    if lhe is None and not may_issue:
        raise Http404
    if request.method == "POST":
        if not may_issue:
            raise Http404
        signatories = _posted_signatories(request)
        day = None
        if request.POST.get("issued_on"):
            try:
                day = dt.date.fromisoformat(request.POST["issued_on"])
            except ValueError:
                day = None
        try:
            lhe = lhe_issue(
                actor=request.user,
                assessment=assessment,
                tier=tier,
                signatories=signatories,
                place=request.POST.get("place", ""),
                issued_on=day,
            )
        except ZonaError as exc:
            flash_error(request, exc)
            context = _lhe_context(
                request, assessment, tier, lhe, signatories=signatories, error=error_text(exc)
            )
            return render(request, "insight/documents/lhe.html", context, status=exc.status)
        messages.success(request, _("The LHE %(number)s is saved.") % {"number": lhe.number})
        return redirect("insight:documents_lhe", pk=assessment.pk, tier_id=tier.pk)
    return render(
        request, "insight/documents/lhe.html", _lhe_context(request, assessment, tier, lhe)
    )


def _issued(request: AuthedRequest, pk: int, tier_id: int) -> tuple[Assessment, Any, Lhe]:
    assessment = access_assessment_by_id(request.user, pk)
    tier = access_lhe_tier(request.user, assessment, tier_id)
    return assessment, tier, access_lhe(request.user, assessment, tier)


@login_required
@require_GET
def lhe_docx_view(request: AuthedRequest, pk: int, tier_id: int) -> HttpResponse:
    assessment, tier, lhe = _issued(request, pk, tier_id)
    data = lhe_docx(lhe_data(assessment, tier, lhe))
    return _file(data, DOCX_CONTENT_TYPE, f"{_stem(lhe)}.docx")


@login_required
@require_GET
def lhe_pdf_view(request: AuthedRequest, pk: int, tier_id: int) -> HttpResponse:
    assessment, tier, lhe = _issued(request, pk, tier_id)
    data = lhe_pdf(lhe_data(assessment, tier, lhe))
    return _file(data, "application/pdf", f"{_stem(lhe)}.pdf", inline=True)


@login_required
@require_POST
def lhe_signed_upload_view(request: AuthedRequest, pk: int, tier_id: int) -> HttpResponse:
    assessment, tier, lhe = _issued(request, pk, tier_id)
    if not can_issue_lhe(request.user, assessment, tier):
        raise Http404
    upload = request.FILES.get("file")
    try:
        if upload is None:
            from zona.core.errors import Problem, ValidationFailed

            message = _("Choose the signed PDF to upload.")
            raise ValidationFailed(message, problems=[Problem("no_file", message, "file")])
        lhe_signed_upload(actor=request.user, lhe=lhe, upload=upload)
    except ZonaError as exc:
        flash_error(request, exc)
        context = _lhe_context(request, assessment, tier, lhe, upload_error=error_text(exc))
        return render(request, "insight/documents/lhe.html", context, status=exc.status)
    messages.success(request, _("The signed copy is kept."))
    return redirect("insight:documents_lhe", pk=assessment.pk, tier_id=tier.pk)


@login_required
@require_GET
def lhe_signed_download(request: AuthedRequest, pk: int, tier_id: int) -> FileResponse:
    _assessment, _tier, lhe = _issued(request, pk, tier_id)
    if not lhe.has_signed_copy:
        raise Http404
    handle = default_storage.open(str(lhe.signed_file.name), "rb")
    return FileResponse(
        handle,
        as_attachment=False,
        filename=lhe.signed_name or f"{_stem(lhe)}-signed.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def profile_pdf_view(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    data = profile_pdf(load_dashboard(assessment))
    name = slugify(f"profil-{assessment.unit.code}-{assessment.period.year}") or "profil"
    return _file(data, "application/pdf", f"{name}.pdf", inline=True)


# --- SKM report ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def skm_page(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    can_edit = user_can(request.user, Perm.SURVEY_MANAGE, campaign.unit)
    status = 200
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise Http404
        elements = request.POST.getlist("element")
        actions = request.POST.getlist("action")
        owners = request.POST.getlist("owner")
        deadlines = request.POST.getlist("deadline")
        lines = [
            PlanInput(
                elements[i],
                actions[i] if i < len(actions) else "",
                owners[i] if i < len(owners) else "",
                deadlines[i] if i < len(deadlines) else "",
            )
            for i in range(min(len(elements), 100))
        ]
        try:
            skm_followup_save(actor=request.user, campaign=campaign, lines=lines)
        except ZonaError as exc:
            flash_error(request, exc)
            status, error = exc.status, error_text(exc)
        else:
            messages.success(request, _("The follow-up plan is saved."))
            return redirect("insight:documents_skm", campaign_id=campaign.pk)
    report = skm_report(campaign)
    planned = {line.element: line for line in report.plan}
    # One form line per element: the weakest first, each with what the plan says so far.
    form_rows = [
        {"element": e, "line": planned.get(e.code)}
        for e in sorted(report.elements, key=lambda e: (not e.weak, e.position))
    ]
    return render(
        request,
        "insight/documents/skm.html",
        {
            "campaign": campaign,
            "report": report,
            "form_rows": form_rows,
            "can_edit": can_edit,
            "error": error,
        },
        status=status,
    )


def _skm_name(campaign: Any, ext: str) -> str:
    stem = slugify(f"skm-{campaign.unit.code}-{campaign.year}-{campaign.period_label}")
    return f"{stem or 'skm'}.{ext}"


@login_required
@require_GET
def skm_pdf_view(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    return _file(
        skm_pdf(skm_report(campaign)), "application/pdf", _skm_name(campaign, "pdf"), inline=True
    )


@login_required
@require_GET
def skm_docx_view(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    return _file(skm_docx(skm_report(campaign)), DOCX_CONTENT_TYPE, _skm_name(campaign, "docx"))


# --- LKE files of a subtree ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lke_files_new(request: AuthedRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    status = 200
    if request.method == "POST":
        try:
            job = lke_files_request(
                actor=request.user, period_id=data.get("period"), unit_id=data.get("unit")
            )
        except ZonaError as exc:
            flash_error(request, exc)
            status = exc.status
        else:
            return redirect("insight:exports_job", pk=job.pk)
    periods = list(recap_periods(request.user))
    period_id = int_or_none(data.get("period"))
    period = None
    if period_id is not None:
        period = next((p for p in periods if p.pk == period_id), None)
        if period is None and request.method == "GET":
            period = access_period_by_id(request.user, period_id, perm=Perm.ASSESSMENT_VIEW)
    if period is None and len(periods) == 1:
        period = periods[0]
    roots = recap_roots(request.user, period) if period is not None else []
    unit_id = int_or_none(data.get("unit"))
    if unit_id is None and roots:
        unit_id = roots[0].pk
    context = {"periods": periods, "period": period, "roots": roots, "unit_id": unit_id}
    return render(request, "insight/documents/lke_files.html", context, status=status)


urlpatterns = [
    path("assessments/<int:pk>/documents/", sheet_documents, name="documents_sheet"),
    path("assessments/<int:pk>/lhe/<int:tier_id>/", lhe_page, name="documents_lhe"),
    path(
        "assessments/<int:pk>/lhe/<int:tier_id>/lhe.docx", lhe_docx_view, name="documents_lhe_docx"
    ),
    path("assessments/<int:pk>/lhe/<int:tier_id>/lhe.pdf", lhe_pdf_view, name="documents_lhe_pdf"),
    path(
        "assessments/<int:pk>/lhe/<int:tier_id>/signed/upload/",
        lhe_signed_upload_view,
        name="documents_lhe_signed_upload",
    ),
    path(
        "assessments/<int:pk>/lhe/<int:tier_id>/signed/",
        lhe_signed_download,
        name="documents_lhe_signed",
    ),
    path("assessments/<int:pk>/profile.pdf", profile_pdf_view, name="documents_profile_pdf"),
    path("documents/skm/<int:campaign_id>/", skm_page, name="documents_skm"),
    path("documents/skm/<int:campaign_id>/skm.pdf", skm_pdf_view, name="documents_skm_pdf"),
    path("documents/skm/<int:campaign_id>/skm.docx", skm_docx_view, name="documents_skm_docx"),
    path("documents/lke-files/new/", lke_files_new, name="documents_lke_files"),
]
