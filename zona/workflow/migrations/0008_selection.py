import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_stored_scores"),
        ("workflow", "0007_koefisien"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SelectionRound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("confirmed", "Confirmed"),
                            ("closed", "Closed"),
                        ],
                        default="draft",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "grouping",
                    models.CharField(
                        choices=[
                            ("team", "Per reviewing team (each regional office)"),
                            ("agency", "The whole agency as one group"),
                        ],
                        default="team",
                        max_length=16,
                        verbose_name="groups",
                    ),
                ),
                (
                    "quota_percent",
                    models.DecimalField(
                        decimal_places=3,
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="quota (percent of applicants)",
                    ),
                ),
                (
                    "rounding",
                    models.CharField(
                        choices=[
                            ("up", "Round up"),
                            ("down", "Round down"),
                            ("nearest", "Round to the nearest (halves up)"),
                        ],
                        default="up",
                        max_length=8,
                        verbose_name="rounding",
                    ),
                ),
                (
                    "min_per_group",
                    models.PositiveSmallIntegerField(default=1, verbose_name="minimum per group"),
                ),
                (
                    "target",
                    models.CharField(
                        choices=[("wbk", "Towards WBK"), ("wbbm", "Towards WBBM")],
                        default="wbk",
                        max_length=8,
                        verbose_name="target predicate",
                    ),
                ),
                (
                    "min_pengungkit",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=9,
                        null=True,
                        verbose_name="minimum Pengungkit",
                    ),
                ),
                (
                    "min_hasil",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=9,
                        null=True,
                        verbose_name="minimum Hasil",
                    ),
                ),
                ("result", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "confirmed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="confirmed at"),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="selection_rounds",
                        to="assessments.period",
                        verbose_name="period",
                    ),
                ),
                (
                    "step",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="selection_round",
                        to="workflow.chainstep",
                        verbose_name="step",
                    ),
                ),
            ],
            options={
                "verbose_name": "selection round",
                "verbose_name_plural": "selection rounds",
                "ordering": ["period_id", "step__position"],
            },
        ),
        migrations.CreateModel(
            name="SelectionOverride",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[("include", "Include"), ("exclude", "Exclude")],
                        max_length=8,
                        verbose_name="decision",
                    ),
                ),
                ("justification", models.TextField(verbose_name="justification")),
                ("at", models.DateTimeField(verbose_name="time")),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="overrides",
                        to="workflow.selectionround",
                        verbose_name="round",
                    ),
                ),
            ],
            options={
                "verbose_name": "selection override",
                "verbose_name_plural": "selection overrides",
                "ordering": ["round_id", "at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="selectionround",
            constraint=models.CheckConstraint(
                condition=models.Q(("quota_percent__gte", 0), ("quota_percent__lte", 100)),
                name="workflow_round_quota_percent",
            ),
        ),
        migrations.AddConstraint(
            model_name="selectionoverride",
            constraint=models.UniqueConstraint(
                fields=("round", "assessment"), name="workflow_override_unique_sheet"
            ),
        ),
    ]
