"""The candidacy part: declarations, integrity pacts, the eligibility checklist and answers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("national", "0001_core"),
        ("accounts", "0002_integrity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EligibilityCriterion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, verbose_name="code")),
                ("name", models.CharField(max_length=300, verbose_name="name")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="eligibility_criteria",
                        to="accounts.unit",
                        verbose_name="agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "eligibility criterion",
                "verbose_name_plural": "eligibility criteria",
                "ordering": ["agency_id", "position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="EligibilityAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(blank=True, max_length=500, upload_to="", verbose_name="file"),
                ),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("file_type", models.CharField(blank=True, max_length=128, verbose_name="type")),
                ("file_size", models.PositiveBigIntegerField(default=0, verbose_name="size")),
                (
                    "file_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("answer", models.BooleanField(verbose_name="answer")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "evidence_url",
                    models.URLField(blank=True, max_length=2000, verbose_name="evidence link"),
                ),
                ("answered_at", models.DateTimeField(verbose_name="answered at")),
                (
                    "answered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="eligibility_answers",
                        to="accounts.unit",
                        verbose_name="unit",
                    ),
                ),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="national.eligibilitycriterion",
                        verbose_name="criterion",
                    ),
                ),
            ],
            options={
                "verbose_name": "eligibility answer",
                "verbose_name_plural": "eligibility answers",
                "ordering": ["unit__path", "-year", "criterion__position"],
            },
        ),
        migrations.CreateModel(
            name="IntegrityPact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(blank=True, max_length=500, upload_to="", verbose_name="file"),
                ),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("file_type", models.CharField(blank=True, max_length=128, verbose_name="type")),
                ("file_size", models.PositiveBigIntegerField(default=0, verbose_name="size")),
                (
                    "file_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("nip", models.CharField(max_length=30, verbose_name="NIP")),
                ("position", models.CharField(blank=True, max_length=200, verbose_name="position")),
                ("in_roster", models.BooleanField(default=True, verbose_name="in the roster")),
                ("signed", models.BooleanField(default=False, verbose_name="signed")),
                ("signed_on", models.DateField(blank=True, null=True, verbose_name="signed on")),
                ("updated_at", models.DateTimeField(verbose_name="updated at")),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="integrity_pacts",
                        to="accounts.unit",
                        verbose_name="unit",
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
                "verbose_name": "integrity pact",
                "verbose_name_plural": "integrity pacts",
                "ordering": ["unit__path", "-year", "name", "nip"],
            },
        ),
        migrations.CreateModel(
            name="Declaration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(blank=True, max_length=500, upload_to="", verbose_name="file"),
                ),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("file_type", models.CharField(blank=True, max_length=128, verbose_name="type")),
                ("file_size", models.PositiveBigIntegerField(default=0, verbose_name="size")),
                (
                    "file_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256"),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("declared_on", models.DateField(verbose_name="date of the declaration")),
                ("signer_name", models.CharField(max_length=200, verbose_name="signed by")),
                ("signer_nip", models.CharField(max_length=30, verbose_name="NIP")),
                (
                    "signer_position",
                    models.CharField(max_length=200, verbose_name="signer's position"),
                ),
                (
                    "signer_echelon",
                    models.PositiveSmallIntegerField(verbose_name="signer's echelon"),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="declarations",
                        to="accounts.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "declaration (pencanangan)",
                "verbose_name_plural": "declarations (pencanangan)",
                "ordering": ["-year", "unit__path"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "year"), name="national_declaration_unique_year"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="eligibilitycriterion",
            constraint=models.UniqueConstraint(
                fields=("agency", "code"), name="national_criterion_unique_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="eligibilityanswer",
            constraint=models.UniqueConstraint(
                fields=("unit", "year", "criterion"), name="national_eligibility_unique_answer"
            ),
        ),
        migrations.AddIndex(
            model_name="integritypact",
            index=models.Index(
                fields=["unit", "year", "in_roster"], name="national_in_unit_id_6e9f39_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="integritypact",
            constraint=models.UniqueConstraint(
                fields=("unit", "year", "nip"), name="national_pact_unique_nip"
            ),
        ),
    ]
