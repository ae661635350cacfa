"""The documents part's API (under /api/v1/): the LHEs of a sheet, one per review tier that
reviewed it, with their number, signatories, signed copy and download addresses. The sheet
is fetched through `access_assessment_by_id` (missing and forbidden: the same 404); a tier's
LHE not issued yet is listed only to who may issue it."""

from __future__ import annotations

from typing import cast

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.models import User
from zona.assessments.access import access_assessment_by_id
from zona.insight.documents.access import can_issue_lhe, lhe_tiers
from zona.insight.models_documents import Lhe


class SignatorySerializer(serializers.Serializer):
    name = serializers.CharField()
    nip = serializers.CharField()
    role = serializers.ChoiceField(choices=["lead", "member"])


class SignedCopySerializer(serializers.Serializer):
    name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.CharField()


class LheSerializer(serializers.Serializer):
    tier = serializers.IntegerField()
    tier_code = serializers.CharField()
    tier_name = serializers.CharField()
    can_issue = serializers.BooleanField()
    number = serializers.CharField(allow_null=True, help_text="null until issued")
    issued_on = serializers.DateField(allow_null=True)
    signatories = SignatorySerializer(many=True)
    signed = SignedCopySerializer(allow_null=True)
    pdf = serializers.CharField(allow_null=True)
    docx = serializers.CharField(allow_null=True)


class SheetLhesView(APIView):
    @extend_schema(
        operation_id="assessment_lhe_list",
        responses=LheSerializer(many=True),
        summary="The evaluation reports (LHE) of a sheet, per review tier",
    )
    def get(self, request: Request, pk: int) -> Response:
        user = cast(User, request.user)
        assessment = access_assessment_by_id(user, pk)
        issued = {lhe.tier_id: lhe for lhe in Lhe.objects.filter(assessment=assessment)}
        rows = []
        for tier in lhe_tiers(assessment):
            lhe = issued.get(tier.pk)
            may_issue = can_issue_lhe(user, assessment, tier)
            if lhe is None and not may_issue:
                continue
            args = [assessment.pk, tier.pk]
            rows.append(
                {
                    "tier": tier.pk,
                    "tier_code": tier.code,
                    "tier_name": tier.name,
                    "can_issue": may_issue,
                    "number": lhe.number if lhe else None,
                    "issued_on": lhe.issued_on if lhe else None,
                    "signatories": lhe.signatories if lhe else [],
                    "signed": {
                        "name": lhe.signed_name,
                        "sha256": lhe.signed_sha256,
                        "size": lhe.signed_size,
                        "uploaded_at": lhe.signed_at,
                        "url": reverse("insight:documents_lhe_signed", args=args),
                    }
                    if lhe and lhe.has_signed_copy
                    else None,
                    "pdf": reverse("insight:documents_lhe_pdf", args=args) if lhe else None,
                    "docx": reverse("insight:documents_lhe_docx", args=args) if lhe else None,
                }
            )
        return Response(LheSerializer(rows, many=True).data)


urlpatterns = [
    path("assessments/<int:pk>/lhe/", SheetLhesView.as_view(), name="api-insight-lhe-list"),
]
