from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from zona.surveys.indices import rounded
from zona.surveys.models import Campaign, InstrumentVersion
from zona.surveys.selectors import IndexResult, Progress


class InstrumentVersionSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="instrument.key")
    measures = serializers.CharField(source="instrument.measures")

    class Meta:
        model = InstrumentVersion
        fields = [
            "id",
            "key",
            "version",
            "content_hash",
            "abbreviation",
            "title_id",
            "title_en",
            "measures",
            "index_kind",
            "scale_min",
            "scale_max",
            "item_codes",
        ]


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CampaignSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    instruments = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()
    sample_target = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "unit",
            "year",
            "period_label",
            "opens_on",
            "closes_on",
            "instruments",
            "sample_method",
            "margin",
            "requires_code",
            "feeds_lke",
            "results_public",
            "public_url",
            "responses",
            "sample_target",
        ]

    def _progress(self, obj: Campaign) -> tuple[int, int]:
        progress = self.context.get("progress", {})
        return progress.get(obj.pk, (0, 0))

    def get_instruments(self, obj: Campaign) -> list[dict[str, Any]]:
        return InstrumentVersionSerializer(obj.ordered_versions(), many=True).data  # type: ignore[return-value]

    def get_public_url(self, obj: Campaign) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(f"/s/{obj.public_code}")

    def get_responses(self, obj: Campaign) -> int:
        """Counted responses (excluded ones are counted apart)."""
        return self._progress(obj)[0]

    def get_sample_target(self, obj: Campaign) -> int:
        return self._progress(obj)[1]


class ServiceProgressSerializer(serializers.Serializer):
    service_code = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    population = serializers.IntegerField()
    target = serializers.IntegerField()
    counted = serializers.IntegerField()
    excluded = serializers.IntegerField()
    flagged = serializers.IntegerField()


class CampaignDetailSerializer(CampaignSerializer):
    services = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "services"]

    def get_services(self, obj: Campaign) -> list[dict[str, Any]]:
        progress: Progress = self.context["service_progress"]
        return ServiceProgressSerializer(progress.services, many=True).data  # type: ignore[return-value]


def _number(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else rounded(value, places)


class ItemResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    mean = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    answered = serializers.IntegerField()


class IndexResultSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    version = serializers.IntegerField()
    content_hash = serializers.CharField()
    measures = serializers.CharField()
    respondents = serializers.IntegerField()
    items = ItemResultSerializer(many=True)
    index = serializers.DecimalField(
        max_digits=10, decimal_places=4, allow_null=True, help_text="0-4 (IPAK, IPKP); null for IKM"
    )
    ikm = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="25-100; null unless IKM"
    )
    grade = serializers.CharField(allow_null=True)

    @staticmethod
    def from_result(result: IndexResult) -> dict[str, Any]:
        version = result.version
        return {
            "instrument": version.instrument.key,
            "version": version.version,
            "content_hash": version.content_hash,
            "measures": version.instrument.measures,
            "respondents": result.respondents,
            "items": [
                {"code": i.code, "mean": _number(i.mean, 4), "answered": i.stat.answered}
                for i in result.items
            ],
            "index": None if result.is_ikm else _number(result.value, 4),
            "ikm": _number(result.value, 2) if result.is_ikm else None,
            "grade": result.grade,
        }


class ServiceResultSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    respondents = serializers.IntegerField()
    results = IndexResultSerializer(many=True)


class CampaignResultsSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    counted = serializers.IntegerField()
    excluded = serializers.IntegerField()
    results = IndexResultSerializer(many=True)
    by_service = ServiceResultSerializer(many=True)


class SurveyIndicesSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    year = serializers.IntegerField()
    ipak = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    ipkp = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    skm_rounds = serializers.IntegerField()
