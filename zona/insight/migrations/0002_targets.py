"""The agency dashboard's yearly targets (issue 12 §4)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_initial"),
        ("accounts", "0002_integrity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AgencyTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("new_wbk_per_region", "New WBK per region"),
                            ("new_wbbm_per_region", "New WBBM per region"),
                            ("proposed_per_region", "Units proposed to the TPN per region"),
                            ("new_wbk", "New WBK in the agency"),
                            ("new_wbbm", "New WBBM in the agency"),
                            ("proposed", "Units proposed to the TPN"),
                        ],
                        max_length=32,
                        verbose_name="target",
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="insight_targets",
                        to="accounts.unit",
                        verbose_name="agency",
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
                "verbose_name": "agency target",
                "verbose_name_plural": "agency targets",
                "ordering": ["-year", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "year", "kind"), name="insight_target_unique_kind_year"
                    )
                ],
            },
        ),
    ]
