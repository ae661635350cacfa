from django.urls import path

from zona.assessments.views import evidence, excel, periods, worksheet

app_name = "assessments"
urlpatterns = [
    path("", worksheet.assessment_list, name="list"),
    path("<int:pk>/", worksheet.worksheet, name="worksheet"),
    path("<int:pk>/items/<str:code>/", worksheet.item, name="item"),
    path("<int:pk>/items/<str:code>/history/", worksheet.history, name="history"),
    path(
        "<int:pk>/items/<str:code>/suggestion/",
        worksheet.accept_suggestion,
        name="accept_suggestion",
    ),
    path(
        "<int:pk>/items/<str:code>/survey-suggestion/",
        worksheet.accept_survey_suggestion,
        name="accept_survey_suggestion",
    ),
    path("<int:pk>/items/<str:code>/evidence/", evidence.item_evidence, name="item_evidence"),
    path(
        "<int:pk>/items/<str:code>/evidence/picker/",
        evidence.evidence_picker,
        name="evidence_picker",
    ),
    path("<int:pk>/links/<int:link_id>/unlink/", evidence.unlink, name="unlink"),
    path(
        "<int:pk>/suggestions/accept/",
        worksheet.accept_all_suggestions,
        name="accept_all_suggestions",
    ),
    path("<int:pk>/carry-forward/", worksheet.carry_forward, name="carry_forward"),
    path("<int:pk>/working-group/", worksheet.working_group, name="working_group"),
    path("<int:pk>/export.xlsx", excel.export, name="export"),
    path("<int:pk>/import/", excel.import_view, name="import"),
    path("<int:pk>/import/<int:job_id>/", excel.import_job, name="import_job"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/new/", periods.period_create_view, name="period_create"),
    path("periods/<int:pk>/", periods.period_detail, name="period_detail"),
    path("periods/<int:pk>/edit/", periods.period_edit, name="period_edit"),
    path("evidence/", evidence.library, name="evidence_library"),
    path("evidence/upload/", evidence.library_upload, name="evidence_upload"),
    path("evidence/link/", evidence.library_add_link, name="evidence_add_link"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path("evidence/files/<int:revision_id>/", evidence.evidence_file, name="evidence_file"),
    path(
        "evidence/files/<int:revision_id>/preview/",
        evidence.evidence_preview,
        name="evidence_preview",
    ),
]
