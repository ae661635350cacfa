"""Insight: where a unit, an agency and the nation stand. Routes are absolute from the site
root; each part declares its own in `views/<part>.py`."""

from django.urls import include, path

app_name = "insight"
urlpatterns = [
    path("", include("zona.insight.views.planner")),
    path("", include("zona.insight.views.exports")),
    path("", include("zona.insight.views.dashboard")),
    path("", include("zona.insight.views.agency")),
    path("", include("zona.insight.views.national")),
    path("", include("zona.insight.views.documents")),
]
