"""REST API of the proposal part (under /api/v1/): the national settings (the national
administrator), who proposes per agency, the agency's proposals (create, read, change,
delete a draft, submit, withdraw) and their documents (list, regenerate a draft's, download).
Every endpoint fetches through zona/national/access_proposal.py (missing and forbidden: the
same 404)."""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.national.access_proposal import (
    access_document_by_id,
    access_national_settings,
    access_proposal_agency,
    access_proposal_by_id,
    checked_year,
    proposer_of,
)
from zona.national.models import DocumentKind, Proposal, ProposalStatus, Proposer
from zona.national.selectors.core import national_settings, program_year
from zona.national.selectors.proposal import (
    documents_of,
    lines_of,
    proposals_of,
    submit_problems,
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


def _actor(request: Request) -> User:
    return cast(User, request.user)


# --- serializers ---------------------------------------------------------------------------


class ProposalSettingsSerializer(serializers.Serializer):
    revocation_block_months = serializers.IntegerField(min_value=0, max_value=32000)
    monitoring_cycle_months = serializers.IntegerField(min_value=0, max_value=32000)
    public_registry = serializers.BooleanField()


class ProposalYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    proposal_deadline = serializers.DateField()
    appeal_window_days = serializers.IntegerField(min_value=0, max_value=32000)
    follow_up_days = serializers.IntegerField(min_value=0, max_value=32000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    saved = serializers.SerializerMethodField()

    def get_saved(self, obj: Any) -> bool:
        """False while the year follows the program's defaults (nobody saved it)."""
        return getattr(obj, "pk", None) is not None


class ProposalPolicySerializer(serializers.Serializer):
    proposer = serializers.ChoiceField(choices=Proposer.choices)


class ProposalLineSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment_id")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    target = serializers.CharField()
    tpi_score = serializers.DecimalField(
        max_digits=9, decimal_places=4, allow_null=True, read_only=True
    )


class ProposalProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField()


class ProposalNominationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    target = serializers.CharField()
    status = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.IntegerField(source="agency_id")
    year = serializers.IntegerField()
    period = serializers.IntegerField(source="period_id")
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    letter_number = serializers.CharField()
    letter_date = serializers.DateField(allow_null=True)
    signer_name = serializers.CharField()
    signer_nip = serializers.CharField()
    signer_title = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    lines = serializers.SerializerMethodField()
    nominations = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    @extend_schema_field(ProposalLineSerializer(many=True))
    def get_lines(self, obj: Proposal) -> list[Any]:
        return list(ProposalLineSerializer(lines_of(obj), many=True).data)

    @extend_schema_field(ProposalNominationSerializer(many=True))
    def get_nominations(self, obj: Proposal) -> list[Any]:
        rows = obj.nominations.select_related("unit").order_by("unit__code")
        return list(ProposalNominationSerializer(rows, many=True).data)

    @extend_schema_field(ProposalProblemSerializer(many=True))
    def get_problems(self, obj: Proposal) -> list[Any]:
        """Why a draft cannot be submitted today (empty when it can, or when not a draft)."""
        if obj.status != ProposalStatus.DRAFT:
            return []
        from django.utils import timezone

        found = submit_problems(obj, timezone.localdate())
        return [p.as_dict() | {"field": p.field} for p in found]


class ProposalCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class ProposalWriteSerializer(serializers.Serializer):
    letter_number = serializers.CharField(required=False, allow_blank=True, default="")
    letter_date = serializers.DateField(required=False, allow_null=True, default=None)
    signer_name = serializers.CharField(required=False, allow_blank=True, default="")
    signer_nip = serializers.CharField(required=False, allow_blank=True, default="")
    signer_title = serializers.CharField(required=False, allow_blank=True, default="")
    assessments = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )

    def proposal_input(self) -> ProposalInput:
        d = self.validated_data
        return ProposalInput(
            letter_number=d.get("letter_number", ""),
            letter_date=d.get("letter_date"),
            signer_name=d.get("signer_name", ""),
            signer_nip=d.get("signer_nip", ""),
            signer_title=d.get("signer_title", ""),
            assessment_ids=d.get("assessments"),
        )


class ProposalWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=5000)


class ProposalDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    unit = serializers.CharField(source="unit.code", default=None, allow_null=True)
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- views ---------------------------------------------------------------------------------


class SettingsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=ProposalSettingsSerializer)
    def get(self, request: Request) -> Response:
        """The national rules (the national administrator's)."""
        access_national_settings(_actor(request))
        return Response(ProposalSettingsSerializer(national_settings()).data)

    @extend_schema(request=ProposalSettingsSerializer, responses=ProposalSettingsSerializer)
    def put(self, request: Request) -> Response:
        access_national_settings(_actor(request))
        data = ProposalSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = national_settings_save(
            actor=_actor(request), data=SettingsInput(**data.validated_data)
        )
        return Response(ProposalSettingsSerializer(row).data)


