from django.urls import include, path

urlpatterns = [
    path("", include("zona.workflow.api.sheet")),
    path("", include("zona.workflow.api.reviews")),
    path("", include("zona.workflow.api.chain")),
    path("", include("zona.workflow.api.comments")),
    path("", include("zona.workflow.api.desk")),
    path("", include("zona.workflow.api.koefisien")),
    path("", include("zona.workflow.api.selection")),
    path("", include("zona.workflow.api.tpi")),
]
