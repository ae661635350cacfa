from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zona.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The workflow fills the sheet's review-chain port (zona/assessments/ports.py).
        from zona.assessments.ports import register_review_gate
        from zona.workflow.gate import WorkflowGate

        register_review_gate(WorkflowGate())
        # ... and the chain's windows, which periods and the task list read (same file).
        from zona.assessments.ports import register_chain_windows
        from zona.workflow.selectors.chain import WorkflowChainWindows

        register_chain_windows(WorkflowChainWindows())
        # What its hand-offs say, and the windows that get reminders (zona.notifications).
        from zona.notifications.reminders import register_window_source
        from zona.workflow.messages import register_workflow_kinds
        from zona.workflow.reminders import review_windows, sheet_windows

        register_workflow_kinds()
        # How its events read in the timeline and the audit log (zona.audit.labels).
        from zona.workflow.labels import register_workflow_labels

        register_workflow_labels()
        register_window_source(sheet_windows)
        register_window_source(review_windows)
