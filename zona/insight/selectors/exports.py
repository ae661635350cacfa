"""What the background exports read: the recap of a subtree, chunk by chunk.

Every chunk of sheets costs the same three queries whatever its size and the size of the
subtree (sheets with their units and stored views, answers with their layers, evidence links),
and the sheets are walked in tree order by keyset on the unit's path, so a recap of 30,000
sheets never holds more than one chunk in memory. Scores are the stored ones
(`StoredScore`): nothing is rescored here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet

from zona.accounts.models import ReviewTier, Unit
from zona.assessments.models import (
    Answer,
    Assessment,
    EvidenceLink,
    Period,
)
from zona.assessments.selectors.scores import (
    EFFECTIVE_KEY,
    StoredView,
    empty_view,
    key_tier_id,
    tier_key,
)
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.sheet import sheet_spec
from zona.insight.models import ExportJob
from zona.insight.selectors.agency import failing_on_target


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


def recap_view_keys(tiers: Sequence[ReviewTier]) -> list[str]:
    """The stored views a recap shows: the unit's, each tier's (lowest rank first), the
    effective one."""
    return [UNIT_KEY, *(tier_key(t.pk) for t in tiers), EFFECTIVE_KEY]


def recap_chunks(
    period: Period,
    root: Unit,
    *,
    chunk_size: int,
    tiers: Sequence[ReviewTier] | None = None,
) -> Iterator[list[RecapSheet]]:
    """The sheets of `period` in `root`'s subtree (the root included), in tree order,
    `chunk_size` at a time, each chunk in three queries: the sheets with their units and
    stored views (one row per sheet, each shown view joined), their answers (with their
    layers), their evidence. `tiers` are the recap's (`recap_tiers`, read here if not
    given)."""
    keys = recap_view_keys(recap_tiers(period) if tiers is None else tiers)
    targets = sorted({p.key for p in sheet_spec(period.framework).compiled.predicates})
    last_path = ""
    while True:
        # One sheet more than the chunk: whether another chunk follows, without a query
        # that finds nothing.
        rows = list(
            _with_views(
                _sheets(period, root)
                .filter(unit__path__gt=last_path)
                .select_related("unit")
                .only(*_SHEET_FIELDS)
                .order_by("unit__path"),
                keys,
                targets,
            )[: chunk_size + 1]
        )
        chunk = rows[:chunk_size]
        if not chunk:
            return
        last_path = chunk[-1].unit.path
        for assessment in chunk:
            # The caller's period has its framework loaded: no query per sheet for it.
            assessment.period = period
        yield _load(chunk, keys)
        if len(rows) <= chunk_size:
            return


# The sheet and unit fields the recap writes.
_SHEET_FIELDS = (
    "id",
    "period_id",
    "status",
    "target",
    "unit__id",
    "unit__path",
    "unit__depth",
    "unit__code",
    "unit__name",
)


# What the recap reads of each view: its totals; of the effective one also the verdict on
# the sheet's target (its list of failing conditions: the area and component JSON, and the
# other predicates' verdicts, are never read).
_VIEW_FIELDS = ("total", "pengungkit", "hasil")
_EFFECTIVE_FIELDS = ("passed", "total_after_deductions")


def _with_views(
    sheets: QuerySet[Assessment], keys: Sequence[str], targets: Sequence[str]
) -> QuerySet[Assessment]:
    """The sheets with each shown stored view joined (a sheet has at most one row per view
    key), its fields annotated as `v<i>_<field>`."""
    for i, key in enumerate(keys):
        alias = f"v{i}"
        sheets = sheets.annotate(
            **{alias: FilteredRelation("stored_scores", condition=Q(stored_scores__key=key))}
        )
        fields = (*_VIEW_FIELDS, *(_EFFECTIVE_FIELDS if key == EFFECTIVE_KEY else ()))
        sheets = sheets.annotate(
            **{f"{alias}_id": F(f"{alias}__id")},
            **{f"{alias}_{name}": F(f"{alias}__{name}") for name in fields},
        )
        if key == EFFECTIVE_KEY and targets:
            failing = failing_on_target(f"{alias}__verdicts", "target", targets)
            sheets = sheets.annotate(**{f"{alias}_failing": failing})
    return sheets


def _views(assessment: Assessment, keys: Sequence[str]) -> dict[str, StoredView]:
    views: dict[str, StoredView] = {}
    for i, key in enumerate(keys):
        values = assessment.__dict__
        if values.get(f"v{i}_id") is None:
            continue
        effective = key == EFFECTIVE_KEY
        views[key] = StoredView(
            key=key,
            tier_id=key_tier_id(key),
            total=values[f"v{i}_total"],
            pengungkit=values[f"v{i}_pengungkit"],
            hasil=values[f"v{i}_hasil"],
            components={},
            areas={},
            answered=0,
            passed=values[f"v{i}_passed"] if effective else None,
            verdicts=(
                {
                    assessment.target: {
                        "passed": values[f"v{i}_passed"],
                        "failing": values.get(f"v{i}_failing") or [],
                    }
                }
                if effective
                else {}
            ),
            deductions=[],
            total_after_deductions=values[f"v{i}_total_after_deductions"] if effective else None,
        )
    return views


def _load(chunk: list[Assessment], keys: Sequence[str]) -> list[RecapSheet]:
    ids = [a.pk for a in chunk]
    sheets = {a.pk: RecapSheet(assessment=a, views=_views(a, keys)) for a in chunk}
    answers: dict[int, dict[str, dict[str, tuple[Any, str]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for assessment_id, tier_id, code, value, note in (
        Answer.objects.filter(layer__assessment_id__in=ids)
        .values_list("layer__assessment_id", "layer__tier_id", "item_code", "value", "note")
        # Streamed (a server-side cursor on PostgreSQL): a chunk's answers are the bulk of
        # its memory, and the driver need not hold them all at once besides.
        .iterator(chunk_size=5000)
    ):
        if value is None and not note:
            continue
        key = UNIT_KEY if tier_id is None else tier_key(tier_id)
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
