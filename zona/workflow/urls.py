"""The workflow's pages. Each part declares its own routes in `views/<part>.py`; paths are
absolute from the site root (the sheet's submit page stays under /assessments/<id>/)."""

from django.urls import include, path

app_name = "workflow"
urlpatterns = [
    path("", include("zona.workflow.views.sheet")),
    path("", include("zona.workflow.views.reviews")),
    path("", include("zona.workflow.views.chain")),
    path("", include("zona.workflow.views.comments")),
    path("", include("zona.workflow.views.desk")),
    path("", include("zona.workflow.views.koefisien")),
    path("", include("zona.workflow.views.selection")),
    path("", include("zona.workflow.views.tpi")),
]
