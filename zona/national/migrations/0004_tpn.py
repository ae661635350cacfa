"""The tpn part's models: the stage records, follow-up items, appeals, field evaluations,
clearances and sampling plans."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zona.national.models.tpn


class Migration(migrations.Migration):
    dependencies = [
        ("national", "0003_package"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("accounts", "0002_integrity"),
    ]

    operations = [
        migrations.CreateModel(
            name="FieldEvaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scheduled_on", models.DateField(verbose_name="date of the evaluation")),
                (
                    "mode",
                    models.CharField(
                        choices=[("visit", "Site visit"), ("online", "Online session")],
                        max_length=8,
                        verbose_name="mode",
                    ),
                ),
                (
                    "place",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="place or meeting link"
                    ),
                ),
                ("interviews", models.TextField(blank=True, verbose_name="interviews")),
                ("observations", models.TextField(blank=True, verbose_name="observations")),
                ("findings", models.TextField(blank=True, verbose_name="findings")),
                (
                    "findings_file",
                    models.FileField(
                        blank=True,
                        max_length=500,
                        upload_to=zona.national.models.tpn.tpn_upload_to,
                        verbose_name="findings file",
                    ),
                ),
                (
                    "findings_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("findings_sha256", models.CharField(blank=True, max_length=64)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="field_evaluation",
                        to="national.nomination",
                        verbose_name="nomination",
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
                "verbose_name": "field evaluation",
                "verbose_name_plural": "field evaluations",
            },
        ),
        migrations.CreateModel(
            name="FollowUpItem",
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
                        choices=[("letter", "Proposal letter"), ("sptjm", "SPTJM"), ("lke", "LKE")],
                        max_length=10,
                        verbose_name="document",
                    ),
                ),
                ("request", models.TextField(verbose_name="what to correct")),
                ("due_on", models.DateField(verbose_name="deadline")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=500,
                        upload_to=zona.national.models.tpn.tpn_upload_to,
                        verbose_name="file",
                    ),
                ),
                (
                    "file_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("file_sha256", models.CharField(blank=True, max_length=64)),
                (
                    "uploaded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="uploaded at"),
                ),
                (
                    "accepted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="accepted at"),
                ),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follow_ups",
                        to="national.nomination",
                        verbose_name="nomination",
                    ),
                ),
                (
                    "uploaded_by",
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
                "verbose_name": "follow-up item",
                "verbose_name_plural": "follow-up items",
                "ordering": ["nomination", "pk"],
            },
        ),
        migrations.CreateModel(
            name="NominationAppeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                (
                    "evidence",
                    models.FileField(
                        blank=True,
                        max_length=500,
                        upload_to=zona.national.models.tpn.tpn_upload_to,
                        verbose_name="data dukung",
                    ),
                ),
                (
                    "evidence_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("evidence_sha256", models.CharField(blank=True, max_length=64)),
                ("filed_at", models.DateTimeField(verbose_name="filed at")),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[("upheld", "Upheld"), ("rejected", "Rejected")],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                (
                    "decision_reason",
                    models.TextField(blank=True, verbose_name="reason for the decision"),
                ),
                ("decided_on", models.DateField(blank=True, null=True, verbose_name="decided on")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "filed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appeal",
                        to="national.nomination",
                        verbose_name="nomination",
                    ),
                ),
            ],
            options={
                "verbose_name": "appeal",
                "verbose_name_plural": "appeals",
            },
        ),
        migrations.CreateModel(
            name="NominationStage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stage", models.CharField(max_length=16, verbose_name="stage")),
                ("action", models.CharField(max_length=40, verbose_name="action")),
                ("held_on", models.DateField(verbose_name="date")),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                (
                    "members",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="members",
                    ),
                ),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stages",
                        to="national.nomination",
                        verbose_name="nomination",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "stage record",
                "verbose_name_plural": "stage records",
                "ordering": ["nomination", "held_on", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Clearance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "body",
                    models.CharField(
                        choices=[("kpk", "KPK"), ("ombudsman", "Ombudsman")],
                        max_length=10,
                        verbose_name="from",
                    ),
                ),
                (
                    "result",
                    models.CharField(
                        choices=[("clear", "Clear"), ("not_clear", "Not clear")],
                        max_length=10,
                        verbose_name="result",
                    ),
                ),
                ("issued_on", models.DateField(verbose_name="date")),
                (
                    "reference",
                    models.CharField(blank=True, max_length=200, verbose_name="reference"),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "document",
                    models.FileField(
                        blank=True,
                        max_length=500,
                        upload_to=zona.national.models.tpn.tpn_upload_to,
                        verbose_name="document",
                    ),
                ),
                (
                    "document_name",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                ("document_sha256", models.CharField(blank=True, max_length=64)),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="clearances",
                        to="national.nomination",
                        verbose_name="nomination",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "clearance",
                "verbose_name_plural": "clearances",
                "ordering": ["nomination", "body"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("nomination", "body"), name="national_clearance_one_per_body"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SamplingPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "method",
                    models.CharField(
                        choices=[("manual", "Chosen by the TPN"), ("random", "Random draw")],
                        max_length=8,
                        verbose_name="method",
                    ),
                ),
                ("seed", models.CharField(blank=True, max_length=64, verbose_name="seed")),
                ("size", models.PositiveSmallIntegerField(verbose_name="sample size")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("created_at", models.DateTimeField(verbose_name="recorded at")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tpn_sampling_plans",
                        to="accounts.unit",
                        verbose_name="agency",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "sampling plan",
                "verbose_name_plural": "sampling plans",
                "ordering": ["-year", "agency__path"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "year"), name="national_sampling_one_per_year"
                    )
                ],
            },
        ),
    ]
