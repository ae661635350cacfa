from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "frameworks"
urlpatterns: list[URLPattern | URLResolver] = []
