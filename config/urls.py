from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("zona.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("manage/", include("zona.accounts.urls")),
    path("audit/", include("zona.audit.urls")),
    path("lke/", include("zona.frameworks.urls")),
    path("assessments/", include("zona.assessments.urls")),
    path("surveys/", include("zona.surveys.urls")),
    # Short public survey links (printed on posters): no login, exempt from the MFA redirect.
    path("s/", include("zona.surveys.public_urls")),
]
