"""The instrument file format: a pydantic model for one file plus the checks across fields.

`parse_instrument(text)` collects every problem in a file (never only the first), each
labelled with the field path, so an author fixes a file in one round. The canonical JSON of
the validated document gives the content hash that each response is tied to.

Importable without Django settings (the command line tests and the benchmark use it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zona.core.errors import Problem, ValidationFailed

# The canonical form is shared with the frameworks; re-exported for the loader and tests.
from zona.core.yamlfiles import content_hash as content_hash
from zona.core.yamlfiles import document_json as document_json

# What an instrument's index feeds: IPAK -> LKE B.I.a, IPKP -> B.II.a, IKM -> A.I.6.iv.
Measure = Literal["ipak", "ipkp", "ikm", "other"]
# perception: mean of item means x 4 / scale max (0-4); ikm: mean NRR x 25 (25-100).
IndexKind = Literal["perception", "ikm"]

_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Doc):
    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.id


class ScaleDoc(_Doc):
    min: int = Field(strict=True, ge=0)
    max: int = Field(strict=True, ge=1)
    # One label per point, from min to max.
    labels: list[LocalizedText]


class ItemDoc(_Doc):
    code: str
    text: LocalizedText
    # Point labels of this item, from min to max, where they differ from the scale's
    # (SKM elements each word their own: "sangat mudah", "sangat cepat", "gratis" ...).
    labels: list[LocalizedText] | None = None


class InstrumentDoc(_Doc):
    key: str
    version: int = Field(ge=1, strict=True)
    measures: Measure
    index: IndexKind
    abbreviation: str = Field(min_length=1, max_length=16)
    title: LocalizedText
    intro: LocalizedText | None = None
    scale: ScaleDoc
    items: list[ItemDoc] = Field(min_length=1)
    # The items a response must answer for this instrument to count: "all", or a list of item
    # codes. A response that answers the instrument at all must answer these (SKM: all nine
    # elements of PermenPAN-RB 14/2017).
    required: Literal["all"] | list[str] = "all"

    @property
    def codes(self) -> list[str]:
        return [item.code for item in self.items]

    @property
    def required_codes(self) -> list[str]:
        return self.codes if self.required == "all" else list(self.required)

    def point_labels(self, item: ItemDoc) -> list[LocalizedText]:
        return item.labels or self.scale.labels


@dataclass(frozen=True, slots=True)
class InstrumentProblem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class InstrumentInvalid(ValidationFailed):
    code = "instrument_invalid"

    def __init__(self, problems: list[InstrumentProblem]) -> None:
        self.instrument_problems = problems
        super().__init__(
            f"the instrument file has {len(problems)} problem(s)",
            problems=[
                Problem(code="instrument_invalid", message=p.reason, field=p.where)
                for p in problems
            ],
        )

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.instrument_problems)


def parse_instrument(text: str) -> InstrumentDoc:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentInvalid([InstrumentProblem("(file)", f"not valid YAML: {exc}")]) from exc
    return validate_instrument(raw)


def validate_instrument(raw: object) -> InstrumentDoc:
    if not isinstance(raw, dict):
        raise InstrumentInvalid([InstrumentProblem("(file)", "must be a mapping of fields")])
    try:
        doc = InstrumentDoc.model_validate(raw)
    except ValidationError as exc:
        raise InstrumentInvalid(
            [
                InstrumentProblem(
                    ".".join(str(part) for part in err["loc"]) or "(file)", err["msg"]
                )
                for err in exc.errors()
            ]
        ) from exc
    problems = check_instrument(doc)
    if problems:
        raise InstrumentInvalid(problems)
    return doc


def check_instrument(doc: InstrumentDoc) -> list[InstrumentProblem]:
    problems: list[InstrumentProblem] = []

    def add(where: str, reason: str) -> None:
        problems.append(InstrumentProblem(where, reason))

    if not _KEY_RE.match(doc.key):
        add("key", "lowercase letters, digits and dashes, e.g. spak or kpm-spak-imigrasi")
    points = doc.scale.max - doc.scale.min + 1
    if doc.scale.max <= doc.scale.min:
        add("scale", "max must be greater than min")
    elif len(doc.scale.labels) != points:
        add(
            "scale.labels",
            f"give one label per point: {points} labels for {doc.scale.min}-{doc.scale.max}",
        )
    if doc.index == "ikm" and (doc.scale.min, doc.scale.max) != (1, 4):
        add("scale", "an IKM instrument uses the 1-4 scale of PermenPAN-RB 14/2017")
    if doc.index == "perception" and doc.scale.min != 1:
        add("scale.min", "a perception index starts its scale at 1")
    expected_index = {"ipak": "perception", "ipkp": "perception", "ikm": "ikm"}.get(doc.measures)
    if expected_index is not None and doc.index != expected_index:
        add("index", f"an instrument that measures {doc.measures} uses the {expected_index} index")
    seen: set[str] = set()
    for position, item in enumerate(doc.items):
        where = f"items.{position}"
        if not _CODE_RE.match(item.code):
            add(f"{where}.code", "a letter then letters, digits or _ (at most 16), e.g. Q1")
        if item.code in seen:
            add(f"{where}.code", f"duplicate item code {item.code}")
        seen.add(item.code)
        if item.labels is not None and len(item.labels) != points:
            add(f"{where}.labels", f"give one label per point ({points})")
    if doc.required != "all":
        if not doc.required:
            add("required", 'name at least one item, or write "all"')
        for code in doc.required:
            if code not in seen:
                add("required", f"unknown item code {code}")
    return problems
