from django.urls import path

from zona.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/open/", views.open_entry, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
]
