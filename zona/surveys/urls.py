from django.urls import path

from zona.surveys.views import (
    campaigns,
    documents,
    exports,
    feedback,
    instruments,
    kiosks,
    review,
)

app_name = "surveys"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("new/", campaigns.campaign_create_view, name="campaign_create"),
    path("instruments/", instruments.instrument_list, name="instruments"),
    path("instruments/<int:version_id>/", instruments.instrument_detail, name="instrument"),
    path("<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/publish/", campaigns.campaign_publish, name="campaign_publish"),
    path("<int:campaign_id>/kiosks/", kiosks.kiosk_list, name="kiosks"),
    path(
        "<int:campaign_id>/kiosks/<int:kiosk_id>/close/",
        kiosks.kiosk_close_view,
        name="kiosk_close",
    ),
    path("<int:campaign_id>/results/", campaigns.campaign_results_view, name="campaign_results"),
    path("<int:campaign_id>/export/responses/", exports.export_responses, name="export_responses"),
    path("<int:campaign_id>/export/summary/", exports.export_summary, name="export_summary"),
    path("<int:campaign_id>/poster.pdf", documents.poster, name="poster"),
    path("<int:campaign_id>/codes/", campaigns.code_batches, name="codes"),
    path("<int:campaign_id>/codes/<int:batch_id>.pdf", documents.code_slips, name="code_slips"),
    path("<int:campaign_id>/flagged/", review.flagged_list, name="flagged"),
    path(
        "<int:campaign_id>/flagged/<int:response_id>/exclude/",
        review.response_exclude_view,
        name="response_exclude",
    ),
    path(
        "<int:campaign_id>/flagged/<int:response_id>/restore/",
        review.response_restore_view,
        name="response_restore",
    ),
    path("<int:campaign_id>/validation/", review.validation, name="validation"),
    path("<int:campaign_id>/suggestions/", feedback.suggestion_list, name="suggestions"),
    path(
        "<int:campaign_id>/suggestions/open/",
        feedback.suggestion_open_rest_view,
        name="suggestions_open",
    ),
    path(
        "<int:campaign_id>/suggestions/<int:suggestion_id>/moderate/",
        feedback.suggestion_moderate_view,
        name="suggestion_moderate",
    ),
    path("<int:campaign_id>/validation/<int:draw_id>/", review.draw_detail, name="draw"),
    path(
        "<int:campaign_id>/validation/<int:draw_id>/calls/<int:call_id>/",
        review.call_record,
        name="call_record",
    ),
]
