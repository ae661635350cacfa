"""The sheet dashboard's timeline names every workflow step in words, from the registry."""

import datetime as dt

from django.utils import translation

from zona.insight.presenters.timeline import event_label
from zona.workflow.selectors.sheet import SheetEvent


def _event(kind: str, action: str) -> SheetEvent:
    at = dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)
    return SheetEvent(kind, action, "", "", at, "Sari", "", "", "", ())


def test_desk_and_national_steps_read_as_words():
    with translation.override("id"):
        assert event_label(_event("assistance", "finish")) == "Tindak lanjut asistensi selesai"
        assert event_label(_event("desk_session", "cancel")) == "Sesi desk evaluation dibatalkan"
        assert event_label(_event("candidacy", "designate")) == "Unit ditetapkan sebagai calon"
    with translation.override("en"):
        assert event_label(_event("assistance", "reopen")) == "Assistance follow-up reopened"
        assert event_label(_event("desk_session", "hold")) == "Desk-evaluation session held"
