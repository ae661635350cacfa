from django.urls import path

from zona.assessments.api import views
from zona.assessments.views.evidence import evidence_file

urlpatterns = [
    path("periods/", views.PeriodListView.as_view(), name="api-periods"),
    path("periods/<int:pk>/", views.PeriodDetailView.as_view(), name="api-period"),
    path(
        "periods/<int:pk>/assessments/",
        views.PeriodAssessmentListView.as_view(),
        name="api-period-assessments",
    ),
    path("assessments/", views.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/answers/", views.AnswerListView.as_view(), name="api-answers"),
    path(
        "assessments/<int:pk>/answers/<str:code>/",
        views.AnswerDetailView.as_view(),
        name="api-answer",
    ),
    path(
        "assessments/<int:pk>/answers/<str:code>/history/",
        views.AnswerHistoryView.as_view(),
        name="api-answer-history",
    ),
    path("assessments/<int:pk>/scores/", views.AssessmentScoresView.as_view(), name="api-scores"),
    path("assessments/<int:pk>/layers/", views.AssessmentLayersView.as_view(), name="api-layers"),
    path(
        "assessments/<int:pk>/evidence-links/",
        views.EvidenceLinkListView.as_view(),
        name="api-evidence-links",
    ),
    path(
        "assessments/<int:pk>/evidence-links/<int:link_id>/",
        views.EvidenceLinkDetailView.as_view(),
        name="api-evidence-link",
    ),
    path("evidence/", views.EvidenceListView.as_view(), name="api-evidence-list"),
    path("evidence/<int:pk>/", views.EvidenceDetailView.as_view(), name="api-evidence"),
    path(
        "evidence/<int:pk>/revisions/",
        views.EvidenceRevisionListView.as_view(),
        name="api-evidence-revisions",
    ),
    # The same authorised view as the pages (session authentication).
    path("evidence/files/<int:revision_id>/", evidence_file, name="api-evidence-file"),
]
