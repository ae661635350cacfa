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
