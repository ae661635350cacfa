# Koefisien (issue 10 §6): the agency's kinds of event and the events recorded on sheets.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zona.workflow.models.koefisien


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_integrity"),
        ("assessments", "0004_stored_scores"),
        ("workflow", "0006_desk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="KoefisienKind",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("factor", "Factor (× the total)"),
                            ("points", "Points (− from the total)"),
                        ],
                        max_length=8,
                        verbose_name="deduction",
                    ),
                ),
                (
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=8, verbose_name="value"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="koefisien_kinds",
                        to="accounts.unit",
                        verbose_name="agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "koefisien kind",
                "verbose_name_plural": "koefisien kinds",
                "ordering": ["agency_id", "position", "name"],
            },
        ),
        migrations.CreateModel(
            name="KoefisienEvent",
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
                        choices=[("recorded", "Counted"), ("withdrawn", "Withdrawn")],
                        default="recorded",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("label", models.CharField(max_length=200, verbose_name="name")),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("factor", "Factor (× the total)"),
                            ("points", "Points (− from the total)"),
                        ],
                        max_length=8,
                        verbose_name="deduction",
                    ),
                ),
                (
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=8, verbose_name="value"),
                ),
                ("occurred_on", models.DateField(verbose_name="date of the event")),
                ("source", models.TextField(verbose_name="source")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("internal_note", models.TextField(blank=True, verbose_name="internal note")),
                (
                    "evidence_file",
                    models.FileField(
                        blank=True,
                        max_length=500,
                        upload_to=zona.workflow.models.koefisien.koefisien_upload_to,
                        verbose_name="evidence file",
                    ),
                ),
                (
                    "evidence_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                (
                    "evidence_type",
                    models.CharField(blank=True, max_length=128, verbose_name="type"),
                ),
                ("evidence_size", models.PositiveBigIntegerField(default=0, verbose_name="size")),
                (
                    "evidence_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
                ),
                (
                    "evidence_url",
                    models.URLField(blank=True, max_length=2000, verbose_name="evidence link"),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
                ),
                (
                    "withdraw_reason",
                    models.TextField(blank=True, verbose_name="reason for withdrawal"),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="koefisien_events",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.reviewtier",
                        verbose_name="review tier",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
                (
                    "kind",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="workflow.koefisienkind",
                        verbose_name="kind",
                    ),
                ),
            ],
            options={
                "verbose_name": "koefisien event",
                "verbose_name_plural": "koefisien events",
                "ordering": ["assessment_id", "recorded_at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="koefisienkind",
            constraint=models.UniqueConstraint(
                fields=("agency", "code"), name="workflow_koefisienkind_unique_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="koefisienkind",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("mode", "factor"), ("value__gt", 0), ("value__lte", 1)),
                    models.Q(("mode", "points"), ("value__gt", 0), ("value__lte", 100)),
                    _connector="OR",
                ),
                name="workflow_koefisienkind_valid_deduction",
            ),
        ),
        migrations.AddIndex(
            model_name="koefisienevent",
            index=models.Index(fields=["assessment", "status"], name="workflow_koef_sheet_status"),
        ),
        migrations.AddConstraint(
            model_name="koefisienevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("mode", "factor"), ("value__gt", 0), ("value__lte", 1)),
                    models.Q(("mode", "points"), ("value__gt", 0), ("value__lte", 100)),
                    _connector="OR",
                ),
                name="workflow_koefisienevent_valid_deduction",
            ),
        ),
    ]
