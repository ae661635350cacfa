"""API shapes of periods, assessments, answers, evidence and scores."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zona.assessments.models import (
    AnswerChange,
    Assessment,
    Evidence,
    EvidenceRevision,
    Period,
    PeriodDeadline,
    Target,
)
from zona.frameworks.scoring import Scorecard


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeriodDeadline
        fields = ["level", "fill_deadline", "review_deadline", "revision_deadline"]


class PeriodSerializer(serializers.ModelSerializer):
    deadlines = DeadlineSerializer(many=True, read_only=True)
    framework_key = serializers.CharField(source="framework.key", read_only=True)
    framework_version = serializers.IntegerField(source="framework.version", read_only=True)

    class Meta:
        model = Period
        fields = [
            "id",
            "agency",
            "year",
            "title",
            "framework",
            "framework_key",
            "framework_version",
            "opens_on",
            "closes_on",
            "status",
            "deadlines",
        ]
        read_only_fields = ["id", "status"]


class PeriodWriteSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    framework = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    deadlines = DeadlineSerializer(
        many=True, required=False, help_text="Each on or before closes_on."
    )


class PeriodUpdateSerializer(serializers.Serializer):
    """A change of a period: the fields left out stay as they are."""

    title = serializers.CharField(max_length=200, required=False)
    opens_on = serializers.DateField(required=False)
    closes_on = serializers.DateField(required=False)
    # A plain string (enums named "status" exist in other apps' schemas); the service checks it.
    status = serializers.CharField(max_length=16, required=False, help_text="open or closed")
    require_complete = serializers.BooleanField(required=False)
    deadlines = DeadlineSerializer(
        many=True,
        required=False,
        help_text=(
            "Replaces the period's deadlines when given. Given or kept, each lies on or "
            "before closes_on."
        ),
    )


class BulkUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    target = serializers.ChoiceField(choices=Target.choices, default=Target.WBK)


class BulkCreateSerializer(serializers.Serializer):
    units = BulkUnitSerializer(many=True)
    carry_forward = serializers.BooleanField(default=False)


class AssessmentSerializer(serializers.ModelSerializer):
    # Plain strings: enums named "status" already exist in other apps' schemas.
    status = serializers.CharField(read_only=True, help_text="draft, submitted or returned")
    target = serializers.CharField(read_only=True, help_text="wbk or wbbm")
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    period_title = serializers.CharField(source="period.title", read_only=True)
    year = serializers.IntegerField(source="period.year", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "period",
            "period_title",
            "year",
            "unit",
            "unit_code",
            "unit_name",
            "target",
            "status",
            "submitted_at",
            "submitted_by",
            "submitted_counts",
            "returned_items",
            "return_reason",
            "carried_from",
        ]


class LayerSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="`unit` for the unit layer, else the review tier code")
    name = serializers.CharField()
    rank = serializers.IntegerField()


class WindowSerializer(serializers.Serializer):
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    kind = serializers.CharField()


class SurveySuggestionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The suggested answer: an index or an option key")
    unit_value = serializers.JSONField(allow_null=True, help_text="The unit's own answer")
    index = serializers.CharField(
        required=False, help_text="The index the value is (`ipak`, `ipkp`), for an index item"
    )
    skm_rounds = serializers.IntegerField(
        required=False, help_text="SKM rounds with answers in the year, for the rounds item"
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # An offer is either an index or an option from the SKM rounds: only its own key.
        data = super().to_representation(instance)
        return {
            key: value
            for key, value in data.items()
            if value is not None or key not in ("index", "skm_rounds")
        }


class CountsSerializer(serializers.Serializer):
    unanswered = serializers.IntegerField()
    no_evidence = serializers.IntegerField()
    failing = serializers.IntegerField(help_text="Failing conditions of the target's verdict")


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class AssessmentDetailSerializer(AssessmentSerializer):
    layers = LayerSerializer(many=True, read_only=True)
    window = WindowSerializer(read_only=True)
    submission_refusal = serializers.CharField(allow_null=True, read_only=True)
    survey_suggestions = serializers.DictField(
        child=SurveySuggestionSerializer(),
        read_only=True,
        help_text="Item code -> the answer the unit's surveys in Zona suggest (A.I.6.iv.a "
        "from the number of SKM rounds). Never applied by itself: PUT it to take it.",
    )
    submission_counts = CountsSerializer(
        read_only=True,
        help_text="What submitting would record; send them back as `counts` to confirm.",
    )
    allowed_actions = serializers.DictField(
        child=RefusalSerializer(allow_null=True),
        read_only=True,
        help_text="Sheet action (`submit`, `return`) -> null when you may do it now, else why "
        "not (`code`, `message`). The history is at `/assessments/{id}/timeline/`.",
    )
    your_tiers = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Codes of the review tiers in which you answer this sheet (`?layer=`).",
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "returned_at",
            "layers",
            "window",
            "submission_refusal",
            "survey_suggestions",
            "submission_counts",
            "your_tiers",
            "allowed_actions",
        ]


class LayerAnswerSerializer(serializers.Serializer):
    value = serializers.JSONField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField()
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class EffectiveAnswerSerializer(serializers.Serializer):
    layer = serializers.CharField(
        allow_null=True, help_text="The highest layer that answered (its answer counts)"
    )
    value = serializers.JSONField(allow_null=True)


class LayerItemSerializer(serializers.Serializer):
    item = serializers.CharField(source="item_code")
    answers = serializers.DictField(
        child=LayerAnswerSerializer(), help_text="Layer code (`unit`, tier codes) -> answer"
    )
    effective = EffectiveAnswerSerializer()
    differs = serializers.BooleanField(help_text="A reviewer layer differs from the unit")


class LayersSerializer(serializers.Serializer):
    layers = LayerSerializer(many=True, help_text="Lowest tier (the unit) first")
    items = LayerItemSerializer(many=True)


class AnswerSerializer(serializers.Serializer):
    item = serializers.CharField(source="item_code")
    value = serializers.JSONField(
        allow_null=True,
        help_text='Option key ("Ya", "A"…), counts object for PCT, index 0-4 for NUM4 (string).',
    )
    note = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]
    suggested_value = serializers.JSONField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class AnswerWriteSerializer(serializers.Serializer):
    value = serializers.JSONField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    revision = serializers.IntegerField(
        min_value=0, help_text="The answer revision you started from (0 for a new answer)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "value" not in attrs and "note" not in attrs:
            raise serializers.ValidationError("give value, note or both")
        return attrs


class ChangeSerializer(serializers.Serializer):
    layer = serializers.SerializerMethodField(help_text="`unit` or the review tier's code")
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    revision = serializers.IntegerField()
    via = serializers.CharField()
    changed_by = serializers.CharField(source="changed_by.username", allow_null=True)
    changed_at = serializers.DateTimeField()

    def get_layer(self, obj: AnswerChange) -> str:
        tier = obj.layer.tier
        return tier.code if tier else "unit"


class RevisionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", allow_null=True)
    # A plain string: the model's blank URL field reads as "URI or empty" to the schema,
    # a `oneOf` that an empty value matches twice.
    url = serializers.CharField(read_only=True, help_text="The address of a link; empty for a file")
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceRevision
        fields = [
            "id",
            "number",
            "url",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "effective_date",
            "expires_on",
            "uploaded_by",
            "uploaded_at",
            "file_url",
        ]

    def get_file_url(self, obj: EvidenceRevision) -> str | None:
        from django.urls import reverse

        if not obj.file:
            return None
        return reverse("api-evidence-file", args=[obj.pk])


class EvidenceSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="file or link")
    current_revision = RevisionSerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "unit", "title", "kind", "description", "archived", "current_revision"]


class EvidenceDetailSerializer(EvidenceSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta(EvidenceSerializer.Meta):
        fields = [*EvidenceSerializer.Meta.fields, "revisions"]


class EvidenceCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    file = serializers.FileField(required=False)
    url = serializers.URLField(required=False, max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    effective_date = serializers.DateField(required=False)
    expires_on = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError("give either a file or a url")
        return attrs


class RevisionCreateSerializer(serializers.Serializer):
    file = serializers.FileField(required=False)
    url = serializers.URLField(required=False, max_length=2000)
    effective_date = serializers.DateField(required=False)
    expires_on = serializers.DateField(required=False, allow_null=True)


class EvidenceLinkSerializer(serializers.Serializer):
    """An attached document as the sheet shows it (`selectors.LinkRow`)."""

    id = serializers.IntegerField(source="link_id")
    evidence = serializers.IntegerField(source="evidence_id")
    item = serializers.CharField(source="item_code")
    title = serializers.CharField(help_text="As submitted, once the sheet was")
    revision = serializers.IntegerField(
        source="revision_id",
        allow_null=True,
        help_text="The revision the sheet shows: pinned at submission, else the newest",
    )
    changed_after_submission = serializers.BooleanField(
        help_text="A newer revision, a new title or archiving since the sheet was submitted"
    )
    pinned_at = serializers.DateTimeField(allow_null=True)
    linked_at = serializers.DateTimeField()
    linked_by = serializers.IntegerField(source="linked_by_id", allow_null=True)


class EvidenceLinkCreateSerializer(serializers.Serializer):
    evidence = serializers.IntegerField()
    item = serializers.CharField()


class ScorecardField(serializers.JSONField):
    """A scorecard as `lke_score` prints it."""

    def to_representation(self, value: Any) -> Any:
        card: Scorecard = value
        return card.as_dict()


class ScoresSerializer(serializers.Serializer):
    target = serializers.CharField()
    layers = serializers.DictField(
        child=ScorecardField(),
        help_text="Layer code -> scorecard (as `lke_score` prints it)",
    )
    effective = ScorecardField()
