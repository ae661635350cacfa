# The reviews workstream: sign-offs of a tier's review (team lead, technical controller).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_sheet"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TierSignOff",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("lead", "Team lead"), ("controller", "Technical controller")],
                        max_length=16,
                        verbose_name="signed as",
                    ),
                ),
                (
                    "recommendation",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("forward", "Forward to the next tier"),
                            ("hold", "Do not forward"),
                        ],
                        max_length=16,
                        verbose_name="recommendation",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("at", models.DateTimeField(verbose_name="time")),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sign_offs",
                        to="workflow.tierreview",
                        verbose_name="review",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="signed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "tier review sign-off",
                "verbose_name_plural": "tier review sign-offs",
                "ordering": ["review_id", "at", "id"],
            },
        ),
    ]
