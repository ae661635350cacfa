"""`manage.py lke_score FILE`: score worksheets given as JSON (one object) or JSON Lines.

FILE may be `-` for standard input. Every input is validated before anything is printed: on
any problem the command lists them all on stderr (one per line, with the JSON Lines line
number and the item code) and exits with status 2. See docs/scoring.md for the format.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from zona.frameworks.management.commands.load_frameworks import default_directory
from zona.frameworks.models import Framework
from zona.frameworks.schema import FrameworkInvalid, parse_framework
from zona.frameworks.scoring import (
    CompiledFramework,
    Penalty,
    compile_framework,
    score,
    validate_answers,
)
from zona.frameworks.selectors import compiled_framework

_FIELDS = {"framework", "version", "answers", "penalties", "held_predicates"}


@dataclass
class _Input:
    line: int | None
    fw: CompiledFramework
    answers: Mapping[str, Any]
    penalties: list[Penalty]
    held: frozenset[str]


class _Malformed(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _Malformed(f"{name} is not a number JSON allows")


def _loads(text: str) -> Any:
    # Decimal keeps 3.61 as 3.61; NaN and Infinity are not JSON and are refused.
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


def split_inputs(text: str) -> tuple[list[tuple[int | None, Any]], list[tuple[int, str]]]:
    """One JSON value for the whole text, else one per non-blank line (JSON Lines).

    Returns the parsed inputs with their line numbers (None for a single object) and the
    problems as (line, message), line 0 when it concerns the whole input.
    """
    if not text.strip():
        return [], [(0, "the input is empty")]
    try:
        return [(None, _loads(text))], []
    except (json.JSONDecodeError, _Malformed) as whole_error:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        parsed: list[tuple[int | None, Any]] = []
        errors: list[tuple[int, str]] = []
        for number, line in lines:
            try:
                parsed.append((number, _loads(line)))
            except (json.JSONDecodeError, _Malformed) as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                errors.append((number, f"line {number}: malformed JSON: {reason}"))
        if not parsed:
            # No line stands alone: most likely one multi-line object with a mistake in it.
            if isinstance(whole_error, json.JSONDecodeError):
                where = f"line {whole_error.lineno} column {whole_error.colno}"
                return [], [(0, f"malformed JSON at {where}: {whole_error.msg}")]
            return [], [(0, f"malformed JSON: {whole_error}")]
        return parsed, errors


class Command(BaseCommand):
    help = "Score LKE worksheets from a JSON object or JSON Lines (FILE, or - for stdin)."
    # Scripts call this in loops: skip the project-wide system checks (URLs, templates),
    # which runserver and CI run anyway and which have nothing to say about scoring.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a .json/.jsonl file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["file"])
        raw_inputs, errors = split_inputs(text)
        frameworks: dict[tuple[str, int | None], CompiledFramework | str] = {}
        inputs: list[_Input] = []
        for line, raw in raw_inputs:
            prefix = f"line {line}: " if line is not None else ""
            parsed, problems = self._check(raw, frameworks)
            errors.extend((line or 0, prefix + problem) for problem in problems)
            if parsed is not None and not problems:
                fw, answers, penalties, held = parsed
                inputs.append(_Input(line, fw, answers, penalties, held))
        if errors:
            errors.sort(key=lambda error: error[0])  # stable: keeps each line's own order
            for _line, error in errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(errors)} problem(s) in the input; nothing was scored", returncode=2
            )
        for entry in inputs:
            card = score(
                entry.fw, entry.answers, penalties=entry.penalties, held_predicates=entry.held
            )
            self.stdout.write(json.dumps(card.as_dict(), default=_number, ensure_ascii=False))

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            with open(name, encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            raise CommandError(f"{name}: cannot read: {exc.strerror}", returncode=2) from exc

    def _check(
        self, raw: Any, frameworks: dict[tuple[str, int | None], CompiledFramework | str]
    ) -> tuple[
        tuple[CompiledFramework, Mapping[str, Any], list[Penalty], frozenset[str]] | None, list[str]
    ]:
        if not isinstance(raw, dict):
            return None, ["an input must be a JSON object"]
        problems = [f"{key}: unknown field" for key in raw if key not in _FIELDS]

        key = raw.get("framework")
        version = raw.get("version")
        fw: CompiledFramework | None = None
        if not isinstance(key, str):
            problems.append("framework: required, the framework key")
        elif version is not None and (
            isinstance(version, bool) or not isinstance(version, int) or version < 1
        ):
            problems.append("version: must be a positive integer")
        else:
            found = frameworks.get((key, version))
            if found is None:
                found = _find(key, version)
                frameworks[(key, version)] = found
            if isinstance(found, str):
                problems.append(f"framework: {found}")
            else:
                fw = found

        answers = raw.get("answers", {})
        if not isinstance(answers, dict):
            problems.append("answers: must be an object of item code -> answer")
            answers = {}
        elif fw is not None:
            problems.extend(f"{p.item}: {p.message}" for p in validate_answers(fw, answers))

        penalties, penalty_problems = _penalties(raw.get("penalties", []))
        problems.extend(penalty_problems)

        held = raw.get("held_predicates", [])
        if not isinstance(held, list) or not all(isinstance(h, str) for h in held):
            problems.append("held_predicates: must be a list of predicate keys")
            held = []
        elif fw is not None:
            known = {p.key for p in fw.predicates}
            problems.extend(
                f"held_predicates: unknown predicate {h!r} (known: {', '.join(sorted(known))})"
                for h in held
                if h not in known
            )
        if fw is None:
            return None, problems
        return (fw, answers, penalties, frozenset(held)), problems


def _find(key: str, version: int | None) -> CompiledFramework | str:
    try:
        return _find_loaded(key, version)
    except DatabaseError:
        # No database yet (a fresh clone before `migrate`): score against the shipped files,
        # so the command works as a plain calculator too.
        return _find_shipped(key, version)


def _find_shipped(key: str, version: int | None) -> CompiledFramework | str:
    best = None
    for path in sorted(default_directory().glob("*.yaml")):
        try:
            doc = parse_framework(path.read_text(encoding="utf-8"))
        except FrameworkInvalid:
            continue
        wanted = doc.key == key and (version is None or doc.version == version)
        if wanted and (best is None or doc.version > best.version):
            best = doc
    if best is None:
        return f"unknown framework {key!r} (not in {default_directory()})"
    return compile_framework(best)


def _find_loaded(key: str, version: int | None) -> CompiledFramework | str:
    rows = Framework.objects.filter(key=key)
    framework = (
        rows.order_by("-version").first()
        if version is None
        else rows.filter(version=version).first()
    )
    if framework is not None:
        return compiled_framework(framework)
    if rows.exists():
        versions = ", ".join(str(v) for v in rows.values_list("version", flat=True))
        return f"{key} has no version {version} loaded (loaded: {versions})"
    loaded = sorted(set(Framework.objects.values_list("key", flat=True)))
    return (
        f"unknown framework {key!r} (loaded: {', '.join(loaded) or 'none'}; "
        "run manage.py load_frameworks)"
    )


def _penalties(raw: Any) -> tuple[list[Penalty], list[str]]:
    if not isinstance(raw, list):
        return [], ["penalties: must be a list"]
    penalties: list[Penalty] = []
    problems: list[str] = []
    for index, entry in enumerate(raw):
        where = f"penalties[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object with kind and factor or points")
            continue
        kind = entry.get("kind")
        if kind not in ("multiply", "subtract"):
            problems.append(f"{where}.kind: must be multiply or subtract")
            continue
        amount_key = "factor" if kind == "multiply" else "points"
        extra = [k for k in entry if k not in {"kind", amount_key, "label"}]
        problems.extend(f"{where}.{k}: unknown field for kind {kind}" for k in extra)
        amount = entry.get(amount_key)
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
            problems.append(f"{where}.{amount_key}: required, a number")
            continue
        number = Decimal(amount)
        if kind == "multiply" and not Decimal(0) <= number <= Decimal(1):
            problems.append(f"{where}.factor: must be from 0 to 1")
        elif kind == "subtract" and number < 0:
            problems.append(f"{where}.points: must not be negative")
        elif not extra:
            label = entry.get("label")
            penalties.append(
                Penalty(
                    kind=kind,
                    factor=number if kind == "multiply" else None,
                    points=number if kind == "subtract" else None,
                    label=label if isinstance(label, str) else "",
                )
            )
    return penalties, problems


def _number(value: object) -> float:
    # Values are already rounded to 2 or 4 decimals; a float prints them back digit for digit.
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
