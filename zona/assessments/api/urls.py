from django.urls import path

from zona.assessments.api import views
from zona.assessments.views.evidence import evidence_file

urlpatterns = [
    path("periods/", views.PeriodList.as_view(), name="api-periods"),
    path("periods/<int:pk>/", views.PeriodDetail.as_view(), name="api-period"),
    path(
        "periods/<int:pk>/assessments/",
        views.PeriodAssessments.as_view(),
        name="api-period-assessments",
    ),
    path("assessments/", views.AssessmentList.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", views.AssessmentDetail.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/answers/", views.AnswerList.as_view(), name="api-answers"),
    path(
        "assessments/<int:pk>/answers/<str:code>/",
        views.AnswerDetail.as_view(),
        name="api-answer",
    ),
    path(
        "assessments/<int:pk>/answers/<str:code>/history/",
        views.AnswerHistory.as_view(),
        name="api-answer-history",
    ),
    path("assessments/<int:pk>/scores/", views.Scores.as_view(), name="api-scores"),
    path("assessments/<int:pk>/submit/", views.Submit.as_view(), name="api-submit"),
    path("assessments/<int:pk>/return/", views.Return.as_view(), name="api-return"),
    path("assessments/<int:pk>/layers/", views.Layers.as_view(), name="api-layers"),
    path(
        "assessments/<int:pk>/evidence-links/", views.LinkList.as_view(), name="api-evidence-links"
    ),
    path(
        "assessments/<int:pk>/evidence-links/<int:link_id>/",
        views.LinkDetail.as_view(),
        name="api-evidence-link",
    ),
    path("evidence/", views.EvidenceList.as_view(), name="api-evidence-list"),
    path("evidence/<int:pk>/", views.EvidenceDetail.as_view(), name="api-evidence"),
    path(
        "evidence/<int:pk>/revisions/",
        views.EvidenceRevisions.as_view(),
        name="api-evidence-revisions",
    ),
    # The same authorised view as the pages (session authentication).
    path("evidence/files/<int:revision_id>/", evidence_file, name="api-evidence-file"),
]
