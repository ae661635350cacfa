"""The package part: who proposes per agency, the proposal's lines and its generated documents."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zona.national.models.package


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_integrity"),
        ("assessments", "0004_stored_scores"),
        ("national", "0002_candidacy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProposalDocument",
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
                        choices=[
                            ("letter_docx", "Proposal letter (DOCX)"),
                            ("letter_pdf", "Proposal letter (PDF)"),
                            ("sptjm_docx", "SPTJM (DOCX)"),
                            ("sptjm_pdf", "SPTJM (PDF)"),
                            ("lke_xlsx", "LKE reviewed by the TPI (Excel)"),
                        ],
                        max_length=12,
                        verbose_name="document",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=500,
                        upload_to=zona.national.models.package.document_upload_to,
                        verbose_name="file",
                    ),
                ),
                ("name", models.CharField(max_length=255, verbose_name="file name")),
                ("size", models.PositiveIntegerField(verbose_name="size")),
                ("sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(verbose_name="generated at")),
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
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="national.proposal",
                        verbose_name="proposal",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "proposal document",
                "verbose_name_plural": "proposal documents",
                "ordering": ["proposal_id", "kind", "unit__code"],
            },
        ),
        migrations.CreateModel(
            name="ProposalPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "proposer",
                    models.CharField(
                        choices=[
                            ("head", "The agency head"),
                            ("admin", "The agency administrator"),
                            ("either", "The agency head or the agency administrator"),
                        ],
                        default="either",
                        max_length=8,
                        verbose_name="who proposes",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "agency",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposal_policy",
                        to="accounts.unit",
                        verbose_name="agency",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "proposal policy",
                "verbose_name_plural": "proposal policies",
            },
        ),
        migrations.CreateModel(
            name="ProposalLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "target",
                    models.CharField(
                        choices=[("WBK", "WBK"), ("WBBM", "WBBM")],
                        max_length=8,
                        verbose_name="target predicate",
                    ),
                ),
                (
                    "tpi_score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=9,
                        null=True,
                        verbose_name="TPI score",
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposal_lines",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="national.proposal",
                        verbose_name="proposal",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "proposal line",
                "verbose_name_plural": "proposal lines",
                "ordering": ["proposal_id", "unit__code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("proposal", "assessment"), name="national_proposalline_unique_sheet"
                    )
                ],
            },
        ),
    ]
