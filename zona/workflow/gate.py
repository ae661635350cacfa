"""The workflow's side of `zona.assessments.ports.ReviewGate`, registered in apps.ready()."""

from __future__ import annotations

from typing import Any

from zona.core.errors import Refusal


class WorkflowGate:
    def layer_lock(self, assessment: Any, tier: Any, today: Any) -> Refusal | None:
        from zona.workflow.services.reviews import reviews_layer_lock

        return reviews_layer_lock(assessment, tier, today)

    def refusal(self, assessment: Any, action: str, actor: Any) -> Refusal | None:
        from zona.workflow.tables.sheet import sheet_refusal

        return sheet_refusal(assessment, action, actor)

    def governs(self, assessment: Any) -> bool:
        from zona.workflow.models import TierReview

        return TierReview.objects.filter(assessment_id=assessment.pk).exists()

    def returned_by(self, assessment: Any) -> tuple[str, str] | None:
        from zona.workflow.models import WorkflowEvent

        event = (
            WorkflowEvent.objects.filter(
                subject_kind="assessment", subject_id=assessment.pk, action="return"
            )
            .select_related("actor", "tier")
            .order_by("-at", "-id")
            .first()
        )
        if event is None:
            return None
        who = event.actor.display_name if event.actor else ""
        return who, event.tier.name if event.tier else ""

    def layer_changed(self, assessment: Any, tier: Any) -> None:
        from zona.workflow.services.reviews import reviews_layer_changed

        reviews_layer_changed(assessment, tier)
