"""The LKE areas a working-group member can be limited to: a port the frameworks app fills.

Areas are facts of the regulation, declared by the framework files (`areas:` in
docs/framework-format.md: in 90/2021 area k is Pemenuhan k with Reform k, and B is Hasil).
Accounts sits below frameworks in the dependency order, so it declares this port and the
frameworks app registers the catalogue when it starts (`FrameworksConfig.ready`). Until a
framework is loaded there is no area to choose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class LkeArea:
    key: str
    title_id: str
    title_en: str

    @property
    def title(self) -> str:
        """The title in the current language (Indonesian unless English is chosen)."""
        return self.title_en if (get_language() or "id").startswith("en") else self.title_id


AreaCatalogue = Callable[[], Sequence[LkeArea]]

_catalogue: AreaCatalogue | None = None


def register_area_catalogue(catalogue: AreaCatalogue) -> None:
    """Called once at start-up by the app that knows the frameworks."""
    global _catalogue
    _catalogue = catalogue


def lke_areas() -> tuple[LkeArea, ...]:
    """The areas a role may name, in the order pickers list them."""
    return tuple(_catalogue()) if _catalogue is not None else ()


def split_areas(wanted: Iterable[str]) -> tuple[list[str], list[str]]:
    """The known areas among `wanted` (matched regardless of case, in catalogue order), and
    the unknown ones as typed."""
    keys = {area.key.casefold(): area.key for area in lke_areas()}
    given = {str(a).strip() for a in wanted if str(a).strip()}
    known = {keys[a.casefold()] for a in given if a.casefold() in keys}
    unknown = sorted(a for a in given if a.casefold() not in keys)
    return [area.key for area in lke_areas() if area.key in known], unknown


def area_problem(areas: Sequence[str]) -> str | None:
    """Why some of `areas` cannot be given, or None: only the loaded frameworks' areas can."""
    _known, unknown = split_areas(areas)
    if not unknown:
        return None
    choices = [area.key for area in lke_areas()]
    if not choices:
        return _("Unknown LKE areas: %(areas)s. No loaded framework declares areas yet.") % {
            "areas": ", ".join(unknown)
        }
    return _("Unknown LKE areas: %(areas)s. Use one of: %(choices)s.") % {
        "areas": ", ".join(unknown),
        "choices": ", ".join(choices),
    }
