"""Our Indonesian catalogues are complete and are the ones users see."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = ["zona/core", "zona/home", "zona/accounts", "zona/audit", "zona"]


@pytest.mark.parametrize("app", CATALOGUES)
def test_our_translations_are_not_shadowed_by_other_apps(app: str) -> None:
    """Catalogues of apps listed earlier in INSTALLED_APPS (admin, allauth ...) win for the
    same msgid; a shared msgid would show their wording instead of ours. Use a context or
    another msgid when this fails."""
    with (ROOT / app / "locale/id/LC_MESSAGES/django.mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    shadowed = {}
    with translation.override("id"):
        for key, ours in catalogue.items():
            if not isinstance(key, str) or not key:
                continue  # plural forms and the header
            if "\x04" in key:
                context, msgid = key.split("\x04", 1)
                shown = translation.pgettext(context, msgid)
            else:
                shown = translation.gettext(key)
            if shown != ours:
                shadowed[key] = (shown, ours)
    assert not shadowed


def test_samples_of_the_shell_and_admin_pages() -> None:
    with translation.override("id"):
        assert translation.gettext("Units") == "Unit kerja"
        assert translation.gettext("Audit log") == "Log audit"
        assert translation.gettext("Save") == "Simpan"
        assert translation.gettext("Cancel") == "Batal"
        assert translation.gettext("Skip to content") == "Langsung ke isi"
        assert translation.gettext("Work unit (satker)") == "Satuan kerja (satker)"
    with translation.override("en"):
        assert translation.gettext("Units") == "Units"
