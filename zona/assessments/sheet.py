"""The worksheet's view of a framework version: items with their texts, and answer values.

Pure functions over the framework engine's compiled form; no ORM. A `SheetSpec` is built
once per framework version and cached (a loaded version never changes content).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zona.frameworks.models import Framework
from zona.frameworks.schema import CHOICE_KEYS, AreaDoc, FrameworkDoc, LocalizedText, SkmRoundsDoc
from zona.frameworks.scoring import Answer as ScoreAnswer
from zona.frameworks.scoring import CompiledFramework, CompiledNode, CountRule, count_breaches
from zona.frameworks.selectors import compiled_framework, framework_document

FOUR = Decimal(4)
# NUM4 indices are reported with at most 4 decimals (survey reports give 2).
NUM4_PLACES = 4


def text(value: LocalizedText | None, lang: str | None = None) -> str:
    """The text in the current language (Indonesian unless English is chosen)."""
    if value is None:
        return ""
    lang = lang or get_language() or "id"
    return value.en if lang.startswith("en") else value.id


@dataclass(frozen=True, slots=True)
class OptionSpec:
    key: str
    value: Decimal
    label: LocalizedText | None


@dataclass(frozen=True, slots=True)
class CountSpec:
    key: str
    label: LocalizedText
    informational: bool


@dataclass(frozen=True, slots=True)
class ItemSpec:
    code: str
    answer_type: str
    parent: str
    section: str
    # The working-group area, as the framework file declares it (None: in no area).
    area: str | None
    question: LocalizedText | None
    guidance: LocalizedText | None
    options: tuple[OptionSpec, ...]
    counts: tuple[CountSpec, ...]
    required_counts: tuple[str, ...]
    formula: Mapping[str, Any] | None
    weight: Decimal | None
    source: str | None
    count_rules: tuple[CountRule, ...] = ()
    # Set on the item the framework answers with the unit's number of SKM rounds.
    skm_rounds: SkmRoundsDoc | None = None

    @property
    def is_choice(self) -> bool:
        return self.answer_type in CHOICE_KEYS

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    @property
    def formula_json(self) -> str:
        return json.dumps(self.formula or {})


@dataclass(frozen=True, slots=True)
class SheetSpec:
    framework_id: int
    compiled: CompiledFramework
    items: Mapping[str, ItemSpec]
    nodes: Mapping[str, CompiledNode]
    # Nodes shown as one page of the worksheet (an area, or a Hasil part): in order.
    sections: tuple[str, ...]

    def section_items(self, section: str) -> list[ItemSpec]:
        return [item for item in self.items.values() if item.section == section]

    @property
    def areas(self) -> tuple[AreaDoc, ...]:
        """The framework's working-group areas, in the order pickers list them."""
        return self.compiled.areas

    def area_of(self, code: str) -> str | None:
        """The working-group area of a node or item code; None when it is in none (or is not
        a code of this framework)."""
        node = self.nodes.get(code)
        return node.area if node is not None else None


_specs: dict[tuple[int, str], SheetSpec] = {}


def sheet_spec(framework: Framework) -> SheetSpec:
    key = (framework.pk, framework.content_hash)
    spec = _specs.get(key)
    if spec is None:
        spec = build_sheet_spec(
            framework_document(framework), compiled_framework(framework), framework.pk
        )
        _specs[key] = spec
    return spec


