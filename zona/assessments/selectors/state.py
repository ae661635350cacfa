"""The sheet's read model: every layer's answers and the attached evidence, as typed rows.

A derived fact (filled by a survey, expired, changed after submission, which layer's answer
counts, which layer differs from the unit) is a property here and nowhere else, so the pages,
the API, the Excel export and the services cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zona.assessments.models import (
    Answer,
    AnswerLayer,
    AnswerSource,
    Assessment,
    EvidenceLink,
    evidence_expired,
)
from zona.assessments.sheet import SheetSpec, same_value, score_value, sheet_spec

PREVIEWABLE_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}
)

# The unit layer's key in `SheetScores.layers`.
UNIT_KEY = "unit"


@dataclass(frozen=True)
class LayerInfo:
    id: int
    tier_id: int | None
    code: str
    name: str
    rank: int

    @property
    def is_unit(self) -> bool:
        return self.tier_id is None

    @property
    def key(self) -> str:
        """What scores and comparisons are keyed by: the tier itself, never its code (a
        code names a tier only within its agency or the national scope)."""
        return UNIT_KEY if self.tier_id is None else f"tier:{self.tier_id}"


@dataclass(frozen=True)
class AnswerRow:
    """One item's answer in one layer, as stored."""

    item_code: str
    value: Any = None
    note: str = ""
    revision: int = 0
    source: str = AnswerSource.MANUAL
    suggested_value: Any = None
    suggested_note: str = ""
    updated_at: dt.datetime | None = None
    # The full name (else the username) of who saved it last; None for a survey or import.
    updated_by: str | None = None

    @property
    def answered(self) -> bool:
        return self.value is not None

    @property
    def filled_by_survey(self) -> bool:
        """The value came from the unit's surveys in Zona (taken at submission or with one
        click), and nobody has overwritten it since."""
        return self.source == AnswerSource.SURVEY and self.value is not None

    @property
    def shown(self) -> bool:
        """Whether there is anything to show beside another layer: a value or a note."""
        return self.value is not None or bool(self.note)

    @property
    def author(self) -> str:
        """Who the sheet names as the author of the value."""
        if self.updated_by:
            return self.updated_by
        return _("Zona survey") if self.filled_by_survey else ""

    @property
    def pending_suggestion(self) -> bool:
        """A carried-forward value waits for the unit to take or overwrite it."""
        return self.suggested_value is not None and not same_value(self.suggested_value, self.value)

    @property
    def open_suggestion(self) -> bool:
        """A carried-forward value waits on an item still empty (the page offers to take
        all of them at once)."""
        return self.suggested_value is not None and self.value is None

    def differs_from(self, value: Any) -> bool:
        """Whether this row answered, and answered otherwise than `value`."""
        return self.value is not None and not same_value(self.value, value)


@dataclass(frozen=True)
class LinkRow:
    """One document attached to one item, as the sheet shows it.

    Once the sheet was submitted the link is pinned: it shows the revision and title of that
    moment, whatever happened in the library since, and `changed` says what did (a newer
    revision, a new title, archiving); that enters the sheet at the next submission.
    """

    link_id: int
    item_code: str
    evidence_id: int
    kind: str
    # The title the sheet shows: as submitted once pinned, else the library's.
    title: str
    # The revision the sheet shows: pinned at submission, else the newest.
    revision_id: int | None
    number: int | None
    url: str
    original_name: str
    content_type: str
    size: int | None
    effective_date: dt.date | None
    expires_on: dt.date | None
    pinned: bool
    # What the library holds now.
    current_title: str
    current_revision_id: int | None
    current_number: int | None
    archived: bool
    linked_at: dt.datetime | None = None
    linked_by_id: int | None = None
    pinned_at: dt.datetime | None = None
    # The day `expired` is judged on (the server's time zone).
    as_of: dt.date = field(default_factory=timezone.localdate)

    @property
    def expired(self) -> bool:
        return evidence_expired(self.expires_on, self.as_of)

    @property
    def previewable(self) -> bool:
        return self.content_type in PREVIEWABLE_TYPES

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def changed(self) -> list[str]:
        """What changed in the library since the sheet was submitted (empty: nothing)."""
        if not self.pinned:
            return []
        changes: list[str] = []
        if self.current_revision_id != self.revision_id:
            changes.append(_("new version v%(number)s") % {"number": self.current_number})
        if self.current_title != self.title:
            changes.append(_("renamed to “%(title)s”") % {"title": self.current_title})
        if self.archived:
            changes.append(_("archived"))
        return changes

    @property
    def changed_after_submission(self) -> bool:
        return bool(self.changed)


