import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("assessments", "0004_stored_scores"),
        ("accounts", "0002_integrity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("recap", "Recap of a subtree (Excel)")],
                        max_length=32,
                        verbose_name="kind",
                    ),
                ),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="parameters")),
                ("language", models.CharField(default="id", max_length=8)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting"),
                            ("running", "Being written"),
                            ("done", "Ready"),
                            ("failed", "Not written"),
                            ("expired", "Expired"),
                        ],
                        default="queued",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("attempt", models.PositiveIntegerField(default=0)),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("rows_total", models.PositiveIntegerField(default=0)),
                ("message", models.TextField(blank=True)),
                (
                    "file",
                    models.FileField(blank=True, max_length=500, upload_to="", verbose_name="file"),
                ),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("content_type", models.CharField(blank=True, max_length=128)),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("sha256", models.CharField(blank=True, max_length=64, verbose_name="SHA-256")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="requested at"),
                ),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="export_jobs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "export",
                "verbose_name_plural": "exports",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["requested_by", "-created_at"],
                        name="insight_exp_request_2497be_idx",
                    ),
                    models.Index(
                        fields=["status", "finished_at"], name="insight_exp_status_5bbafa_idx"
                    ),
                ],
            },
        ),
    ]