def build_sheet_spec(doc: FrameworkDoc, compiled: CompiledFramework, pk: int = 0) -> SheetSpec:
    nodes = compiled.nodes
    sections: list[str] = []
    for code, node in nodes.items():
        if node.kind == "item" or not node.children:
            continue
        first = nodes[node.children[0]]
        # An area holds sub-areas; a Hasil part holds weighted items directly.
        if first.kind == "subarea" or (first.kind == "item" and node.kind != "subarea"):
            sections.append(code)
    section_of: dict[str, str] = {}
    for section in sections:
        stack = list(nodes[section].children)
        while stack:
            code = stack.pop()
            section_of[code] = section
            stack.extend(nodes[code].children)
    docs = {found.code: found for found, _parent, _depth in doc.walk()}
    items: dict[str, ItemSpec] = {}
    skm = compiled.skm_rounds
    for code, compiled_item in compiled.items.items():
        source = docs[code]
        formula = None
        if source.formula is not None:
            formula = source.formula.model_dump(mode="json", exclude_none=True)
        items[code] = ItemSpec(
            code=code,
            answer_type=compiled_item.answer_type,
            parent=compiled_item.parent,
            section=section_of.get(code, compiled_item.parent),
            area=nodes[code].area,
            question=source.question,
            guidance=source.guidance,
            options=tuple(
                OptionSpec(key=o.key, value=compiled_item.options[o.key], label=o.label)
                for o in source.options
            ),
            counts=tuple(
                CountSpec(key=c.key, label=c.label, informational=c.informational)
                for c in source.counts
            ),
            required_counts=compiled_item.required_counts,
            formula=formula,
            weight=compiled_item.weight,
            source=compiled_item.source,
            count_rules=compiled_item.count_rules,
            skm_rounds=skm if skm is not None and skm.item == code else None,
        )
    return SheetSpec(
        framework_id=pk,
        compiled=compiled,
        items=items,
        nodes=nodes,
        sections=tuple(sections),
    )


# --- what the unit's surveys suggest ---------------------------------------------------------


def takes_skm_rounds(item: ItemSpec) -> bool:
    """Whether the framework answers this item with the number of SKM rounds the unit ran
    (90/2021: A.I.6.iv.a, 4 or more rounds a year earn A)."""
    return item.skm_rounds is not None


def skm_rounds_answer(item: ItemSpec, rounds: int | None) -> str | None:
    """The option that `rounds` SKM rounds in the year earn on this item, or None."""
    if rounds is None or item.skm_rounds is None:
        return None
    return item.skm_rounds.option_for(int(rounds))


def takes_survey_index(item: ItemSpec) -> bool:
    """Whether this item is an index (NUM4) a survey of the unit gives (B.I.a IPAK, B.II.a IPKP)."""
    return item.answer_type == "NUM4" and bool(item.source)


def offers_survey(item: ItemSpec) -> bool:
    """Whether the unit's surveys offer an answer for this item (an index or the SKM rounds)."""
    return takes_survey_index(item) or takes_skm_rounds(item)


def survey_index_answer(item: ItemSpec, indices: Mapping[str, Any] | None) -> str | None:
    """The stored form of the index the unit's surveys give this item, or None."""
    if not indices or not takes_survey_index(item):
        return None
    index = indices.get(item.source or "")
    return None if index is None else format_index(Decimal(str(index)))


def survey_answer(item: ItemSpec, indices: Mapping[str, Any] | None) -> str | None:
    """What the unit's surveys offer for this item (an index or an option), or None."""
    if not indices:
        return None
    if takes_skm_rounds(item):
        return skm_rounds_answer(item, indices.get("skm_rounds"))
    return survey_index_answer(item, indices)


def links_surveys(spec: SheetSpec) -> bool:
    """Whether anything in this framework comes from (or is suggested by) the unit's surveys."""
    return any(offers_survey(item) for item in spec.items.values())


# --- answer values --------------------------------------------------------------------------


