"""Background exports in the browser (issue 12 §6): ask for the recap of a subtree, watch
its progress (htmx polls the job every second), download the file; and the list of one's
own exports. A job is its requester's (and system administrators'): anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zona.accounts.access import Perm
from zona.assessments.access import access_period_by_id
from zona.assessments.views._common import AuthedRequest, error_text, flash_error
from zona.core.api.params import int_or_none
from zona.core.errors import StateError, ZonaError
from zona.insight.access import access_export_job_by_id
from zona.insight.models import ExportJob
from zona.insight.selectors.exports import exports_of, recap_periods, recap_roots
from zona.insight.services.exports import export_job_retry, keep_days, recap_export_request

LIST_LIMIT = 100


@login_required
@require_GET
def export_list(request: AuthedRequest) -> HttpResponse:
    jobs = list(exports_of(request.user.pk)[:LIST_LIMIT])
    return render(request, "insight/exports/list.html", {"jobs": jobs, "keep_days": keep_days()})


@login_required
@require_http_methods(["GET", "POST"])
def recap_new(request: AuthedRequest) -> HttpResponse:
    """The request form (a period and the unit whose subtree to export); POST queues it."""
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            job = recap_export_request(
                actor=request.user, period_id=data.get("period"), unit_id=data.get("unit")
            )
        except ZonaError as exc:
            flash_error(request, exc)
            return _form(request, data, status=exc.status)
        return redirect("insight:exports_job", pk=job.pk)
    return _form(request, data)


def _form(request: AuthedRequest, data: Any, status: int = 200) -> HttpResponse:
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
    return render(request, "insight/exports/new.html", context, status=status)


@login_required
@require_GET
def job_page(request: AuthedRequest, pk: int) -> HttpResponse:
    job = access_export_job_by_id(request.user, pk)
    context = {"job": job}
    if request.headers.get("HX-Request"):
        return render(request, "insight/exports/_job.html", context)
    return render(request, "insight/exports/job.html", context)


@login_required
@require_POST
def job_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    job = access_export_job_by_id(request.user, pk)
    try:
        export_job_retry(actor=request.user, job=job)
    except ZonaError as exc:
        flash_error(request, exc)
    return redirect("insight:exports_job", pk=job.pk)


def file_response(job: ExportJob) -> FileResponse:
    """The job's file streamed from storage (S3 in production) as an attachment."""
    if not job.ready:
        message = _("This export has no file to download (yet).")
        raise StateError(message)
    handle = default_storage.open(str(job.file.name), "rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.file_name or "export.xlsx",
        content_type=job.content_type or "application/octet-stream",
    )
    if job.size:
        response["Content-Length"] = str(job.size)
    return response


@login_required
@require_GET
def job_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    job = access_export_job_by_id(request.user, pk)
    try:
        return file_response(job)
    except StateError as exc:
        return render(
            request, "insight/exports/job.html", {"job": job, "error": error_text(exc)}, status=409
        )


urlpatterns = [
    path("exports/", export_list, name="exports_list"),
    path("exports/recap/new/", recap_new, name="exports_recap_new"),
    path("exports/<int:pk>/", job_page, name="exports_job"),
    path("exports/<int:pk>/retry/", job_retry, name="exports_retry"),
    path("exports/<int:pk>/download/", job_download, name="exports_download"),
]
