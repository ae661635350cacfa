"""Add Indonesian translations to one app's catalogue, safely beside other writers.

Usage: .venv/bin/python scripts/i18n_fill.py [--replace] zona/<app> translations.json

`translations.json` maps English msgids to Indonesian text: {"Kiosk": "Kios", ...}.
Under an exclusive lock on the catalogue, this regenerates the app's `id` catalogue
from the sources (makemessages), fills every empty msgstr whose msgid is in the file
(plural entries get the same text: Indonesian has one plural form), compiles the `.mo`
and prints the msgids that are still untranslated. Several people (or sessions) adding
strings to one app at once would otherwise overwrite each other's catalogue edits.
Pass `-` as the file to only regenerate, compile and list what is missing.

With `--replace`, the msgids in the file get the file's text even where they are already
translated (a term changed); a msgid the catalogue does not hold is reported.
"""

from __future__ import annotations

import argparse
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


def _with_text(lines: list[str], text: str) -> list[str]:
    """The entry's lines with every msgstr (each plural form) set to `text`, without the
    fuzzy flag and the lines that continued the old text."""
    out: list[str] = []
    in_msgstr = False
    for ln in lines:
        if ln.startswith("#,") and "fuzzy" in ln:
            flags = [f.strip() for f in ln[2:].split(",") if f.strip() != "fuzzy"]
            if flags:
                out.append("#, " + ", ".join(flags))
            continue
        if ln.startswith("#|"):
            continue
        match = re.match(r"(msgstr(\[\d+\])?) ", ln)
        if match:
            out.append(f"{match.group(1)} {_quote(text)}")
            in_msgstr = True
            continue
        if in_msgstr and ln.startswith('"'):
            continue
        in_msgstr = False
        out.append(ln)
    return out


def fill(po: Path, translations: dict[str, str], *, replace: bool = False) -> list[str]:
    """Fill the empty msgstrs of `po` whose msgid `translations` holds (with `replace`,
    overwrite the ones already translated too); returns the msgids still untranslated."""
    header, entries = parse(po.read_text(encoding="utf-8"))
    missing: list[str] = []
    out = [header]
    for entry in entries:
        lines = entry.lines
        if entry.msgid and replace and entry.msgid in translations:
            lines = _with_text(lines, translations[entry.msgid])
        elif entry.msgid and entry.empty:
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app", help="the app's folder, zona/<app>")
    parser.add_argument("translations", help="a JSON file of {English msgid: Indonesian}, or -")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite the Indonesian of the file's msgids even where it is already there",
    )
    args = parser.parse_args()
    app = (ROOT / args.app).resolve()
    translations = (
        {} if args.translations == "-" else json.loads(Path(args.translations).read_text("utf-8"))
    )
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
        missing = fill(po, translations, replace=args.replace)
        held = {e.msgid for e in parse(po.read_text(encoding="utf-8"))[1]}
        msgfmt = ["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)]
        subprocess.run(msgfmt, check=True)  # noqa: S603 (fixed argv, Debian's gettext)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    absent = [m for m in translations if args.replace and m not in held]
    for msgid in absent:
        print(f"not in the catalogue: {msgid!r}")
    return 1 if missing or absent else 0


if __name__ == "__main__":
    sys.exit(main())
