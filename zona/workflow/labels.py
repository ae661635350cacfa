"""How the workflow's own events read (zona.audit.labels).

A workflow event names its subject by the table's `kind` ("assistance.finish"), while the
audit event of the same step is written under the table's `audit_prefix`
("desk.assistance.finish"). Where the two differ, the kind's actions are registered here with
the same words, so the sheet's timeline, the dashboards and the audit log read alike.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def register_workflow_labels() -> None:
    from zona.audit.labels import register_labels

    register_labels(
        objects={
            "assistance": gettext_lazy("Assistance follow-up"),
            "desk_session": gettext_lazy("Desk-evaluation session"),
        },
        actions={
            "assistance.start": gettext_lazy("Assistance follow-up started"),
            "assistance.finish": gettext_lazy("Assistance follow-up finished"),
            "assistance.reopen": gettext_lazy("Assistance follow-up reopened"),
            "desk_session.hold": gettext_lazy("Desk-evaluation session held"),
            "desk_session.cancel": gettext_lazy("Desk-evaluation session cancelled"),
            "desk_session.replan": gettext_lazy("Desk-evaluation session planned again"),
        },
    )
