from django.urls import path

from zona.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says; send them to the SVG icon.
    path("favicon.ico", views.FaviconRedirect.as_view(), name="favicon"),
]
