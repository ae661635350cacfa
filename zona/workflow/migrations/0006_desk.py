# The desk workstream: desk-evaluation sessions, survey validation (SHPZI), assistance.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zona.workflow.models.desk


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0005_comments"),
        ("accounts", "0002_integrity"),
        ("assessments", "0001_initial"),
        ("surveys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeskSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "area",
                    models.CharField(
                        blank=True, max_length=16, verbose_name="working group (LKE area)"
                    ),
                ),
                ("starts_at", models.DateTimeField(verbose_name="starts at")),
                ("ends_at", models.DateTimeField(blank=True, null=True, verbose_name="ends at")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                (
                    "meeting_url",
                    models.URLField(blank=True, max_length=500, verbose_name="meeting link"),
                ),
                ("agenda", models.TextField(blank=True, verbose_name="agenda")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "Planned"),
                            ("held", "Held"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="planned",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("outcome", models.TextField(blank=True, verbose_name="outcome")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="desk_sessions",
                        to="assessments.assessment",
                        verbose_name="assessment",
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
                "verbose_name": "desk-evaluation session",
                "verbose_name_plural": "desk-evaluation sessions",
                "ordering": ["assessment_id", "starts_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="DeskNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_code", models.CharField(max_length=64, verbose_name="item")),
                ("note", models.TextField(verbose_name="interview note")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="workflow.desksession",
                    ),
                ),
            ],
            options={
                "verbose_name": "interview note",
                "verbose_name_plural": "interview notes",
                "ordering": ["session_id", "item_code"],
            },
        ),
        migrations.CreateModel(
            name="DeskAttendee",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=160, verbose_name="name")),
                (
                    "side",
                    models.CharField(
                        choices=[("reviewer", "Reviewer"), ("unit", "Unit")],
                        max_length=16,
                        verbose_name="side",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendees",
                        to="workflow.desksession",
                    ),
                ),
            ],
            options={
                "verbose_name": "attendee",
                "verbose_name_plural": "attendees",
                "ordering": ["session_id", "side", "name"],
            },
        ),
        migrations.CreateModel(
            name="SurveyValidation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "report_checks",
                    models.JSONField(blank=True, default=dict, verbose_name="report checklist"),
                ),
                (
                    "report_verdict",
                    models.CharField(
                        choices=[
                            ("pending", "Not checked yet"),
                            ("adequate", "Adequate"),
                            ("needs_improvement", "Adequate with notes"),
                            ("inadequate", "Not adequate"),
                        ],
                        default="pending",
                        max_length=24,
                        verbose_name="verdict on the report",
                    ),
                ),
                ("report_note", models.TextField(blank=True, verbose_name="note on the report")),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
                ("questionnaire_version", models.CharField(blank=True, max_length=64)),
                ("questionnaire_answers", models.JSONField(blank=True, default=dict)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="survey_validations",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.campaign",
                        verbose_name="survey campaign",
                    ),
                ),
                (
                    "checked_by",
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
                        verbose_name="tier",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey validation",
                "verbose_name_plural": "survey validations",
                "ordering": ["assessment_id", "tier__rank"],
            },
        ),
        migrations.CreateModel(
            name="ConfirmationRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=zona.workflow.models.desk.confirmation_token,
                        max_length=64,
                        unique=True,
                    ),
                ),
                ("expires_at", models.DateTimeField(verbose_name="link valid until")),
                ("emailed_at", models.DateTimeField(blank=True, null=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "was_served",
                    models.BooleanField(
                        blank=True, null=True, verbose_name="was served by the unit"
                    ),
                ),
                (
                    "took_part",
                    models.BooleanField(
                        blank=True, null=True, verbose_name="took part in the survey"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "call",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.validationcall",
                    ),
                ),
                (
                    "validation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="confirmations",
                        to="workflow.surveyvalidation",
                    ),
                ),
            ],
            options={
                "verbose_name": "respondent confirmation",
                "verbose_name_plural": "respondent confirmations",
                "ordering": ["validation_id", "call__position"],
            },
        ),
        migrations.CreateModel(
            name="AssistanceRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_code", models.CharField(max_length=64, verbose_name="item")),
                (
                    "document_check",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ok", "Complete"),
                            ("incomplete", "Incomplete"),
                            ("missing", "Missing"),
                        ],
                        max_length=16,
                        verbose_name="evidence check",
                    ),
                ),
                (
                    "simulated_answer",
                    models.JSONField(blank=True, null=True, verbose_name="simulated answer"),
                ),
                ("advice", models.TextField(blank=True, verbose_name="advice")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "To follow up"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="follow-up",
                    ),
                ),
                ("status_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assistance_records",
                        to="assessments.assessment",
                        verbose_name="assessment",
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
                (
                    "status_by",
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
                        verbose_name="tier",
                    ),
                ),
            ],
            options={
                "verbose_name": "assistance record",
                "verbose_name_plural": "assistance records",
                "ordering": ["assessment_id", "item_code", "tier_id"],
                "indexes": [
                    models.Index(
                        fields=["assessment", "status"], name="workflow_as_assessm_4fbcdf_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "tier", "item_code"),
                        name="workflow_assistance_unique_item",
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="desksession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_at__isnull", True),
                    ("ends_at__gte", models.F("starts_at")),
                    _connector="OR",
                ),
                name="workflow_desk_session_times_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="desknote",
            constraint=models.UniqueConstraint(
                fields=("session", "item_code"), name="workflow_desk_note_unique_item"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyvalidation",
            constraint=models.UniqueConstraint(
                fields=("assessment", "tier"), name="workflow_survey_validation_unique_tier"
            ),
        ),
    ]
