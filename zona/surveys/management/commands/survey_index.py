"""`manage.py survey_index FILE`: compute an instrument's index from raw answers.

FILE (or - for stdin) is one JSON object:

    {"instrument": "spak", "responses": [{"Q1": 5, "Q2": 6}, ...]}

with the instrument's item codes as keys (Q1..Qn for Zona's SPAK, SPKP and SKM) and a key
left out (or null) for a skipped item. An optional "version" picks a loaded version; without
it the latest loaded version is used, or the shipped file in surveys/ when none is loaded.

Prints one JSON line: respondents, per item {"mean", "answered"} and "index" (0-4, 4
decimals) or, for an IKM instrument, "ikm" and "grade" (2 decimals). Every problem (an
answer outside the scale, an unknown item, a malformed value) is listed on stderr and the
command exits with status 2 without printing a result.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from zona.surveys.indices import ikm, ikm_grade, item_stats, perception_index, rounded
from zona.surveys.schema import InstrumentDoc, InstrumentInvalid, parse_instrument

_FIELDS = {"instrument", "version", "responses"}


def find_instrument(key: str, version: int | None) -> InstrumentDoc | str:
    """The loaded version from the database, else Zona's shipped file; or why not."""
    try:
        from zona.surveys.models import InstrumentVersion

        rows = InstrumentVersion.objects.filter(instrument__key=key)
        row = (rows.filter(version=version) if version else rows.order_by("-version")).first()
        if row is not None:
            return row.doc
    except DatabaseError:
        pass  # no database yet (not migrated): the shipped files still answer
    path = Path(settings.BASE_DIR) / "surveys" / f"{key}.yaml"
    if path.is_file():
        try:
            doc = parse_instrument(path.read_text(encoding="utf-8"))
        except InstrumentInvalid as exc:
            return f"{path} is invalid: {exc}"
        if version is None or doc.version == version:
            return doc
        return f"{key} has no version {version} (the shipped file is version {doc.version})"
    return f"unknown instrument {key!r} (Zona ships spak, spkp and skm)"


def _number(value: Decimal | None, places: int) -> float | None:
    return None if value is None else float(rounded(value, places))


def compute(doc: InstrumentDoc, responses: list[dict[str, int | None]]) -> dict[str, Any]:
    stats = item_stats(doc.codes, responses)
    out: dict[str, Any] = {
        "instrument": doc.key,
        "version": doc.version,
        "respondents": len(responses),
        "items": {
            code: {"mean": _number(stat.mean, 4), "answered": stat.answered}
            for code, stat in stats.items()
        },
    }
    if doc.index == "ikm":
        value = ikm(stats.values())
        out["ikm"] = _number(value, 2)
        out["grade"] = None if value is None else ikm_grade(value)
    else:
        out["index"] = _number(perception_index(stats.values(), scale_max=doc.scale.max), 4)
    return out


def check(raw: Any) -> tuple[InstrumentDoc | None, list[dict[str, int | None]], list[str]]:
    if not isinstance(raw, dict):
        return None, [], ["the input must be a JSON object with instrument and responses"]
    problems = [f"{key}: unknown field" for key in raw if key not in _FIELDS]
    key = raw.get("instrument")
    version = raw.get("version")
    doc: InstrumentDoc | None = None
    if not isinstance(key, str) or not key:
        problems.append("instrument: required, e.g. spak, spkp or skm")
    elif version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        problems.append("version: must be a whole number")
    else:
        found = find_instrument(key, version)
        if isinstance(found, str):
            problems.append(f"instrument: {found}")
        else:
            doc = found
    responses = raw.get("responses")
    if not isinstance(responses, list):
        problems.append("responses: required, a list of objects of item code -> answer")
        return doc, [], problems
    clean: list[dict[str, int | None]] = []
    for index, response in enumerate(responses):
        where = f"responses[{index}]"
        if not isinstance(response, dict):
            problems.append(f"{where}: must be an object of item code -> answer")
            continue
        if doc is None:
            continue
        codes = set(doc.codes)
        low, high = doc.scale.min, doc.scale.max
        row: dict[str, int | None] = {}
        for code, value in response.items():
            if code not in codes:
                problems.append(
                    f"{where}.{code}: not an item of {doc.key} (items: {', '.join(doc.codes)})"
                )
            elif value is None:
                row[code] = None
            elif (
                isinstance(value, bool)
                or not isinstance(value, int | Decimal)
                or value != int(value)
            ):
                problems.append(f"{where}.{code}: {_show(value)} is not a whole number")
            elif not low <= value <= high:
                problems.append(f"{where}.{code}: {_show(value)} is outside the scale {low}-{high}")
            else:
                row[code] = int(value)
        clean.append(row)
    return doc, clean, problems


def _show(value: Any) -> str:
    return json.dumps(value, default=str)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


class Command(BaseCommand):
    # Pure computation: the project-wide checks (URLs, templates) add time and nothing here.
    requires_system_checks: list[str] = []

    help = "Compute IPAK/IPKP (0-4) or IKM (25-100) from a JSON file of answers (or - for stdin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a .json file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{name}: cannot read: {exc.strerror}", returncode=2) from exc
        try:
            raw = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", returncode=2
            ) from exc
        except ValueError as exc:
            raise CommandError(f"malformed JSON: {exc}", returncode=2) from exc
        doc, responses, problems = check(raw)
        if problems or doc is None:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(problems)} problem(s) in the input; nothing was computed", returncode=2
            )
        self.stdout.write(json.dumps(compute(doc, responses), ensure_ascii=False))
