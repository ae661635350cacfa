"""REST API of background exports (issue 12 §6): ask for a recap, follow the job's progress,
download its file. A job is visible to its requester and system administrators only
(`access_export_job_by_id`: the same 404 for missing and another's)."""

from __future__ import annotations

from typing import Any, cast

from django.http.response import HttpResponseBase
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.insight.access import access_export_job_by_id
from zona.insight.models import ExportJob, ExportStatus
from zona.insight.services.exports import recap_export_request
from zona.insight.views.exports import file_response


def _actor(request: Request) -> User:
    return cast(User, request.user)


class RecapRequestSerializer(serializers.Serializer):
    period = serializers.IntegerField(min_value=1, help_text="the assessment period's id")
    unit = serializers.IntegerField(
        min_value=1, help_text="the subtree's root unit (the recap covers it and every unit below)"
    )


class ExportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    params = serializers.JSONField()
    unit = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    rows_done = serializers.IntegerField(help_text="sheets written so far")
    rows_total = serializers.IntegerField(help_text="sheets to write (0 until counted)")
    percent = serializers.IntegerField(help_text="0-100; 100 only when done")
    message = serializers.CharField(help_text="why it failed (in the requester's language)")
    file_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download = serializers.CharField(allow_null=True, help_text="the file's address once done")


def job_data(job: ExportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "params": job.params,
        "unit": job.unit_id,
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "message": job.message,
        "file_name": job.file_name,
        "size": job.size,
        "sha256": job.sha256,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download": reverse("api-insight-exports-download", args=[job.pk]) if job.ready else None,
    }


class RecapCreateView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=RecapRequestSerializer,
        responses={202: ExportJobSerializer},
        description="Queue the recap Excel of a unit's subtree in a period. Refused: an unknown "
        "period or unit (400, unknown_period / unknown_unit), a unit of another agency (400, "
        "unit_outside_period), a subtree the user may not wholly view (403, "
        "subtree_not_covered).",
    )
    def post(self, request: Request) -> Response:
        body = RecapRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = recap_export_request(
            actor=_actor(request),
            period_id=body.validated_data["period"],
            unit_id=body.validated_data["unit"],
        )
        return Response(ExportJobSerializer(job_data(job)).data, status=202)


class ExportJobView(APIView):
    @extend_schema(
        responses=ExportJobSerializer,
        description="The job's status and progress (poll it every second or two).",
    )
    def get(self, request: Request, pk: int) -> Response:
        job = access_export_job_by_id(_actor(request), pk)
        return Response(ExportJobSerializer(job_data(job)).data)


class ExportDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            409: OpenApiResponse(description="not ready (state)"),
        },
        description="The export's file, streamed from storage, as an attachment.",
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        job = access_export_job_by_id(_actor(request), pk)
        return file_response(job)


urlpatterns = [
    path("exports/recap/", RecapCreateView.as_view(), name="api-insight-exports-recap"),
    path("exports/<int:pk>/", ExportJobView.as_view(), name="api-insight-exports-job"),
    path(
        "exports/<int:pk>/download/",
        ExportDownloadView.as_view(),
        name="api-insight-exports-download",
    ),
]
