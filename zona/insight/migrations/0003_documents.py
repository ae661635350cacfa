"""The documents' records: the LHE, its number sequence and the SKM follow-up plan."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_integrity"),
        ("assessments", "0004_stored_scores"),
        ("insight", "0002_targets"),
        ("surveys", "0004_running_aggregates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentSequence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("kind", models.CharField(max_length=16, verbose_name="kind")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="last number")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "document number sequence",
                "verbose_name_plural": "document number sequences",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "year", "kind"), name="insight_docseq_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Lhe",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("sequence", models.PositiveIntegerField(verbose_name="sequence number")),
                ("number", models.CharField(max_length=80, verbose_name="number")),
                ("issued_on", models.DateField(verbose_name="date")),
                ("place", models.CharField(blank=True, max_length=120, verbose_name="place")),
                (
                    "signatories",
                    models.JSONField(blank=True, default=list, verbose_name="signatories"),
                ),
                ("issued_at", models.DateTimeField(auto_now_add=True, verbose_name="issued at")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "signed_file",
                    models.FileField(
                        blank=True, max_length=500, upload_to="", verbose_name="signed copy"
                    ),
                ),
                (
                    "signed_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("signed_size", models.PositiveBigIntegerField(default=0)),
                (
                    "signed_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
                ),
                (
                    "signed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="uploaded at"),
                ),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="agency",
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lhes",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "issued_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
            ],
            options={
                "verbose_name": "evaluation report (LHE)",
                "verbose_name_plural": "evaluation reports (LHE)",
                "ordering": ["-issued_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "tier"), name="insight_lhe_unique_tier"
                    ),
                    models.UniqueConstraint(
                        fields=("agency", "year", "sequence"), name="insight_lhe_unique_number"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="SkmFollowUp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("element", models.CharField(max_length=64, verbose_name="element")),
                ("action", models.TextField(verbose_name="action")),
                ("owner", models.CharField(max_length=200, verbose_name="responsible")),
                ("deadline", models.DateField(verbose_name="deadline")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.campaign",
                        verbose_name="survey round",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "SKM follow-up",
                "verbose_name_plural": "SKM follow-up plan",
                "ordering": ["campaign_id", "element"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "element"), name="insight_skm_followup_unique"
                    )
                ],
            },
        ),
    ]
