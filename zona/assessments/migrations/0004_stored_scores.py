"""Stored scores (issue 12): the table, and its rows for the sheets that exist already.

The data step scores every sheet from its answers with the same pure functions the app uses
(`selectors.scores.computed_rows`), reading through the historical models. Should those
functions change later, `manage.py check_scores --fix` brings old rows in line.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 200


def fill_stored_scores(apps, schema_editor):
    from zona.assessments.selectors.scores import LayerAnswers, computed_rows, scoreable, tier_key
    from zona.assessments.selectors.state import UNIT_KEY
    from zona.assessments.sheet import sheet_spec

    Assessment = apps.get_model("assessments", "Assessment")
    AnswerLayer = apps.get_model("assessments", "AnswerLayer")
    Answer = apps.get_model("assessments", "Answer")
    StoredScore = apps.get_model("assessments", "StoredScore")
    db = schema_editor.connection.alias

    last = 0
    while True:
        chunk = list(
            Assessment.objects.using(db)
            .filter(pk__gt=last)
            .select_related("period__framework")
            .order_by("pk")[:CHUNK]
        )
        if not chunk:
            return
        last = chunk[-1].pk
        by_id = {a.pk: a for a in chunk}
        layers = {
            pk: (assessment_id, tier_id, rank if rank is not None else -1)
            for pk, assessment_id, tier_id, rank in AnswerLayer.objects.using(db)
            .filter(assessment_id__in=list(by_id))
            .values_list("pk", "assessment_id", "tier_id", "tier__rank")
        }
        values = defaultdict(dict)
        for layer_id, code, value in (
            Answer.objects.using(db)
            .filter(layer_id__in=list(layers), value__isnull=False)
            .values_list("layer_id", "item_code", "value")
        ):
            values[layer_id][code] = value
        specs = {}
        for assessment in chunk:
            framework = assessment.period.framework
            if framework.pk not in specs:
                try:
                    specs[framework.pk] = sheet_spec(framework)
                except ValueError:
                    # A framework document that no longer reads: its sheets are left to
                    # `check_scores`, which reports them.
                    specs[framework.pk] = None
        per_sheet = defaultdict(list)
        for layer_id, (assessment_id, tier_id, rank) in layers.items():
            spec = specs[by_id[assessment_id].period.framework_id]
            if spec is None:
                continue
            key = UNIT_KEY if tier_id is None else tier_key(tier_id)
            per_sheet[assessment_id].append(
                LayerAnswers(key, tier_id, rank, scoreable(spec, values.get(layer_id, {})))
            )
        rows = []
        for assessment in chunk:
            spec = specs[assessment.period.framework_id]
            if spec is None:
                continue
            try:
                views = computed_rows(spec, per_sheet[assessment.pk], target=assessment.target)
            except ValueError:
                # Answers the engine refuses (stored before a check existed): left to
                # `check_scores` as well.
                continue
            rows.extend(
                StoredScore(assessment_id=assessment.pk, key=key, **fields)
                for key, fields in views.items()
            )
        StoredScore.objects.using(db).bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_integrity"),
        ("frameworks", "0001_initial"),
        ("assessments", "0003_import_jobs"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=24, verbose_name="view")),
                (
                    "total",
                    models.DecimalField(decimal_places=4, max_digits=9, verbose_name="total"),
                ),
                (
                    "pengungkit",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=9,
                        null=True,
                        verbose_name="enablers (Pengungkit)",
                    ),
                ),
                (
                    "hasil",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=9,
                        null=True,
                        verbose_name="results (Hasil)",
                    ),
                ),
                ("components", models.JSONField(blank=True, default=dict)),
                ("areas", models.JSONField(blank=True, default=dict)),
                ("answered", models.PositiveIntegerField(default=0)),
                ("passed", models.BooleanField(blank=True, null=True)),
                ("verdicts", models.JSONField(blank=True, default=dict)),
                ("deductions", models.JSONField(blank=True, default=list)),
                (
                    "total_after_deductions",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=9,
                        null=True,
                        verbose_name="total after koefisien",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stored_scores",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.reviewtier",
                    ),
                ),
            ],
            options={
                "verbose_name": "stored score",
                "verbose_name_plural": "stored scores",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "key"), name="assessments_storedscore_unique_view"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_stored_scores, migrations.RunPython.noop, elidable=True),
    ]
