"""The workflow timeline's words. A workflow event names its subject ("assistance.finish");
the desk part's audit actions name the same step with their part's prefix
("desk.assistance.finish"), and only those carry a label: the timeline reads that one rather
than showing the raw words."""

from __future__ import annotations

from zona.audit.labels import ACTION_LABELS, action_label
from zona.workflow.selectors.sheet import SheetEvent

# Workflow subject -> the audit prefix its actions are labelled under.
AUDIT_PREFIX = {"assistance": "desk.assistance", "desk_session": "desk.session"}


def event_label(event: SheetEvent) -> str:
    prefix = AUDIT_PREFIX.get(event.kind)
    if prefix is not None and f"{prefix}.{event.action}" in ACTION_LABELS:
        return action_label(f"{prefix}.{event.action}")
    return event.label
