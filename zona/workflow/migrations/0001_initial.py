# The workflow foundation: events, chain steps, teams, tier reviews.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_integrity"),
        ("assessments", "0004_stored_scores"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="order")),
                ("opens_on", models.DateField(verbose_name="review opens on")),
                ("closes_on", models.DateField(verbose_name="review closes on")),
                (
                    "uses_controller",
                    models.BooleanField(
                        default=False, verbose_name="technical controller signs off"
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chain_steps",
                        to="assessments.period",
                        verbose_name="period",
                    ),
                ),
                (
                    "scopes",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Leave empty to review every unit of the agency in this tier.",
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="sub-trees reviewed",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="chain_steps",
                        to="accounts.reviewtier",
                        verbose_name="review tier",
                    ),
                ),
            ],
            options={
                "verbose_name": "review chain step",
                "verbose_name_plural": "review chain steps",
                "ordering": ["period_id", "position"],
            },
        ),
        migrations.CreateModel(
            name="ReviewTeam",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=128, verbose_name="name")),
                (
                    "controller",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="technical controller",
                    ),
                ),
                (
                    "lead",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="team lead",
                    ),
                ),
                (
                    "members",
                    models.ManyToManyField(
                        blank=True,
                        related_name="review_teams",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="members",
                    ),
                ),
                (
                    "step",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="teams",
                        to="workflow.chainstep",
                        verbose_name="step",
                    ),
                ),
                (
                    "units",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="accounts.unit",
                        verbose_name="units reviewed",
                    ),
                ),
            ],
            options={
                "verbose_name": "review team",
                "verbose_name_plural": "review teams",
                "ordering": ["step_id", "name"],
            },
        ),
        migrations.CreateModel(
            name="TierReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="order")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting for the tier below"),
                            ("open", "Under review"),
                            ("completed", "Review completed"),
                            ("returned", "Returned to the unit"),
                            ("closed", "Not reached"),
                        ],
                        default="waiting",
                        max_length=16,
                        verbose_name="status",
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
                (
                    "opened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="opened at"),
                ),
                (
                    "completed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="completed at"),
                ),
                (
                    "stale",
                    models.BooleanField(
                        default=False, verbose_name="reopened: the tier below changed"
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tier_reviews",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "completed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="completed by",
                    ),
                ),
                (
                    "step",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="workflow.chainstep",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tier_reviews",
                        to="accounts.reviewtier",
                        verbose_name="review tier",
                    ),
                ),
            ],
            options={
                "verbose_name": "tier review",
                "verbose_name_plural": "tier reviews",
                "ordering": ["assessment_id", "position"],
            },
        ),
        migrations.CreateModel(
            name="WorkflowEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject_kind", models.CharField(max_length=32, verbose_name="subject")),
                ("subject_id", models.PositiveBigIntegerField()),
                ("action", models.CharField(max_length=48, verbose_name="action")),
                ("from_state", models.CharField(blank=True, max_length=24, verbose_name="from")),
                ("to_state", models.CharField(blank=True, max_length=24, verbose_name="to")),
                ("items", models.JSONField(blank=True, default=list, verbose_name="items")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("details", models.JSONField(blank=True, default=dict)),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="workflow_events",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "tier",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.reviewtier",
                        verbose_name="review tier",
                    ),
                ),
            ],
            options={
                "verbose_name": "workflow event",
                "verbose_name_plural": "workflow events",
                "ordering": ["at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="chainstep",
            constraint=models.UniqueConstraint(
                fields=("period", "tier"), name="workflow_step_unique_tier"
            ),
        ),
        migrations.AddConstraint(
            model_name="chainstep",
            constraint=models.UniqueConstraint(
                fields=("period", "position"), name="workflow_step_unique_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="chainstep",
            constraint=models.CheckConstraint(
                condition=models.Q(("closes_on__gte", models.F("opens_on"))),
                name="workflow_step_dates_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewteam",
            constraint=models.UniqueConstraint(
                fields=("step", "name"), name="workflow_team_unique_name"
            ),
        ),
        migrations.AddIndex(
            model_name="tierreview",
            index=models.Index(fields=["step", "status"], name="workflow_ti_step_id_1a4bce_idx"),
        ),
        migrations.AddConstraint(
            model_name="tierreview",
            constraint=models.UniqueConstraint(
                fields=("assessment", "tier"), name="workflow_review_unique_tier"
            ),
        ),
        migrations.AddIndex(
            model_name="workflowevent",
            index=models.Index(
                fields=["subject_kind", "subject_id", "at"], name="workflow_wo_subject_bd1bba_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="workflowevent",
            index=models.Index(fields=["assessment", "at"], name="workflow_wo_assessm_3f396f_idx"),
        ),
    ]
