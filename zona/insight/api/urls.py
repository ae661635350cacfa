from django.urls import include, path

urlpatterns = [
    path("", include("zona.insight.api.planner")),
    path("", include("zona.insight.api.exports")),
    path("", include("zona.insight.api.dashboard")),
]
