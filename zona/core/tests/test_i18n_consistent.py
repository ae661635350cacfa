"""One English word, one Indonesian: a msgid (without a context) reads the same in every
app's catalogue, or the product says the same thing two ways. Where the English truly
means two things, one side takes a context (pgettext / {% translate ... context ... %})."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from types import ModuleType

from zona.core.testing import load_script

ROOT = Path(__file__).resolve().parents[3]
PO = Path("locale/id/LC_MESSAGES/django.po")


def _i18n_fill() -> ModuleType:
    """scripts/i18n_fill.py, whose parser is the one that writes the catalogues."""
    return load_script("i18n_fill")


def catalogues() -> list[Path]:
    """Every app's Indonesian catalogue, and the one of the shared templates (zona/locale)."""
    found = sorted((ROOT / "zona").glob(f"*/{PO}"))
    shared = ROOT / "zona" / PO
    return [*found, shared] if shared.exists() else found


def translations(po: Path) -> dict[str, str]:
    """msgid -> Indonesian of the entries without a context that are translated (a fuzzy
    guess or an empty msgstr counts as untranslated, as in i18n_fill)."""
    module = _i18n_fill()
    _header, entries = module.parse(po.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for entry in entries:
        if not entry.msgid or entry.empty or any(ln.startswith("msgctxt ") for ln in entry.lines):
            continue
        parts: list[str] = []
        taking = False
        for ln in entry.lines:
            if ln.startswith(("msgstr ", "msgstr[0] ")):
                taking = True
                parts.append(ln.split(" ", 1)[1].strip()[1:-1])
            elif taking and ln.startswith('"'):
                parts.append(ln.strip()[1:-1])
            elif taking:
                break
        text = module._unquote(parts)
        if text:
            out[entry.msgid] = text
    return out


def conflicts(paths: list[Path]) -> dict[str, dict[str, list[str]]]:
    """msgid -> {Indonesian: [apps]} for each msgid translated differently across `paths`."""
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for po in paths:
        app = po.parents[3].relative_to(ROOT).as_posix() if po.is_relative_to(ROOT) else str(po)
        for msgid, text in translations(po).items():
            seen[msgid][text].append(app)
    return {
        msgid: dict(sorted(texts.items()))
        for msgid, texts in sorted(seen.items())
        if len(texts) > 1
    }


def test_every_msgid_reads_the_same_in_every_catalogue() -> None:
    paths = catalogues()
    assert len(paths) >= 10, paths  # every app's catalogue is read, not none
    found = conflicts(paths)
    listing = "\n".join(
        f"{msgid!r}: " + "; ".join(f"{text!r} in {', '.join(apps)}" for text, apps in texts.items())
        for msgid, texts in found.items()
    )
    assert not found, (
        "The same English has different Indonesian in different apps; make them one "
        "(scripts/i18n_fill.py --replace) or give one side a context:\n" + listing
    )


def test_a_conflict_is_found_and_fuzzy_or_context_entries_are_not(tmp_path: Path) -> None:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    one = tmp_path / "one.po"
    one.write_text(
        head + 'msgid "Unit"\nmsgstr "Unit kerja"\n\n'
        'msgid "Target"\nmsgstr "Sasaran"\n\n'
        'msgid "Long"\nmsgstr ""\n"Teks "\n"panjang"\n',
        encoding="utf-8",
    )
    two = tmp_path / "two.po"
    two.write_text(
        head + 'msgid "Unit"\nmsgstr "Unit"\n\n'
        '#, fuzzy\nmsgid "Target"\nmsgstr "Tujuan"\n\n'
        'msgctxt "survey sample"\nmsgid "Target"\nmsgstr "Target"\n\n'
        'msgid "Long"\nmsgstr "Teks panjang"\n',
        encoding="utf-8",
    )
    assert translations(one) == {"Unit": "Unit kerja", "Target": "Sasaran", "Long": "Teks panjang"}
    assert conflicts([one, two]) == {
        "Unit": {"Unit": [str(two)], "Unit kerja": [str(one)]},
    }
