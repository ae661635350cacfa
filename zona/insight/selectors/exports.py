"""What the background exports read: the recap of a subtree, chunk by chunk.

Every chunk of sheets costs the same five queries whatever its size and the size of the
subtree (sheets with their units, stored scores, answer layers, answers, evidence links),
and the sheets are walked in tree order by keyset on the unit's path, so a recap of 30,000
sheets never holds more than one chunk in memory. Scores are the stored ones
(`StoredScore`): nothing is rescored here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from zona.accounts.models import ReviewTier, Unit
from zona.assessments.models import (
    Answer,
    AnswerLayer,
    Assessment,
    EvidenceLink,
    Period,
)
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    StoredView,
    empty_view,
    stored_scores,
    tier_key,
)
from zona.assessments.selectors.state import UNIT_KEY
from zona.insight.models import ExportJob


def exports_of(user_id: int) -> QuerySet[ExportJob]:
    """A user's own exports, newest first (the list page and the API list)."""
    return ExportJob.objects.filter(requested_by_id=user_id).select_related("unit")


def recap_tiers(period: Period) -> list[ReviewTier]:
    """The review tiers whose views and layers a recap of the period shows: the agency's
    and the national ones, lowest rank first."""
    return list(
        ReviewTier.objects.filter(Q(agency=period.agency_id) | Q(agency__isnull=True)).order_by(
            "rank", "code"
        )
    )


def _sheets(period: Period, root: Unit) -> QuerySet[Assessment]:
    return Assessment.objects.filter(period=period, unit__path__startswith=root.path)


def recap_count(period: Period, root: Unit) -> int:
    return _sheets(period, root).count()


@dataclass(frozen=True)
class EvidenceRef:
    title: str
    kind: str
    # The revision reviewers see: pinned at submission, else the newest (None: a link
    # whose document has no revision yet).
    revision_id: int | None
    url: str


@dataclass
class RecapSheet:
    """One sheet of the recap, as stored: its unit, status, stored views, and per item the
    answer and note of each layer and its evidence."""

    assessment: Assessment
    # View key (`unit`, `tier:<id>`, `effective`) -> stored view.
    views: dict[str, StoredView]
    # Layer key (`unit`, `tier:<id>`) -> item code -> (value, note).
    answers: dict[str, dict[str, tuple[Any, str]]] = field(default_factory=dict)
    evidence: dict[str, list[EvidenceRef]] = field(default_factory=dict)

    def view(self, key: str) -> StoredView | None:
        return self.views.get(key)

    @property
    def effective(self) -> StoredView:
        return self.views.get(EFFECTIVE_KEY) or empty_view(self.assessment, EFFECTIVE_KEY)

    @property
    def unit_view(self) -> StoredView:
        return self.views.get(UNIT_KEY) or empty_view(self.assessment, UNIT_KEY)


def recap_chunks(period: Period, root: Unit, *, chunk_size: int) -> Iterator[list[RecapSheet]]:
    """The sheets of `period` in `root`'s subtree (the root included), in tree order,
    `chunk_size` at a time, each chunk in five queries."""
    last_path = ""
    while True:
        chunk = list(
            _sheets(period, root)
            .filter(unit__path__gt=last_path)
            .select_related("unit")
            .order_by("unit__path")[:chunk_size]
        )
        if not chunk:
            return
        last_path = chunk[-1].unit.path
        for assessment in chunk:
            # The caller's period has its framework loaded: no query per sheet for it.
            assessment.period = period
        yield _load(chunk)
        if len(chunk) < chunk_size:
            return


RECAP_FIELDS = ("pengungkit", "hasil", "passed", "verdicts", "total_after_deductions")


def _load(chunk: list[Assessment]) -> list[RecapSheet]:
    ids = [a.pk for a in chunk]
    # The recap writes totals, Pengungkit, Hasil and the verdict: the area and component JSON
    # is not read (decoding it was most of the read's time on a large agency).
    views = stored_scores(ids, fields=RECAP_FIELDS)
    sheets = {a.pk: RecapSheet(assessment=a, views=views.get(a.pk, {})) for a in chunk}
    layers: dict[int, tuple[int, str]] = {}
    for layer_id, assessment_id, tier_id in AnswerLayer.objects.filter(
        assessment_id__in=ids
    ).values_list("pk", "assessment_id", "tier_id"):
        layers[layer_id] = (assessment_id, UNIT_KEY if tier_id is None else tier_key(tier_id))
    answers: dict[int, dict[str, dict[str, tuple[Any, str]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for layer_id, code, value, note in (
        Answer.objects.filter(layer_id__in=list(layers))
        .values_list("layer_id", "item_code", "value", "note")
        .iterator(chunk_size=5000)
    ):
        if value is None and not note:
            continue
        assessment_id, key = layers[layer_id]
        answers[assessment_id][key][code] = (value, note)
    for assessment_id, by_layer in answers.items():
        sheets[assessment_id].answers = {k: dict(v) for k, v in by_layer.items()}
    evidence: dict[int, dict[str, list[EvidenceRef]]] = defaultdict(lambda: defaultdict(list))
    for row in (
        EvidenceLink.objects.filter(assessment_id__in=ids, unlinked_at__isnull=True)
        .order_by("linked_at", "id")
        .values(
            "assessment_id",
            "item_code",
            "pinned_title",
            "pinned_revision_id",
            "pinned_revision__url",
            "evidence__title",
            "evidence__kind",
            "evidence__current_revision_id",
            "evidence__current_revision__url",
        )
    ):
        pinned = row["pinned_revision_id"] is not None
        evidence[row["assessment_id"]][row["item_code"]].append(
            EvidenceRef(
                title=(row["pinned_title"] if pinned and row["pinned_title"] else "")
                or row["evidence__title"],
                kind=row["evidence__kind"],
                revision_id=row["pinned_revision_id"]
                if pinned
                else row["evidence__current_revision_id"],
                url=(
                    row["pinned_revision__url"]
                    if pinned
                    else row["evidence__current_revision__url"]
                )
                or "",
            )
        )
    for assessment_id, by_item in evidence.items():
        sheets[assessment_id].evidence = {k: list(v) for k, v in by_item.items()}
    return [sheets[pk] for pk in ids]


# --- choices of the request form ------------------------------------------------------------

# The form lists at most this many units to export; others are reached with `?unit=`.
ROOT_CHOICES = 300


def recap_periods(user: Any) -> QuerySet[Period]:
    """The periods whose recap the user might ask for (those they see)."""
    from zona.assessments.access import periods_visible_to

    return periods_visible_to(user).order_by("-year", "title")


def recap_roots(user: Any, period: Period) -> list[Unit]:
    """Units of the period's agency whose whole subtree the user views, in tree order."""
    from zona.accounts.access import Perm, units_where, units_with_subtree_where

    whole = units_with_subtree_where(user, Perm.ASSESSMENT_VIEW)
    leaves = units_where(user, Perm.ASSESSMENT_VIEW).filter(numchild=0)
    return list(
        (whole | leaves).filter(path__startswith=period.agency.path).order_by("path")[:ROOT_CHOICES]
    )
