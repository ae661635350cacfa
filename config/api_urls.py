from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("zona.accounts.api.urls")),
    path("", include("zona.assessments.api.urls")),
    path("", include("zona.surveys.api.urls")),
    path("", include("zona.notifications.api.urls")),
    path("", include("zona.workflow.api.urls")),
    path("", include("zona.national.api.urls")),
    path("", include("zona.insight.api.urls")),
]
