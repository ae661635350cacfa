import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zona.surveys.models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_integrity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="campaign",
            name="surveys_campaign_sample_method_valid",
        ),
        migrations.AlterField(
            model_name="campaign",
            name="sample_method",
            field=models.CharField(
                choices=[
                    ("krejcie-morgan", "Krejcie & Morgan"),
                    ("krejcie-morgan-table", "Krejcie & Morgan table"),
                    ("slovin", "Slovin"),
                ],
                default="krejcie-morgan",
                max_length=24,
                verbose_name="sample size method",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("sample_method__in", ("krejcie-morgan", "krejcie-morgan-table", "slovin"))
                ),
                name="surveys_campaign_sample_method_valid",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="asks_profile",
            field=models.BooleanField(default=False, verbose_name="asks the respondent profile"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="collects_suggestions",
            field=models.BooleanField(default=False, verbose_name="collects suggestions"),
        ),
        migrations.AddField(
            model_name="response",
            name="age_group",
            field=models.CharField(blank=True, max_length=16, verbose_name="age group"),
        ),
        migrations.AddField(
            model_name="response",
            name="sex",
            field=models.CharField(blank=True, max_length=16, verbose_name="sex"),
        ),
        migrations.AddField(
            model_name="response",
            name="education",
            field=models.CharField(blank=True, max_length=16, verbose_name="education"),
        ),
        migrations.AddField(
            model_name="response",
            name="occupation",
            field=models.CharField(blank=True, max_length=16, verbose_name="occupation"),
        ),
        migrations.CreateModel(
            name="Suggestion",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=zona.surveys.models.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("text", models.TextField(verbose_name="suggestion")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting moderation"),
                            ("approved", "Approved"),
                            ("hidden", "Hidden"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("moderation_reason", models.TextField(blank=True, verbose_name="reason")),
                ("moderated_at", models.DateTimeField(blank=True, null=True)),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="suggestions",
                        to="surveys.campaign",
                    ),
                ),
                (
                    "moderated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "suggestion",
                "verbose_name_plural": "suggestions",
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="SuggestionDrop",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=zona.surveys.models.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("sealed", models.TextField()),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.campaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "queued suggestion",
                "verbose_name_plural": "queued suggestions",
            },
        ),
    ]
