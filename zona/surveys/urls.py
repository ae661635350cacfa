from django.urls import path

from zona.surveys.views import documents, exports, staff

app_name = "surveys"
urlpatterns = [
    path("", staff.campaign_list, name="campaign_list"),
    path("new/", staff.campaign_create_view, name="campaign_create"),
    path("instruments/", staff.instrument_list, name="instruments"),
    path("instruments/<int:version_id>/", staff.instrument_detail, name="instrument"),
    path("<int:campaign_id>/", staff.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/edit/", staff.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/publish/", staff.campaign_publish, name="campaign_publish"),
    path("<int:campaign_id>/kiosk-key/", staff.campaign_rotate_kiosk, name="campaign_kiosk_rotate"),
    path("<int:campaign_id>/results/", staff.campaign_results_view, name="campaign_results"),
    path("<int:campaign_id>/export/responses/", exports.export_responses, name="export_responses"),
    path("<int:campaign_id>/export/summary/", exports.export_summary, name="export_summary"),
    path("<int:campaign_id>/poster.pdf", documents.poster, name="poster"),
    path("<int:campaign_id>/codes/", staff.code_batches, name="codes"),
    path("<int:campaign_id>/codes/<int:batch_id>.pdf", documents.code_slips, name="code_slips"),
    path("<int:campaign_id>/flagged/", staff.flagged_list, name="flagged"),
    path(
        "<int:campaign_id>/flagged/<int:response_id>/exclude/",
        staff.response_exclude_view,
        name="response_exclude",
    ),
    path(
        "<int:campaign_id>/flagged/<int:response_id>/restore/",
        staff.response_restore_view,
        name="response_restore",
    ),
    path("<int:campaign_id>/validation/", staff.validation, name="validation"),
    path("<int:campaign_id>/validation/<int:draw_id>/", staff.draw_detail, name="draw"),
    path(
        "<int:campaign_id>/validation/<int:draw_id>/calls/<int:call_id>/",
        staff.call_record,
        name="call_record",
    ),
]
