"""The workflow's demo data: each part's `zona/workflow/demos/<part>.py` with `load(ctx)`,
in the order the program runs (the chain first, then reviews ...)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

PARTS = ["chain", "sheet", "reviews", "comments", "desk", "koefisien", "selection", "tpi"]


def load_demo_data(ctx: Any) -> None:
    for part in PARTS:
        try:
            module = import_module(f"zona.workflow.demos.{part}")
        except ModuleNotFoundError as exc:
            if exc.name != f"zona.workflow.demos.{part}":
                raise
            continue
        module.load(ctx)
