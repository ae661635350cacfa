from django.urls import path

from zona.surveys.api import views

urlpatterns = [
    path("surveys/campaigns/", views.CampaignListView.as_view(), name="api-survey-campaigns"),
    path(
        "surveys/campaigns/<int:pk>/",
        views.CampaignDetailView.as_view(),
        name="api-survey-campaign",
    ),
    path(
        "surveys/campaigns/<int:pk>/results/",
        views.CampaignResultsView.as_view(),
        name="api-survey-campaign-results",
    ),
    path(
        "surveys/units/<int:unit_id>/indices/",
        views.UnitIndicesView.as_view(),
        name="api-survey-unit-indices",
    ),
]