@dataclass(frozen=True)
class SheetState:
    """All answers of all layers and all active evidence links of one assessment."""

    assessment: Assessment
    spec: SheetSpec
    layers: list[LayerInfo]
    # layer id -> item code -> answer row
    answers: dict[int, dict[str, AnswerRow]]
    # item code -> evidence rows, in link order
    links: dict[str, list[LinkRow]]
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def unit_layer(self) -> LayerInfo:
        return self.layers[0]

    @property
    def unit_answers(self) -> dict[str, AnswerRow]:
        return self.answers.get(self.unit_layer.id, {})

    @property
    def review_layers(self) -> list[LayerInfo]:
        return self.layers[1:]

    def layer_named(self, code: str) -> LayerInfo | None:
        """The layer an address names (`unit` or a tier code, as the API's `?layer=`)."""
        return next((layer for layer in self.layers if layer.code == code), None)

    def answer(self, layer: LayerInfo, code: str) -> AnswerRow | None:
        return self.answers.get(layer.id, {}).get(code)

    def unit_value(self, code: str) -> Any:
        row = self.unit_answers.get(code)
        return row.value if row else None

    def layer_values(self, layer: LayerInfo) -> dict[str, Any]:
        """Scoreable answers of one layer (incomplete PCT counts count as unanswered)."""
        return dict(self.scoreable[layer.key])

    @cached_property
    def scoreable(self) -> dict[str, dict[str, Any]]:
        """Layer key -> its scoreable answers (what the effective score takes from)."""
        result: dict[str, dict[str, Any]] = {}
        for layer in self.layers:
            values: dict[str, Any] = {}
            for code, row in self.answers.get(layer.id, {}).items():
                item = self.spec.items.get(code)
                if item is None:
                    continue
                answer = score_value(item, row.value)
                if answer is not None:
                    values[code] = answer
            result[layer.key] = values
        return result

    def effective_layer(self, code: str) -> LayerInfo | None:
        """The highest layer that answered this item (its answer is the effective one)."""
        for layer in reversed(self.layers):
            if code in self.scoreable[layer.key]:
                return layer
        return None

    def effective_answer(self, code: str) -> AnswerRow | None:
        layer = self.effective_layer(code)
        return self.answer(layer, code) if layer else None

    def layer_differs(self, layer: LayerInfo, code: str) -> bool:
        """Whether a reviewer layer answered this item otherwise than the unit."""
        if layer.is_unit:
            return False
        row = self.answer(layer, code)
        return row is not None and row.differs_from(self.unit_value(code))

    def differs(self, code: str) -> bool:
        """Whether any reviewer layer answered this item otherwise than the unit."""
        return any(self.layer_differs(layer, code) for layer in self.review_layers)

    def has_expired_evidence(self, code: str) -> bool:
        return any(link.expired for link in self.links.get(code, []))

    def link(self, link_id: int) -> LinkRow | None:
        return next(
            (link for rows in self.links.values() for link in rows if link.link_id == link_id),
            None,
        )


@dataclass(frozen=True)
class ItemLayers:
    """One item in every layer side by side: what counts and whether a reviewer differs."""

    item_code: str
    # Layer code (`unit`, tier codes) -> that layer's answer, for the layers that have one.
    answers: dict[str, AnswerRow]
    effective: EffectiveAnswer
    differs: bool


@dataclass(frozen=True)
class EffectiveAnswer:
    # The code of the highest layer that answered (its answer counts), or None.
    layer: str | None
    value: Any


def item_layers(state: SheetState) -> list[ItemLayers]:
    """Every item of the sheet with its answers per layer, in the framework's order."""
    result = []
    for code in state.spec.items:
        answers = {}
        for layer in state.layers:
            row = state.answer(layer, code)
            if row is not None:
                answers[layer.code] = row
        effective = state.effective_layer(code)
        row = state.answer(effective, code) if effective else None
        result.append(
            ItemLayers(
                item_code=code,
                answers=answers,
                effective=EffectiveAnswer(
                    effective.code if effective else None, row.value if row else None
                ),
                differs=state.differs(code),
            )
        )
    return result


