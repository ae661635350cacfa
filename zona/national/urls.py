"""The national stage's pages. Each part declares its routes in `views/<part>.py`; paths are
absolute from the site root."""

from django.urls import include, path

app_name = "national"
urlpatterns = [
    path("", include("zona.national.views.candidacy")),
    path("", include("zona.national.views.proposal")),
    path("", include("zona.national.views.tpn")),
    path("", include("zona.national.views.predicates")),
]