class AnswerInvalid(ValueError):
    """One user-facing reason why a typed answer cannot be stored."""

    def __init__(self, message: str, *, field: str = "value") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_value(item: ItemSpec, raw: object) -> Any:
    """The stored JSON form of a typed answer; None clears it. Raises AnswerInvalid.

    Accepts what people type: option keys in any case, counts as text, a NUM4 index with a
    decimal comma. PCT counts may be partial (stored, not scored, until all are given).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if item.is_choice:
        if not isinstance(raw, str):
            raw = str(raw)
        wanted = raw.strip()
        for key in item.option_keys:
            if key == wanted or key.lower() == wanted.lower():
                return key
        raise AnswerInvalid(
            _("“%(value)s” is not an option of this item; choose one of %(options)s.")
            % {"value": wanted, "options": ", ".join(item.option_keys)}
        )
    if item.answer_type == "PCT":
        return _parse_counts(item, raw)
    return _parse_index(raw)


def _parse_counts(item: ItemSpec, raw: object) -> dict[str, int] | None:
    if not isinstance(raw, Mapping):
        raise AnswerInvalid(_("Enter the counts of this item as whole numbers."))
    labels = {c.key: c.label for c in item.counts}
    counts: dict[str, int] = {}
    for key, value in raw.items():
        if key not in labels:
            raise AnswerInvalid(
                _("“%(key)s” is not a count of this item (counts: %(counts)s).")
                % {"key": key, "counts": ", ".join(labels)},
                field=str(key),
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = _whole_number(value)
        if number is None:
            raise AnswerInvalid(
                _("%(label)s must be a whole number of 0 or more, not “%(value)s”.")
                % {"label": text(labels[key]), "value": value},
                field=str(key),
            )
        counts[str(key)] = number
    # The framework's bounds (e.g. sanctioned <= violations this year), the same check the
    # API, the import and the command line make.
    for breach in count_breaches(item.count_rules, counts):
        params = {"label": text(labels[breach.key]), "value": breach.value, "bound": breach.bound}
        if breach.over:
            params["others"] = " + ".join(text(labels[key]) for key in breach.over)
            message = _("%(label)s (%(value)s) cannot be more than %(others)s (%(bound)s).")
        else:
            message = _("%(label)s (%(value)s) cannot be more than %(bound)s.")
        raise AnswerInvalid(message % params, field=breach.key)
    return counts or None


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value >= 0 else None
    if isinstance(value, str):
        # Digits only: "1.250" could be a thousand and a quarter or 1250 depending on who
        # typed it, so it is refused rather than guessed.
        cleaned = value.strip()
        if cleaned.isascii() and cleaned.isdigit():
            return int(cleaned)
    return None


def _parse_index(raw: object) -> str:
    message = _("The index must be a number from 0 to 4, e.g. 3,61.")
    if isinstance(raw, bool):
        raise AnswerInvalid(message)
    try:
        if isinstance(raw, float):
            number = Decimal(repr(raw))
        elif isinstance(raw, int | Decimal):
            number = Decimal(raw)
        elif isinstance(raw, str):
            number = Decimal(raw.strip().replace(",", "."))
        else:
            raise AnswerInvalid(message)
    except InvalidOperation:
        raise AnswerInvalid(message) from None
    if not number.is_finite() or not Decimal(0) <= number <= FOUR:
        raise AnswerInvalid(message)
    if number.as_tuple().exponent < -NUM4_PLACES:  # type: ignore[operator]
        raise AnswerInvalid(
            _("Give the index with at most %(places)d decimals.") % {"places": NUM4_PLACES}
        )
    return format_index(number)


def format_index(number: Decimal) -> str:
    """A canonical decimal string: 3.6 and 3.60 are stored alike, 4 as "4"."""
    normal = number.normalize()
    return format(normal, "f") if normal != normal.to_integral_value() else str(int(normal))


def score_value(item: ItemSpec, value: Any) -> ScoreAnswer | None:
    """What the scoring engine gets for a stored value: None when not (fully) answered."""
    if value is None:
        return None
    if item.is_choice:
        return value if isinstance(value, str) and value in item.option_keys else None
    if item.answer_type == "PCT":
        if not isinstance(value, Mapping):
            return None
        if any(key not in value for key in item.required_counts):
            return None
        return {str(k): int(v) for k, v in value.items()}
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def is_incomplete(item: ItemSpec, value: Any) -> bool:
    """PCT counts started but not all given."""
    return value is not None and score_value(item, value) is None


# Indices (IPAK, IPKP) are shown with at least this many decimals, as survey reports give them.
INDEX_MIN_PLACES = 2


def index_text(value: Any) -> str:
    """An index for people: at least two decimals, a decimal comma in Indonesian (3,60)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    places = max(INDEX_MIN_PLACES, -int(number.normalize().as_tuple().exponent))
    return number_format(number, places, use_l10n=True, force_grouping=False)


def display_value(item: ItemSpec, value: Any) -> str:
    """A short text for lists, history and Excel: count labels, never raw keys."""
    if value is None:
        return ""
    if item.is_choice:
        return str(value)
    if item.answer_type == "PCT" and isinstance(value, Mapping):
        labels = {c.key: text(c.label) for c in item.counts}
        return "; ".join(f"{labels.get(str(k)) or k}: {v}" for k, v in value.items())
    if item.answer_type == "NUM4":
        return index_text(value)
    return str(value)


def same_value(a: Any, b: Any) -> bool:
    """Equal stored values (counts compare as objects, whatever their key order)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
