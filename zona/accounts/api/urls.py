from django.urls import path

from zona.accounts.api import views

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="api-unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="api-unit-detail"),
    path("me/", views.MeView.as_view(), name="api-me"),
]
