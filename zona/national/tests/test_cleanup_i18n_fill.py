"""scripts/i18n_fill.py --replace: a term changed, its msgids get the new Indonesian even where
they were translated; the other entries and the empty ones keep the filling rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

from django.conf import settings

from zona.core.testing import load_script

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#: a.py:1
msgid "Desk evaluation complete"
msgstr "Evaluasi dokumen selesai"

#: a.py:2
#, fuzzy, python-format
#| msgid "The TPN answers during desk evaluation"
msgid "The TPN answers on the sheet during desk evaluation (at %(stage)s)."
msgstr ""
"TPN mengisi LKE selama evaluasi dokumen (usulan sedang pada tahap "
"%(stage)s)."

#: a.py:3
msgid "one nomination"
msgid_plural "%(n)s nominations"
msgstr[0] "satu usulan"

#: a.py:4
msgid "Kept"
msgstr "Tetap"

#: a.py:5
msgid "Empty"
msgstr ""
"""


def _script() -> ModuleType:
    return load_script("i18n_fill")


def _texts(module: ModuleType, po: Path) -> dict[str, list[str]]:
    _header, entries = module.parse(po.read_text(encoding="utf-8"))
    texts = {}
    for entry in entries:
        body = "\n".join(entry.lines)
        texts[entry.msgid] = [
            module._unquote(part.split('"')[1::2]) for part in body.split("msgstr")[1:]
        ]
    return texts


def test_replace_overwrites_translated_msgids_and_keeps_the_rest(tmp_path) -> None:
    module = _script()
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    missing = module.fill(
        po,
        {
            "Desk evaluation complete": "Desk evaluation selesai",
            "The TPN answers on the sheet during desk evaluation (at %(stage)s).": (
                "TPN mengisi LKE selama desk evaluation (tahap %(stage)s)."
            ),
            "one nomination": "%(n)s usulan",
            "Empty": "Kosong",
        },
        replace=True,
    )
    assert missing == []
    texts = _texts(module, po)
    assert texts["Desk evaluation complete"] == ["Desk evaluation selesai"]
    assert texts["The TPN answers on the sheet during desk evaluation (at %(stage)s)."] == [
        "TPN mengisi LKE selama desk evaluation (tahap %(stage)s)."
    ]
    assert texts["one nomination"] == ["%(n)s usulan"]
    assert texts["Kept"] == ["Tetap"]
    assert texts["Empty"] == ["Kosong"]
    text = po.read_text(encoding="utf-8")
    # The guess's marks go; the entry's other flags stay; the old text leaves no line behind.
    assert "fuzzy" not in text
    assert "#|" not in text
    assert "#, python-format" in text
    assert "evaluasi dokumen" not in text
    # The catalogue still compiles.
    subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / "x.mo"), str(po)], check=True)  # noqa: S603,S607


def test_without_replace_a_translated_msgid_keeps_its_text(tmp_path) -> None:
    module = _script()
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    missing = module.fill(po, {"Desk evaluation complete": "Desk evaluation selesai"})
    assert "Empty" in missing
    texts = _texts(module, po)
    assert texts["Desk evaluation complete"] == ["Evaluasi dokumen selesai"]


def test_the_command_line_takes_the_option(tmp_path) -> None:
    script = Path(settings.BASE_DIR) / "scripts" / "i18n_fill.py"
    shown = subprocess.run(  # noqa: S603
        [sys.executable, str(script), "--help"], capture_output=True, text=True, check=True
    )
    assert "--replace" in shown.stdout


def _catalogue_texts() -> dict[str, dict[str, str]]:
    """Per app, its Indonesian catalogue's msgid -> text (translated entries only)."""
    module = _script()
    root = Path(settings.BASE_DIR)
    out: dict[str, dict[str, str]] = {}
    for po in sorted(root.glob("zona/**/locale/id/LC_MESSAGES/django.po")):
        texts = {
            msgid: parts[0]
            for msgid, parts in _texts(module, po).items()
            if msgid and parts and parts[0]
        }
        out[str(po.relative_to(root)).split("/locale/")[0]] = texts
    return out


def test_desk_evaluation_is_one_term_in_every_indonesian_catalogue() -> None:
    """ZI documents keep "desk evaluation" in Indonesian (as LKE); the field visit is
    "evaluasi lapangan" (docs/glossary.md)."""
    seen: dict[str, set[str]] = {}
    for app, texts in _catalogue_texts().items():
        for msgid, text in texts.items():
            assert "evaluasi dokumen" not in text.lower(), (app, msgid, text)
            if "desk" in msgid.lower():
                assert "desk evaluation" in text.lower(), (app, msgid, text)
                seen.setdefault(msgid, set()).add(text)
    assert seen["Desk evaluation"] == {"Desk evaluation"}
    assert seen["Desk evaluation complete"] == {"Desk evaluation selesai"}
    assert {msgid: texts for msgid, texts in seen.items() if len(texts) > 1} == {}
