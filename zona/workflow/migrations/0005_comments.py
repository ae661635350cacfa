# Comments on items and marks on evidence files (issue 10 §4).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0004_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "verdict",
                    models.CharField(
                        choices=[
                            ("accepted", "Accepted"),
                            ("insufficient", "Insufficient"),
                            ("not_relevant", "Not relevant"),
                        ],
                        max_length=16,
                        verbose_name="mark",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "marked_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "link",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="marks",
                        to="assessments.evidencelink",
                        verbose_name="evidence link",
                    ),
                ),
                (
                    "marked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
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
                "verbose_name": "evidence mark",
                "verbose_name_plural": "evidence marks",
                "ordering": ["marked_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["assessment", "tier"], name="workflow_ev_assessm_b6099b_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ItemComment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("item_code", models.CharField(max_length=64, verbose_name="item")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("to_unit", "To the unit"),
                            ("internal", "Internal (reviewers only)"),
                            ("must_fix", "Must fix"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("from_unit", models.BooleanField(default=False, verbose_name="from the unit")),
                ("body", models.TextField(verbose_name="comment")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
                ),
                (
                    "resolved_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="resolved at"),
                ),
                ("resolution_note", models.TextField(blank=True, verbose_name="resolution note")),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="item_comments",
                        to="assessments.assessment",
                        verbose_name="assessment",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="replies",
                        to="workflow.itemcomment",
                        verbose_name="reply to",
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="resolved by",
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
                "verbose_name": "item comment",
                "verbose_name_plural": "item comments",
                "ordering": ["created_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["assessment", "item_code"], name="workflow_it_assessm_7b8ed0_idx"
                    ),
                    models.Index(
                        fields=["assessment", "tier", "kind"], name="workflow_it_assessm_bbe502_idx"
                    ),
                ],
            },
        ),
    ]
