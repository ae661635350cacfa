from __future__ import annotations

import pytest

from zona.notifications.kinds import _KINDS, register_kind


@pytest.fixture(autouse=True)
def handoff_kind():
    """A kind as an upper app registers it (plain text: the tests of language use the
    translated reminder kinds this app ships)."""
    register_kind(
        "test.returned",
        subject="Sheet of %(unit)s returned",
        body="Returned by %(tier)s: %(note)s",
    )
    yield "test.returned"
    _KINDS.pop("test.returned", None)
