"""The caller's own notifications and preference; nobody sees another user's rows."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zona.notifications.access import access_notification_by_id
from zona.notifications.api.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferenceSerializer,
)
from zona.notifications.presenters import entries
from zona.notifications.selectors import notifications_for, preference_for
from zona.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_save,
)


@extend_schema(
    parameters=[OpenApiParameter("unread", bool, description="Only unread notifications.")]
)
class NotificationListView(generics.ListAPIView):
    """My notifications: unread first, then newest first."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> Any:
        unread = self.request.query_params.get("unread") in {"1", "true"}
        return notifications_for(self.request.user, unread_only=unread)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = entries(page if page is not None else [], preference_for(request.user).language)
        return self.get_paginated_response(NotificationSerializer(rows, many=True).data)


class NotificationReadView(APIView):
    """Mark one of my notifications read."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        notification = access_notification_by_id(request.user, pk)
        notification_mark_read(user=request.user, notification=notification)
        [entry] = entries([notification], preference_for(request.user).language)
        return Response(NotificationSerializer(entry).data)


class NotificationReadAllView(APIView):
    """Mark all my notifications read."""

    @extend_schema(request=None, responses=MarkedSerializer)
    def post(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(user=request.user)})


class PreferenceView(APIView):
    """How I get e-mail for notifications, and in which language."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request: Request) -> Response:
        pref = preference_for(request.user)
        return Response({"delivery": pref.delivery, "language": pref.language})

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request: Request) -> Response:
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pref = preference_save(user=request.user, **serializer.validated_data)
        return Response({"delivery": pref.delivery, "language": pref.language})
