import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zona.surveys.models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LkeFeedPin",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("sources", models.JSONField(blank=True, default=dict)),
                ("pinned_at", models.DateTimeField(auto_now_add=True)),
                (
                    "pinned_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "LKE source pin",
                "verbose_name_plural": "LKE source pins",
                "constraints": [
                    models.UniqueConstraint(fields=("unit", "year"), name="surveys_lke_pin_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="Kiosk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="device name")),
                ("location", models.CharField(max_length=160, verbose_name="place")),
                (
                    "key",
                    models.CharField(
                        default=zona.surveys.models.kiosk_key, max_length=32, unique=True
                    ),
                ),
                ("responses", models.PositiveIntegerField(default=0, verbose_name="responses")),
                ("opened_at", models.DateTimeField(auto_now_add=True, verbose_name="opened at")),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kiosks",
                        to="surveys.campaign",
                    ),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "kiosk",
                "verbose_name_plural": "kiosks",
                "ordering": ["opened_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ContactDrop",
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
                "verbose_name": "queued contact",
                "verbose_name_plural": "queued contacts",
            },
        ),
        migrations.AddField(
            model_name="campaign",
            name="is_test",
            field=models.BooleanField(default=False, verbose_name="test round"),
        ),
        # Kiosks are registered devices with their own keys (Kiosk.key).
        migrations.RemoveField(model_name="campaign", name="kiosk_key"),
    ]
