"""Insight's demo data (after the national stage's, so its cast keeps its own sheets): every
other satker of the demo agency gets a 2026 sheet, so the agency dashboard has a spread."""

from __future__ import annotations

from typing import Any


def load_demo_data(ctx: Any) -> None:
    from zona.insight import demo_agency

    demo_agency.load(ctx)
