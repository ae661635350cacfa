"""Excel round trip: export the worksheet, import answers and notes from that file."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zona.assessments.access import (
    access_assessment_by_id,
    access_import_job_by_id,
    sheet_rights,
)
from zona.assessments.excel import XLSX_CONTENT_TYPE, export_workbook
from zona.assessments.selectors import load_sheet_state
from zona.assessments.services import answers_import
from zona.assessments.services.excel_import import import_job_create
from zona.assessments.sheet import sheet_spec, text
from zona.assessments.views._common import AuthedRequest
from zona.core.errors import ValidationFailed, ZonaError


@login_required
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    state = load_sheet_state(assessment)
    data = export_workbook(
        state,
        link_url=lambda revision_id: request.build_absolute_uri(
            reverse("assessments:evidence_file", args=[revision_id])
        ),
    )
    stamp = f"{timezone.localdate():%Y%m%d}"
    name = f"LKE-{slugify(assessment.unit.code)}-{assessment.period.year}-{stamp}.xlsx"
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_id(request.user, pk)
    if not sheet_rights(request.user, assessment).can_edit:
        raise Http404
    problems = []
    message = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(_("Choose the Excel file to import."))
            if upload.size and upload.size > settings.ZONA_IMPORT_MAX_BYTES:
                # Refused before the upload is read into memory; the service checks again.
                raise ValidationFailed(
                    _("The file is too large (at most %(mb)d MB).")
                    % {"mb": settings.ZONA_IMPORT_MAX_BYTES // (1024 * 1024)}
                )
            data = upload.read()
            if len(data) > settings.ZONA_IMPORT_BACKGROUND_BYTES:
                job = import_job_create(
                    actor=request.user,
                    assessment=assessment,
                    data=data,
                    file_name=upload.name or "",
                )
                return redirect("assessments:import_job", pk=pk, job_id=job.pk)
            result = answers_import(actor=request.user, assessment=assessment, data=data)
        except ZonaError as exc:
            message = exc.message
            problems = exc.problems
            status = 400
        else:
            if result.changed:
                messages.success(
                    request,
                    _("%(n)d items were updated from the file.") % {"n": len(result.changed)},
                )
            else:
                messages.info(request, _("The file holds no changes; nothing was updated."))
            return redirect("assessments:worksheet", pk=pk)
    return render(
        request,
        "assessments/import.html",
        {"assessment": assessment, "problems": problems, "message": message},
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def import_job(request: AuthedRequest, pk: int, job_id: int) -> HttpResponse:
    """A background import's progress and outcome; htmx polls it until it is finished."""
    assessment = access_assessment_by_id(request.user, pk)
    job = access_import_job_by_id(request.user, assessment, job_id)
    items = sheet_spec(assessment.period.framework).items
    changed = [(code, text(items[code].question) if code in items else "") for code in job.changed]
    context = {"assessment": assessment, "job": job, "changed": changed}
    if request.headers.get("HX-Request"):
        return render(request, "assessments/_import_job.html", context)
    return render(request, "assessments/import.html", context)
