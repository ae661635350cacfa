"""The assessments API (/api/v1/): the same services, selectors and access rules as the pages.

Views are named as in the other apps' APIs: `<Resource>ListView` for a collection,
`<Resource>DetailView` for one member, `<Resource><Action>View` for an action on or an aspect
of one member (`AssessmentScoresView`); a nested collection takes its
parent's name first (`PeriodAssessmentListView`, `EvidenceRevisionListView`). Responses are
rendered by the serializers in `zona.assessments.api.serializers` from typed read models.
"""

from zona.assessments.api.views.answers import (
    AnswerDetailView,
    AnswerHistoryView,
    AnswerListView,
)
from zona.assessments.api.views.assessments import (
    AssessmentDetailView,
    AssessmentLayersView,
    AssessmentListView,
    AssessmentScoresView,
)
from zona.assessments.api.views.evidence import (
    EvidenceDetailView,
    EvidenceLinkDetailView,
    EvidenceLinkListView,
    EvidenceListView,
    EvidenceRevisionListView,
)
from zona.assessments.api.views.periods import (
    PeriodAssessmentListView,
    PeriodDetailView,
    PeriodListView,
)

__all__ = [
    "AnswerDetailView",
    "AnswerHistoryView",
    "AnswerListView",
    "AssessmentDetailView",
    "AssessmentLayersView",
    "AssessmentListView",
    "AssessmentScoresView",
    "EvidenceDetailView",
    "EvidenceLinkDetailView",
    "EvidenceLinkListView",
    "EvidenceListView",
    "EvidenceRevisionListView",
    "PeriodAssessmentListView",
    "PeriodDetailView",
    "PeriodListView",
]
