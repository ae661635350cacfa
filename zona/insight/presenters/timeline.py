"""The workflow timeline's words. A workflow event names its subject by the table's kind
("assistance.finish"); every such action is labelled in the audit registry (the owning app
registers it, see zona/workflow/labels.py), so the timeline shows the event's own label."""

from __future__ import annotations

from zona.workflow.selectors.sheet import SheetEvent


def event_label(event: SheetEvent) -> str:
    return event.label
