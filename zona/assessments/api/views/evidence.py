"""Evidence: the unit's library, revisions, and the documents attached to a sheet's items."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import Perm, access_unit_by_id
from zona.assessments.access import (
    access_assessment_by_id,
    access_evidence_by_id,
    access_evidence_link_by_id,
    evidence_visible_to,
)
from zona.assessments.api import serializers as s
from zona.assessments.api.views._common import actor
from zona.assessments.selectors import load_sheet_state
from zona.assessments.services import (
    evidence_add_link,
    evidence_add_revision,
    evidence_link,
    evidence_unlink,
    evidence_upload,
)
from zona.core.api.params import query_id


class EvidenceLinkListView(APIView):
    @extend_schema(responses=s.EvidenceLinkSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        state = load_sheet_state(assessment)
        links = sorted(
            (link for rows in state.links.values() for link in rows),
            key=lambda link: (link.linked_at, link.link_id),
        )
        return Response(s.EvidenceLinkSerializer(links, many=True).data)

    @extend_schema(
        request=s.EvidenceLinkCreateSerializer, responses={201: s.EvidenceLinkSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = access_assessment_by_id(actor(request), pk)
        data = s.EvidenceLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = access_evidence_by_id(
            actor(request),
            data.validated_data["evidence"],
            perm=Perm.EVIDENCE_EDIT,
        )
        link = evidence_link(
            actor=actor(request),
            assessment=assessment,
            item_code=data.validated_data["item"],
            evidence=evidence,
        )
        row = load_sheet_state(assessment).link(link.pk)
        return Response(s.EvidenceLinkSerializer(row).data, status=status.HTTP_201_CREATED)


class EvidenceLinkDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, link_id: int) -> Response:
        link = access_evidence_link_by_id(actor(request), pk, link_id)
        evidence_unlink(actor=actor(request), assessment=link.assessment, link_id=link.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceListView(generics.ListAPIView):
    serializer_class = s.EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(parameters=[OpenApiParameter("unit", OpenApiTypes.INT)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        qs = evidence_visible_to(actor(self.request)).select_related(
            "current_revision", "current_revision__uploaded_by"
        )
        unit = query_id(self.request.query_params, "unit")
        if unit is not None:
            qs = qs.filter(unit_id=unit)
        return qs.order_by("title", "id")

    @extend_schema(
        request={"multipart/form-data": s.EvidenceCreateSerializer},
        responses={201: s.EvidenceSerializer},
    )
    def post(self, request: Request) -> Response:
        data = s.EvidenceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = access_unit_by_id(actor(request), v["unit"], perm=Perm.EVIDENCE_EDIT)
        if v.get("file"):
            evidence = evidence_upload(
                actor=actor(request),
                unit=unit,
                file=v["file"],
                title=v.get("title", ""),
                description=v.get("description", ""),
                effective_date=v.get("effective_date"),
                expires_on=v.get("expires_on"),
            ).evidence
        else:
            evidence = evidence_add_link(
                actor=actor(request),
                unit=unit,
                url=v["url"],
                title=v.get("title", ""),
                description=v.get("description", ""),
                effective_date=v.get("effective_date"),
                expires_on=v.get("expires_on"),
            )
        evidence.refresh_from_db()
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDetailView(APIView):
    @extend_schema(responses=s.EvidenceDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        evidence = access_evidence_by_id(actor(request), pk)
        return Response(s.EvidenceDetailSerializer(evidence).data)


class EvidenceRevisionListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": s.RevisionCreateSerializer},
        responses={201: s.RevisionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        evidence = access_evidence_by_id(actor(request), pk, perm=Perm.EVIDENCE_EDIT)
        data = s.RevisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        revision = evidence_add_revision(
            actor=actor(request),
            evidence=evidence,
            file=v.get("file"),
            url=v.get("url", ""),
            effective_date=v.get("effective_date"),
            expires_on=v.get("expires_on"),
        )
        return Response(s.RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)
