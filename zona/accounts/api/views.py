"""Read API for units in the caller's scope and for the caller's own account."""

from __future__ import annotations

from typing import cast

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.accounts.access import Perm, access_unit_by_id, units_visible_to
from zona.accounts.api.serializers import MeSerializer, UnitSerializer
from zona.accounts.models import Unit, User
from zona.accounts.selectors import (
    mfa_required_for,
    role_assignments_of,
    unit_with_parent_id,
    with_parent_id,
)
from zona.core.api.params import query_id


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Part of the name or code."),
        OpenApiParameter("under", int, description="Only this unit and its sub-units."),
        OpenApiParameter("kind", str, description="Kind of unit, e.g. satker."),
    ]
)
class UnitListView(generics.ListAPIView):
    """Units the caller may see, in tree order."""

    serializer_class = UnitSerializer

    def get_queryset(self) -> QuerySet[Unit]:
        qs = units_visible_to(self.request.user)
        params = self.request.query_params
        under_id = query_id(params, "under")
        if under_id is not None:
            under = access_unit_by_id(self.request.user, under_id, perm=Perm.UNIT_VIEW)
            qs = qs.filter(path__startswith=under.path)
        if params.get("q"):
            q = params["q"].strip()
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        return with_parent_id(qs).order_by("path")


class UnitDetailView(generics.RetrieveAPIView):
    serializer_class = UnitSerializer

    def get_object(self) -> Unit:
        unit = access_unit_by_id(self.request.user, self.kwargs["pk"])
        return unit_with_parent_id(unit)


class MeView(APIView):
    """The caller's account, roles, and whether an agency makes them use MFA."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated let the request in
        user.roles = role_assignments_of(user)  # type: ignore[attr-defined]
        user.mfa_required = mfa_required_for(user)  # type: ignore[attr-defined]
        return Response(MeSerializer(user).data)
