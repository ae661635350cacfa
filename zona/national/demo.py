"""The national stage's demo data: each part's `zona/national/demos/<part>.py` with
`load(ctx)`, in the order the program runs (candidates first, then the proposal, the TPN's
stages, predicates and monitoring)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

PARTS = ["candidacy", "history", "proposal", "tpn", "predicates"]


def load_demo_data(ctx: Any) -> None:
    for part in PARTS:
        try:
            module = import_module(f"zona.national.demos.{part}")
        except ModuleNotFoundError as exc:
            if exc.name != f"zona.national.demos.{part}":
                raise
            continue
        module.load(ctx)
