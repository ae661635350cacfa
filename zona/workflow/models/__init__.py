"""The workflow's tables, one module per part (each part's models live in its own module)."""

from zona.workflow.models.chain import ChainStep, ReviewTeam
from zona.workflow.models.comments import *  # noqa: F403
from zona.workflow.models.desk import *  # noqa: F403
from zona.workflow.models.events import WorkflowEvent
from zona.workflow.models.koefisien import *  # noqa: F403
from zona.workflow.models.reviews import Recommendation, TierReview, TierReviewStatus
from zona.workflow.models.selection import *  # noqa: F403
from zona.workflow.models.tpi import *  # noqa: F403

__all__ = [
    "ChainStep",
    "Recommendation",
    "ReviewTeam",
    "TierReview",
    "TierReviewStatus",
    "WorkflowEvent",
]
