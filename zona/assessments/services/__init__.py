"""Every write of the assessments app goes through these functions (keyword-only)."""

from zona.assessments.services.answers import (
    UNSET,
    Saved,
    answer_accept_suggestion,
    answer_save,
    answers_accept_suggestions,
)
from zona.assessments.services.carry import Carried, assessment_carry_forward
from zona.assessments.services.evidence import (
    Uploaded,
    evidence_add_link,
    evidence_add_revision,
    evidence_link,
    evidence_unlink,
    evidence_update,
    evidence_upload,
)
from zona.assessments.services.excel_import import Imported, answers_import
from zona.assessments.services.periods import (
    BulkCreated,
    DeadlineInput,
    assessment_create_many,
    period_create,
    period_update,
)
from zona.assessments.services.surveys import (
    answer_accept_survey_suggestion,
    answers_fill_from_surveys,
)
from zona.assessments.services.working_groups import working_group_set_areas

__all__ = [
    "UNSET",
    "BulkCreated",
    "Carried",
    "DeadlineInput",
    "Imported",
    "Saved",
    "Uploaded",
    "answer_accept_suggestion",
    "answer_accept_survey_suggestion",
    "answer_save",
    "answers_accept_suggestions",
    "answers_fill_from_surveys",
    "answers_import",
    "assessment_carry_forward",
    "assessment_create_many",
    "evidence_add_link",
    "evidence_add_revision",
    "evidence_link",
    "evidence_unlink",
    "evidence_update",
    "evidence_upload",
    "period_create",
    "period_update",
    "working_group_set_areas",
]
