"""The stored views' area figures in narrow rows (`StoredAreaScore`), filled from the area
JSON of the views already stored (what `selectors.scores.area_rows` derives from them)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

UNIT_KEY = "unit"
BATCH = 2000
FOUR = Decimal("0.0001")


def _d(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(FOUR, ROUND_HALF_UP)


def fill(apps: Any, schema_editor: Any) -> None:
    StoredScore = apps.get_model("assessments", "StoredScore")
    StoredAreaScore = apps.get_model("assessments", "StoredAreaScore")
    rows: list[Any] = []
    sheet: int | None = None
    views: dict[str, dict[str, Any]] = {}

    def flush_sheet() -> None:
        own = views.get(UNIT_KEY, {})
        for key, areas in views.items():
            for area, figures in areas.items():
                score = _d(figures.get("score", "0"))
                base = _d(own[area].get("score", "0")) if area in own else score
                rows.append(
                    StoredAreaScore(
                        assessment_id=sheet,
                        key=key,
                        area=area,
                        score=score,
                        difference=score - base,
                    )
                )

    for assessment_id, key, areas in (
        StoredScore.objects.order_by("assessment_id", "key")
        .values_list("assessment_id", "key", "areas")
        .iterator(chunk_size=BATCH)
    ):
        if assessment_id != sheet:
            if sheet is not None:
                flush_sheet()
            sheet, views = assessment_id, {}
            if len(rows) >= BATCH:
                StoredAreaScore.objects.bulk_create(rows, batch_size=BATCH)
                rows = []
        views[key] = areas or {}
    if sheet is not None:
        flush_sheet()
    StoredAreaScore.objects.bulk_create(rows, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_stored_scores")]

    operations = [
        migrations.CreateModel(
            name="StoredAreaScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=24, verbose_name="view")),
                ("area", models.CharField(max_length=32, verbose_name="area")),
                (
                    "score",
                    models.DecimalField(decimal_places=4, max_digits=9, verbose_name="score"),
                ),
                (
                    "difference",
                    models.DecimalField(decimal_places=4, max_digits=9, verbose_name="difference"),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stored_area_scores",
                        to="assessments.assessment",
                    ),
                ),
            ],
            options={
                "verbose_name": "stored area score",
                "verbose_name_plural": "stored area scores",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "key", "area"), name="assessments_storedarea_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
