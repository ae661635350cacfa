"""Add Indonesian translations to one app's catalogue, safely beside other writers.

Usage: .venv/bin/python scripts/i18n_fill.py zona/<app> translations.json

`translations.json` maps English msgids to Indonesian text: {"Kiosk": "Kios", ...}.
Under an exclusive lock on the catalogue, this regenerates the app's `id` catalogue
from the sources (makemessages), fills every empty msgstr whose msgid is in the file
(plural entries get the same text: Indonesian has one plural form), compiles the `.mo`
and prints the msgids that are still untranslated. Several people (or sessions) adding
strings to one app at once would otherwise overwrite each other's catalogue edits.
Pass `-` as the file to only regenerate, compile and list what is missing.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _unquote(segments: list[str]) -> str:
    raw = "".join(segments)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw)


def _quote(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        + '"'
    )


def _without_guess(lines: list[str]) -> tuple[list[str], list[int]]:
    kept: list[str] = []
    in_msgstr = False
    for ln in lines:
        if ln.startswith("#|"):
            continue
        if re.match(r"msgstr(\[\d+\])? ", ln):
            in_msgstr = True
            kept.append(ln.split(" ", 1)[0] + ' ""')
            continue
        if in_msgstr and ln.startswith('"'):
            continue
        in_msgstr = False
        kept.append(ln)
    return kept, [i for i, ln in enumerate(kept) if re.match(r'msgstr(\[\d+\])? ""$', ln)]


@dataclass
class Entry:
    """One catalogue entry: its msgid, its lines, and which msgstr lines hold no text."""

    msgid: str
    lines: list[str]
    empty: list[int]


def parse(text: str) -> tuple[str, list[Entry]]:
    """The header and the entries of a .po file; a fuzzy guess counts as no translation."""
    header, *chunks = text.split("\n\n")
    entries: list[Entry] = []
    for chunk in chunks:
        lines = chunk.splitlines()
        msgid_parts: list[str] = []
        taking = False
        for ln in lines:
            if ln.startswith("msgid "):
                taking = True
                msgid_parts.append(ln[len("msgid ") :].strip()[1:-1])
            elif taking and ln.startswith('"'):
                msgid_parts.append(ln.strip()[1:-1])
            elif taking:
                break
        empty = [i for i, ln in enumerate(lines) if re.match(r'msgstr(\[\d+\])? ""$', ln)]
        # An entry whose msgstr continues on the next line is not empty.
        empty = [i for i in empty if i + 1 >= len(lines) or not lines[i + 1].startswith('"')]
        if any(ln.startswith("#,") and "fuzzy" in ln for ln in lines):
            # A fuzzy guess from makemessages is not compiled: it counts as untranslated.
            # Drop the guess (its msgstr and the "#|" previous msgid), keep an empty msgstr.
            lines, empty = _without_guess(lines)
        entries.append(Entry(_unquote(msgid_parts), lines, empty))
    return header, entries


def untranslated(po: Path) -> list[str]:
    """The msgids of `po` that have no Indonesian text (read only; nothing is written)."""
    _header, entries = parse(po.read_text(encoding="utf-8"))
    return [e.msgid for e in entries if e.msgid and e.empty]


def fill(po: Path, translations: dict[str, str]) -> list[str]:
    header, entries = parse(po.read_text(encoding="utf-8"))
    missing: list[str] = []
    out = [header]
    for entry in entries:
        lines = entry.lines
        if entry.msgid and entry.empty:
            if entry.msgid in translations:
                for i in entry.empty:
                    key = lines[i].split(" ", 1)[0]
                    lines[i] = f"{key} {_quote(translations[entry.msgid])}"
                lines = [ln for ln in lines if not (ln.startswith("#,") and "fuzzy" in ln)]
            else:
                missing.append(entry.msgid)
        out.append("\n".join(lines))
    po.write_text("\n\n".join(out), encoding="utf-8")
    return missing


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    app = (ROOT / sys.argv[1]).resolve()
    translations = {} if sys.argv[2] == "-" else json.loads(Path(sys.argv[2]).read_text("utf-8"))
    locale = app / "locale" if app.name != "templates" else ROOT / "zona" / "locale"
    po = locale / "id" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONPATH=str(ROOT))
    with open(po.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(  # noqa: S603 (fixed argv)
            [
                *(str(ROOT / ".venv/bin/django-admin"), "makemessages", "-l", "id"),
                *("--no-obsolete", "-i", "tests/*", "-v", "0"),
            ],
            cwd=app,
            env=env,
            check=True,
        )
        missing = fill(po, translations)
        msgfmt = ["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)]
        subprocess.run(msgfmt, check=True)  # noqa: S603 (fixed argv, Debian's gettext)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
