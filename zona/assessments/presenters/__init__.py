"""Plain dicts for the worksheet templates, built from a SheetState without further queries.

`numbers` formats scores and verdicts, `sheet` is the unit's worksheet (the sheet as
reviewers see it is `zona.workflow.presenters.review`). The rules behind what they show
(which answer counts, what differs, what expired) live in `zona.assessments.selectors`, so
the API and the export share them.
"""

from zona.assessments.presenters.numbers import (
    components,
    node_numbers,
    num,
    pct,
    slug,
    verdict_view,
)
from zona.assessments.presenters.sheet import SheetView

__all__ = [
    "SheetView",
    "components",
    "node_numbers",
    "num",
    "pct",
    "slug",
    "verdict_view",
]
