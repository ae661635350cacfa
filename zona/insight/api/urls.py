from django.urls import include, path

urlpatterns = [
    path("", include("zona.insight.api.planner")),
    path("", include("zona.insight.api.exports")),
    path("", include("zona.insight.api.dashboard")),
    path("", include("zona.insight.api.agency")),
    path("", include("zona.insight.api.national")),
    path("", include("zona.insight.api.documents")),
]
