from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from zona.notifications.models import Delivery


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    subject = serializers.CharField(help_text="In the reader's notification language.")
    body = serializers.CharField()
    url = serializers.CharField(help_text="A path inside Zona, or empty.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.BooleanField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    delivery = serializers.ChoiceField(choices=Delivery.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