class YearView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=ProposalYearSerializer)
    def get(self, request: Request, year: int) -> Response:
        """The rules of a year (the program's defaults until saved)."""
        access_national_settings(_actor(request))
        return Response(ProposalYearSerializer(program_year(checked_year(year))).data)

    @extend_schema(request=ProposalYearSerializer, responses=ProposalYearSerializer)
    def put(self, request: Request, year: int) -> Response:
        access_national_settings(_actor(request))
        year = checked_year(year)
        data = ProposalYearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        row = program_year_save(
            actor=_actor(request),
            year=year,
            data=YearInput(
                proposal_deadline=d["proposal_deadline"],
                appeal_window_days=d["appeal_window_days"],
                follow_up_days=d["follow_up_days"],
                note=d.get("note", ""),
            ),
        )
        return Response(ProposalYearSerializer(row).data)


class PolicyView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=ProposalPolicySerializer)
    def get(self, request: Request, unit_id: int) -> Response:
        """Who submits the agency's proposal: head, admin or either."""
        agency = access_proposal_agency(_actor(request), unit_id)
        return Response({"proposer": proposer_of(agency)})

    @extend_schema(request=ProposalPolicySerializer, responses=ProposalPolicySerializer)
    def put(self, request: Request, unit_id: int) -> Response:
        agency = access_proposal_agency(_actor(request), unit_id)
        data = ProposalPolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = proposal_policy_set(
            actor=_actor(request), agency=agency, proposer=data.validated_data["proposer"]
        )
        return Response({"proposer": policy.proposer})


class ProposalsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=ProposalSerializer(many=True))
    def get(self, request: Request, unit_id: int) -> Response:
        agency = access_proposal_agency(_actor(request), unit_id)
        return Response(ProposalSerializer(proposals_of(agency), many=True).data)

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer})
    def post(self, request: Request, unit_id: int) -> Response:
        """Start a draft proposal for a year."""
        agency = access_proposal_agency(_actor(request), unit_id)
        data = ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposal_create(
            actor=_actor(request), agency=agency, year=data.validated_data["year"]
        )
        return Response(ProposalSerializer(proposal).data, status=201)


class ProposalView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=ProposalSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProposalSerializer(access_proposal_by_id(_actor(request), pk)).data)

    @extend_schema(request=ProposalWriteSerializer, responses=ProposalSerializer)
    def put(self, request: Request, pk: int) -> Response:
        """Change a draft: the letter and, when `assessments` is given, the units (sheets the
        TPI panel recommended)."""
        proposal = access_proposal_by_id(_actor(request), pk)
        data = ProposalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = proposal_update(actor=_actor(request), proposal=proposal, data=data.proposal_input())
        return Response(ProposalSerializer(row).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        proposal = access_proposal_by_id(_actor(request), pk)
        proposal_delete(actor=_actor(request), proposal=proposal)
        return Response(status=204)


class SubmitView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=None, responses=ProposalSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Submit to the TPN: refused with every reason (per unit) while any remains."""
        proposal = access_proposal_by_id(_actor(request), pk)
        row = proposal_submit(actor=_actor(request), proposal=proposal)
        return Response(ProposalSerializer(row).data)


class WithdrawView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ProposalWithdrawSerializer, responses=ProposalSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Withdraw a submitted proposal while the TPN has not moved its nominations."""
        proposal = access_proposal_by_id(_actor(request), pk)
        data = ProposalWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = proposal_withdraw(
            actor=_actor(request), proposal=proposal, reason=data.validated_data["reason"]
        )
        return Response(ProposalSerializer(row).data)


class DocumentsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=ProposalDocumentSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        proposal = access_proposal_by_id(_actor(request), pk)
        return Response(ProposalDocumentSerializer(documents_of(proposal), many=True).data)

    @extend_schema(request=None, responses=ProposalDocumentSerializer(many=True))
    def post(self, request: Request, pk: int) -> Response:
        """Generate a draft's package again (a preview)."""
        proposal = access_proposal_by_id(_actor(request), pk)
        proposal_documents_generate(actor=_actor(request), proposal=proposal)
        return Response(ProposalDocumentSerializer(documents_of(proposal), many=True).data)


class DocumentDownloadView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}
    )
    def get(self, request: Request, pk: int, document_id: int) -> FileResponse:
        proposal = access_proposal_by_id(_actor(request), pk)
        document = access_document_by_id(_actor(request), proposal, document_id)
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


urlpatterns = [
    path("national/settings/", SettingsView.as_view(), name="national-settings"),
    path("national/years/<int:year>/", YearView.as_view(), name="national-year"),
    path(
        "agencies/<int:unit_id>/proposal-policy/",
        PolicyView.as_view(),
        name="national-proposal-policy",
    ),
    path("agencies/<int:unit_id>/proposals/", ProposalsView.as_view(), name="national-proposals"),
    path("proposals/<int:pk>/", ProposalView.as_view(), name="national-proposal"),
    path("proposals/<int:pk>/submit/", SubmitView.as_view(), name="national-proposal-submit"),
    path("proposals/<int:pk>/withdraw/", WithdrawView.as_view(), name="national-proposal-withdraw"),
    path(
        "proposals/<int:pk>/documents/",
        DocumentsView.as_view(),
        name="national-proposal-documents",
    ),
    path(
        "proposals/<int:pk>/documents/<int:document_id>/",
        DocumentDownloadView.as_view(),
        name="national-proposal-document",
    ),
]
