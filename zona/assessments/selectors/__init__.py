"""Reads with meaning: a sheet's state in a fixed number of queries, its scores, its window.

Everything returned here is plain typed data (frozen dataclasses), so templates, the API and
the Excel export never touch the ORM per item. The modules:

- `state`: the sheet's read model (`load_sheet_state`, answer and link rows, layer rules);
- `scores`: scores per layer and progress per section;
- `submission`: the submission window, refusals and the counts the unit confirms;
- `history`: changes per item, activity per person;
- `tasks`: lists of sheets with their progress, the home page's task list;
- `surveys`: what the unit's surveys give the sheet;
- `library`, `periods`: the querysets the evidence library's and a period's pages page
  through (imported from their modules, not re-exported here).
"""

from zona.assessments.selectors.history import (
    PersonActivity,
    activity_by_user,
    item_history,
    previous_assessment,
)
from zona.assessments.selectors.scores import (
    Progress,
    SheetScores,
    held_predicates,
    progress_by_section,
    review_progress,
    sheet_scores,
)
from zona.assessments.selectors.state import (
    PREVIEWABLE_TYPES,
    UNIT_KEY,
    AnswerRow,
    EffectiveAnswer,
    ItemLayers,
    LayerInfo,
    LinkRow,
    SheetState,
    item_layers,
    load_sheet_state,
)
from zona.assessments.selectors.submission import (
    SubmissionCounts,
    Window,
    completeness_refusal,
    deadline_for,
    submission_counts,
    submission_refusal,
    submission_window,
)
from zona.assessments.selectors.surveys import SurveyOffer, survey_indices, survey_offers
from zona.assessments.selectors.tasks import (
    URGENT_DAYS,
    SheetProgress,
    Task,
    assessment_tasks,
    assessments_with_progress,
    task_deadline,
)

__all__ = [
    "PREVIEWABLE_TYPES",
    "UNIT_KEY",
    "URGENT_DAYS",
    "AnswerRow",
    "EffectiveAnswer",
    "ItemLayers",
    "LayerInfo",
    "LinkRow",
    "PersonActivity",
    "Progress",
    "SheetProgress",
    "SheetScores",
    "SheetState",
    "SubmissionCounts",
    "SurveyOffer",
    "Task",
    "Window",
    "activity_by_user",
    "assessment_tasks",
    "assessments_with_progress",
    "completeness_refusal",
    "deadline_for",
    "held_predicates",
    "item_history",
    "item_layers",
    "load_sheet_state",
    "previous_assessment",
    "progress_by_section",
    "review_progress",
    "sheet_scores",
    "submission_counts",
    "submission_refusal",
    "submission_window",
    "survey_indices",
    "survey_offers",
    "task_deadline",
]
