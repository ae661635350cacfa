from django.contrib import admin
from django.urls import include, path

from zona.accounts.views.auth import EmailView, admin_login

urlpatterns = [
    # /healthz and /readyz for the proxy and monitoring (no login, no data); before home's.
    path("", include("zona.ops.urls")),
    path("", include("zona.home.urls")),
    # Before allauth's own: e-mail changes only through confirmation (see EmailView).
    path("accounts/email/", EmailView.as_view(), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own login form would skip the throttle and TOTP: send it to allauth's.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("manage/", include("zona.accounts.urls")),
    path("audit/", include("zona.audit.urls")),
    path("assessments/", include("zona.assessments.urls")),
    path("surveys/", include("zona.surveys.urls")),
    path("inbox/", include("zona.notifications.urls")),
    # Short public survey links (printed on posters): no login, exempt from the MFA redirect.
    path("s/", include("zona.surveys.public_urls")),
    # The review chain: its routes are absolute (/assessments/<id>/review/, /review/queue/,
    # /manage/periods/<id>/chain/, the respondents' confirmation link /s/k/<token>/).
    path("", include("zona.workflow.urls")),
    # The national stage (candidates, proposals, the TPN, predicates): absolute routes.
    path("", include("zona.national.urls")),
    path("", include("zona.insight.urls")),
]
