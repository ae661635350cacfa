"""Accounts tests run without loading a framework: the area port gets a stand-in catalogue.

The real catalogue (the loaded frameworks' declared areas) is tested with the frameworks and
the working groups; here it only has to name some areas, as 90/2021 does.
"""

from __future__ import annotations

import pytest

from zona.accounts import areas

AREAS = (
    *(areas.LkeArea(key, f"Area {key}", f"Area {key}") for key in "123456"),
    areas.LkeArea("B", "B · Hasil", "B · Results"),
)


@pytest.fixture(autouse=True)
def _lke_areas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(areas, "_catalogue", lambda: AREAS)
