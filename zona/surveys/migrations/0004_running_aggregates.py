"""Running totals for the results and the LKE (issue 12 §7): ItemTally, BandTally,
ResponseTally and Response.tallied, filled from the answers already stored."""

import django.db.models.deletion
from django.db import migrations, models

# The totals as of this migration, one INSERT ... SELECT each (SQLite and PostgreSQL alike).
FILL = [
    """
    INSERT INTO surveys_itemtally
        (campaign_id, instrument_version_id, service_type_id, item, total, answered)
    SELECT campaign_id, instrument_version_id, service_type_id, item, SUM(value), COUNT(*)
    FROM surveys_answer WHERE counted
    GROUP BY campaign_id, instrument_version_id, service_type_id, item
    """,
    *(
        f"""
        INSERT INTO surveys_bandtally
            (campaign_id, instrument_version_id, field, band, item, total, answered)
        SELECT a.campaign_id, a.instrument_version_id, '{field}', r.{field}, a.item,
            SUM(a.value), COUNT(*)
        FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
        WHERE a.counted AND r.{field} <> ''
        GROUP BY a.campaign_id, a.instrument_version_id, r.{field}, a.item
        """  # noqa: S608 (the field names of the tuple below)
        for field in ("age_group", "sex", "education", "occupation")
    ),
    """
    INSERT INTO surveys_responsetally
        (campaign_id, service_type_id, channel, flagged, excluded, age_group, sex, education,
         occupation, n)
    SELECT campaign_id, service_type_id, channel, flagged, excluded, age_group, sex, education,
        occupation, COUNT(*)
    FROM surveys_response
    GROUP BY campaign_id, service_type_id, channel, flagged, excluded, age_group, sex,
        education, occupation
    """,
    "UPDATE surveys_response SET tallied = TRUE WHERE NOT tallied",
]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in FILL:
            cursor.execute(sql)


def empty(apps, schema_editor):
    for name in ("ItemTally", "BandTally", "ResponseTally"):
        apps.get_model("surveys", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_integrity"),
        ("surveys", "0003_reporting"),
    ]

    operations = [
        migrations.CreateModel(
            name="BandTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=16)),
                ("band", models.CharField(max_length=16)),
                ("item", models.PositiveSmallIntegerField()),
                ("total", models.BigIntegerField(default=0)),
                ("answered", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "band tally",
                "verbose_name_plural": "band tallies",
            },
        ),
        migrations.CreateModel(
            name="ItemTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item", models.PositiveSmallIntegerField()),
                ("total", models.BigIntegerField(default=0)),
                ("answered", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "item tally",
                "verbose_name_plural": "item tallies",
            },
        ),
        migrations.CreateModel(
            name="ResponseTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("channel", models.CharField(max_length=8)),
                ("flagged", models.BooleanField()),
                ("excluded", models.BooleanField()),
                ("age_group", models.CharField(max_length=16)),
                ("sex", models.CharField(max_length=16)),
                ("education", models.CharField(max_length=16)),
                ("occupation", models.CharField(max_length=16)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "response tally",
                "verbose_name_plural": "response tallies",
            },
        ),
        migrations.AddField(
            model_name="response",
            name="tallied",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("tallied", False)),
                fields=["campaign"],
                name="surveys_resp_untallied",
            ),
        ),
        migrations.AddField(
            model_name="bandtally",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.campaign"
            ),
        ),
        migrations.AddField(
            model_name="bandtally",
            name="instrument_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.instrumentversion",
            ),
        ),
        migrations.AddField(
            model_name="itemtally",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.campaign"
            ),
        ),
        migrations.AddField(
            model_name="itemtally",
            name="instrument_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.instrumentversion",
            ),
        ),
        migrations.AddField(
            model_name="itemtally",
            name="service_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.servicetype",
            ),
        ),
        migrations.AddField(
            model_name="responsetally",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.campaign"
            ),
        ),
        migrations.AddField(
            model_name="responsetally",
            name="service_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.servicetype",
            ),
        ),
        migrations.AddConstraint(
            model_name="bandtally",
            constraint=models.UniqueConstraint(
                fields=("campaign", "instrument_version", "field", "band", "item"),
                name="surveys_bandtally_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="itemtally",
            constraint=models.UniqueConstraint(
                fields=("campaign", "instrument_version", "service_type", "item"),
                name="surveys_itemtally_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="responsetally",
            constraint=models.UniqueConstraint(
                fields=(
                    "campaign",
                    "service_type",
                    "channel",
                    "flagged",
                    "excluded",
                    "age_group",
                    "sex",
                    "education",
                    "occupation",
                ),
                name="surveys_responsetally_key",
            ),
        ),
        migrations.RunPython(fill, empty),
    ]