def load_sheet_state(assessment: Assessment) -> SheetState:
    """Three queries whatever the number of items, layers and files."""
    spec = sheet_spec(assessment.period.framework)
    layers: list[LayerInfo] = []
    for layer in AnswerLayer.objects.filter(assessment=assessment).select_related("tier"):
        if layer.tier is None:
            layers.append(LayerInfo(layer.pk, None, "unit", _("Unit"), -1))
        else:
            tier = layer.tier
            layers.append(LayerInfo(layer.pk, tier.pk, tier.code, tier.name, tier.rank))
    layers.sort(key=lambda info: info.rank)
    if not layers or not layers[0].is_unit:
        # Every assessment gets its unit layer when created; a missing one means none yet.
        layers.insert(0, LayerInfo(0, None, "unit", _("Unit"), -1))

    answers: dict[int, dict[str, AnswerRow]] = defaultdict(dict)
    rows = Answer.objects.filter(layer__assessment=assessment).values(
        "layer_id",
        "item_code",
        "value",
        "note",
        "revision",
        "source",
        "suggested_value",
        "suggested_note",
        "updated_at",
        "updated_by__full_name",
        "updated_by__username",
    )
    for row in rows:
        answers[row["layer_id"]][row["item_code"]] = AnswerRow(
            item_code=row["item_code"],
            value=row["value"],
            note=row["note"],
            revision=row["revision"],
            source=row["source"],
            suggested_value=row["suggested_value"],
            suggested_note=row["suggested_note"],
            updated_at=row["updated_at"],
            updated_by=row["updated_by__full_name"] or row["updated_by__username"],
        )

    links: dict[str, list[LinkRow]] = defaultdict(list)
    link_rows = (
        EvidenceLink.objects.filter(assessment=assessment, unlinked_at__isnull=True)
        .order_by("linked_at", "id")
        .values(
            "id",
            "item_code",
            "evidence_id",
            "evidence__title",
            "evidence__kind",
            "evidence__archived",
            "pinned_title",
            "pinned_revision_id",
            "pinned_at",
            "linked_at",
            "linked_by_id",
            "evidence__current_revision_id",
            *(f"{prefix}__{name}" for prefix in _REVISIONS for name in _REVISION_FIELDS),
        )
    )
    today = timezone.localdate()
    for link in link_rows:
        links[link["item_code"]].append(_link_row(link, today))
    return SheetState(
        assessment=assessment,
        spec=spec,
        layers=layers,
        answers=dict(answers),
        links=dict(links),
        today=today,
    )


_REVISIONS = ("evidence__current_revision", "pinned_revision")
_REVISION_FIELDS = (
    "number",
    "url",
    "original_name",
    "content_type",
    "size",
    "effective_date",
    "expires_on",
)


def _link_row(row: Mapping[str, Any], today: dt.date) -> LinkRow:
    pinned = row["pinned_revision_id"] is not None
    prefix = "pinned_revision__" if pinned else "evidence__current_revision__"
    return LinkRow(
        link_id=row["id"],
        item_code=row["item_code"],
        evidence_id=row["evidence_id"],
        kind=row["evidence__kind"],
        title=row["pinned_title"] if pinned and row["pinned_title"] else row["evidence__title"],
        revision_id=row["pinned_revision_id"] if pinned else row["evidence__current_revision_id"],
        number=row[prefix + "number"],
        url=row[prefix + "url"] or "",
        original_name=row[prefix + "original_name"] or "",
        content_type=row[prefix + "content_type"] or "",
        size=row[prefix + "size"],
        effective_date=row[prefix + "effective_date"],
        expires_on=row[prefix + "expires_on"],
        pinned=pinned,
        current_title=row["evidence__title"],
        current_revision_id=row["evidence__current_revision_id"],
        current_number=row["evidence__current_revision__number"],
        archived=row["evidence__archived"],
        linked_at=row["linked_at"],
        linked_by_id=row["linked_by_id"],
        pinned_at=row["pinned_at"],
        as_of=today,
    )
