from django.urls import include, path

urlpatterns = [
    path("", include("zona.national.api.candidacy")),
    path("", include("zona.national.api.proposal")),
    path("", include("zona.national.api.tpn")),
    path("", include("zona.national.api.predicates")),
]
