"""The review page's panels from the other parts of the workflow.

The review page (the reviews part) shows, besides the layers, what comments, desk
evaluation, assistance, koefisien, selection and TPI add. Each part's `views/<part>.py`
may define:

- `review_panel(request, assessment, review) -> str`: HTML shown above the items (a
  sheet-level panel; "" to show nothing). `review` is the TierReview the user acts in, or
  None when they only read.
- `review_item_extras(request, assessment, review) -> dict[str, str]`: HTML per item code,
  shown under each item's answer (comments, evidence marks, interview notes ...). Build it
  with a constant number of queries for the whole sheet.

The review page calls `sheet_panels()` and `item_extras()` and places the HTML.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.utils.safestring import SafeString, mark_safe

# In the order they appear on the page.
PARTS = ["sheet", "selection", "tpi", "koefisien", "desk", "comments"]


def _hooks(name: str) -> list[Any]:
    found = []
    for part in PARTS:
        module = import_module(f"zona.workflow.views.{part}")
        hook = getattr(module, name, None)
        if hook is not None:
            found.append(hook)
    return found


def sheet_panels(request: Any, assessment: Any, review: Any) -> list[SafeString]:
    panels = []
    for hook in _hooks("review_panel"):
        html = hook(request, assessment, review)
        if html:
            panels.append(mark_safe(html))  # noqa: S308 (rendered by the part's template)
    return panels


def item_extras(request: Any, assessment: Any, review: Any) -> dict[str, list[SafeString]]:
    extras: dict[str, list[SafeString]] = {}
    for hook in _hooks("review_item_extras"):
        for code, html in hook(request, assessment, review).items():
            if html:
                extras.setdefault(code, []).append(mark_safe(html))  # noqa: S308
    return extras
