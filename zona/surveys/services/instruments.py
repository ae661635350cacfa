"""The instrument loader: the only code that writes Instrument and InstrumentVersion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.db import transaction
from django.utils.translation import gettext as _

from zona.accounts.models import Unit
from zona.audit.services import audit_record
from zona.core.errors import Conflict, Problem, ValidationFailed
from zona.surveys.models import (
    Instrument,
    InstrumentVersion,
)
from zona.surveys.schema import (
    InstrumentDoc,
    InstrumentInvalid,
    InstrumentProblem,
    content_hash,
    document_json,
    parse_instrument,
)

# --- instruments --------------------------------------------------------------------------

LoadStatus = Literal["created", "unchanged"]


@dataclass(frozen=True)
class InstrumentLoadResult:
    source: str
    key: str
    version: int
    status: LoadStatus
    instrument_version: InstrumentVersion


class InstrumentFilesInvalid(ValidationFailed):
    """One or more files are invalid; nothing was loaded."""

    code = "instrument_invalid"

    def __init__(self, by_source: dict[str, list[InstrumentProblem]]) -> None:
        self.by_source = by_source
        super().__init__(
            "invalid instrument file(s): " + ", ".join(by_source),
            problems=[
                Problem(code="instrument_invalid", message=p.reason, field=f"{source}: {p.where}")
                for source, problems in by_source.items()
                for p in problems
            ],
        )


class InstrumentChanged(Conflict):
    """The content differs from the version already loaded under the same key and version."""

    code = "instrument_changed"


def instrument_load_files(
    *, paths: Sequence[Path], agency: Unit | None = None, actor: Any = None
) -> list[InstrumentLoadResult]:
    """Validate every file, then load them all in one transaction (all or nothing)."""
    texts: list[tuple[str, str]] = []
    unreadable: dict[str, list[InstrumentProblem]] = {}
    for path in paths:
        try:
            texts.append((str(path), Path(path).read_text(encoding="utf-8")))
        except OSError as exc:
            unreadable[str(path)] = [
                InstrumentProblem("(file)", f"cannot read: {exc.strerror or exc}")
            ]
    if unreadable:
        raise InstrumentFilesInvalid(unreadable)
    return instrument_load_texts(texts=texts, agency=agency, actor=actor)


def instrument_load_texts(
    *, texts: Sequence[tuple[str, str]], agency: Unit | None = None, actor: Any = None
) -> list[InstrumentLoadResult]:
    """Load (source name, YAML text) pairs.

    Idempotent: a version already loaded with the same content is left alone. A changed file
    under a loaded version is refused, because responses are tied to that exact content; a
    change needs a new version number.
    """
    if agency is not None and not agency.is_agency:
        raise ValidationFailed(_("Own instruments belong to an agency (the root of a tree)."))
    docs: list[tuple[str, InstrumentDoc]] = []
    invalid: dict[str, list[InstrumentProblem]] = {}
    seen: dict[tuple[str, int], str] = {}
    for source, text in texts:
        try:
            doc = parse_instrument(text)
        except InstrumentInvalid as exc:
            invalid[source] = exc.instrument_problems
            continue
        other = seen.get((doc.key, doc.version))
        if other is not None:
            invalid[source] = [
                InstrumentProblem("version", f"{doc.key} v{doc.version} is also in {other}")
            ]
            continue
        seen[(doc.key, doc.version)] = source
        docs.append((source, doc))
    if invalid:
        raise InstrumentFilesInvalid(invalid)
    with transaction.atomic():
        return [_load_instrument(source, doc, agency=agency, actor=actor) for source, doc in docs]


def _load_instrument(
    source: str, doc: InstrumentDoc, *, agency: Unit | None, actor: Any
) -> InstrumentLoadResult:
    digest = content_hash(doc)
    instrument = Instrument.objects.select_for_update().filter(key=doc.key).first()
    if instrument is None:
        instrument = Instrument.objects.create(key=doc.key, agency=agency, measures=doc.measures)
    else:
        if instrument.agency_id != (agency.pk if agency else None):
            raise InstrumentChanged(
                f"{source}: the key {doc.key} already belongs to another owner; choose another key"
            )
        if instrument.measures != doc.measures:
            raise InstrumentChanged(
                f"{source}: {doc.key} measures {instrument.measures}; a version cannot change that"
            )
    existing = instrument.versions.filter(version=doc.version).first()
    if existing is not None:
        if existing.content_hash == digest:
            return InstrumentLoadResult(source, doc.key, doc.version, "unchanged", existing)
        raise InstrumentChanged(
            f"{source}: {doc.key} v{doc.version} is already loaded with different content; "
            "give the changed file a new version"
        )
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        version=doc.version,
        content_hash=digest,
        document=document_json(doc),
        abbreviation=doc.abbreviation,
        title_id=doc.title.id,
        title_en=doc.title.en,
        index_kind=doc.index,
        scale_min=doc.scale.min,
        scale_max=doc.scale.max,
        item_codes=doc.codes,
    )
    audit_record(
        actor=actor,
        action="survey.instrument_loaded",
        target=version,
        unit=agency,
        details={"key": doc.key, "version": doc.version, "content_hash": digest, "file": source},
    )
    return InstrumentLoadResult(source, doc.key, doc.version, "created", version)
