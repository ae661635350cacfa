from django.urls import path

from zona.notifications.api import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="api-notification-list"),
    path(
        "notifications/read-all/",
        views.NotificationReadAllView.as_view(),
        name="api-notification-read-all",
    ),
    path(
        "notifications/preferences/",
        views.PreferenceView.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/<int:pk>/read/",
        views.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]
