"""Keeping each sheet's stored scores in step with its answers (`StoredScore`).

Every write that can move a score (an answer, a survey index, an import, a koefisien) calls
`scores_refresh` inside its own transaction, after its change: the stored views and the
change commit or roll back together, and only that one sheet is rescored. Lists read the
stored rows (`selectors.scores.stored_scores`); `manage.py check_scores` compares them with
the answers and `scores_repair` rewrites the ones that drifted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from zona.accounts.models import User
from zona.assessments.models import Assessment, StoredAreaScore, StoredScore
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    STORED_FIELDS,
    area_rows,
    computed_rows,
    held_predicates_of,
    layer_answers,
    penalties_from_json,
)
from zona.assessments.sheet import sheet_spec
from zona.audit.services import audit_record
from zona.frameworks.scoring import Penalty

# The columns an upsert rewrites (model field names, not attnames).
_UPDATE_FIELDS = [*(name.removesuffix("_id") for name in STORED_FIELDS), "updated_at"]


def scores_refresh(assessment: Assessment, *, deductions: Sequence[Penalty] | None = None) -> None:
    """Recompute and store every score view of one sheet: the unit's, each tier's and the
    effective one.

    Call it inside the transaction of the change that moves the scores, holding the sheet's
    row lock (`services.answers.lock_assessment`), after the change. `deductions` are the
    koefisien of the effective view: None keeps those stored with it (an answer save), a
    list (empty: none) replaces them; the koefisien service (issue 10 §6) passes them here
    in its own transaction. Six queries whatever the size of the sheet (the views and
    their area rows, `StoredAreaScore`).
    """
    if not transaction.get_connection().in_atomic_block:
        # Stored outside the change's transaction, a score could outlive a rolled-back save.
        raise RuntimeError("scores_refresh must run inside the transaction of the change")
    _refresh([assessment], deductions={assessment.pk: deductions} if deductions is not None else {})


def scores_refresh_many(assessments: Iterable[Assessment], *, chunk_size: int = 200) -> int:
    """Rescore many sheets (after a tier's rank changed, or to rebuild), `chunk_size` at a
    time, each chunk in one transaction. The sheets need `period__framework` loaded."""
    done = 0
    chunk: list[Assessment] = []
    for assessment in assessments:
        chunk.append(assessment)
        if len(chunk) >= chunk_size:
            with transaction.atomic():
                _refresh(chunk)
            done += len(chunk)
            chunk = []
    if chunk:
        with transaction.atomic():
            _refresh(chunk)
        done += len(chunk)
    return done


def scores_repair(
    *, assessment: Assessment, drifted: Mapping[str, Any], actor: User | None
) -> None:
    """Rewrite one sheet's stored views after `check_scores --fix` found them drifted, and
    record what was wrong (view -> fields) in the audit log."""
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("period__framework", "unit")
            .get(pk=assessment.pk)
        )
        _refresh([locked])
        audit_record(
            actor=actor,
            action="assessment.scores_repaired",
            target=locked,
            unit=locked.unit,
            details={"views": dict(drifted)},
        )


def _refresh(
    assessments: Sequence[Assessment], *, deductions: Mapping[int, Sequence[Penalty]] | None = None
) -> None:
    deductions = deductions or {}
    ids = [a.pk for a in assessments]
    existing: dict[int, dict[str, list[Any]]] = {pk: {} for pk in ids}
    for assessment_id, key, stored in StoredScore.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "key", "deductions"
    ):
        existing[assessment_id][key] = stored or []
    layers = layer_answers(assessments)
    held = held_predicates_of(assessments)
    rows: list[StoredScore] = []
    areas: list[StoredAreaScore] = []
    stale: list[tuple[int, str]] = []
    for assessment in assessments:
        have = existing[assessment.pk]
        penalties = deductions.get(assessment.pk)
        if penalties is None:
            penalties = penalties_from_json(have.get(EFFECTIVE_KEY, []))
        views = computed_rows(
            sheet_spec(assessment.period.framework),
            layers[assessment.pk],
            target=assessment.target,
            penalties=penalties,
            held=held[assessment.pk],
        )
        rows.extend(
            StoredScore(assessment_id=assessment.pk, key=key, **fields)
            for key, fields in views.items()
        )
        areas.extend(
            StoredAreaScore(
                assessment_id=assessment.pk,
                key=key,
                area=area,
                score=figures.score,
                difference=figures.difference,
            )
            for (key, area), figures in area_rows(views).items()
        )
        stale.extend((assessment.pk, key) for key in have if key not in views)
    StoredScore.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["assessment", "key"],
        update_fields=_UPDATE_FIELDS,
    )
    # The views' area figures in narrow rows (the dashboard's sums), rewritten whole.
    StoredAreaScore.objects.filter(assessment_id__in=ids).delete()
    StoredAreaScore.objects.bulk_create(areas)
    for assessment_id, key in stale:
        # A layer that no longer exists (its sheet's layers are never removed by the app).
        StoredScore.objects.filter(assessment_id=assessment_id, key=key).delete()
