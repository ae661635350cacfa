from __future__ import annotations

from rest_framework import serializers

from zona.accounts.models import RoleAssignment, Unit, User


class UnitSerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "echelon",
            "region",
            "is_active",
            "depth",
            "parent_id",
        ]
        read_only_fields = fields


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]
        read_only_fields = fields


class RoleAssignmentSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True, allow_null=True)
    review_tier = serializers.CharField(source="review_tier.code", read_only=True, allow_null=True)

    class Meta:
        model = RoleAssignment
        fields = ["role", "unit", "covers_subtree", "review_tier", "lke_areas"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    home_unit = UnitBriefSerializer(read_only=True, allow_null=True)
    roles = RoleAssignmentSerializer(many=True, read_only=True)
    mfa_required = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "home_unit", "roles", "mfa_required"]
        read_only_fields = fields
