from django.urls import path

from zona.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/roles/", views.role_add, name="role_add"),
    path(
        "users/<int:user_id>/roles/<int:assignment_id>/revoke/",
        views.role_revoke,
        name="role_revoke",
    ),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:unit_id>/", views.agency_settings, name="agency_settings"),
    path("agencies/<int:unit_id>/mfa/", views.agency_mfa, name="agency_mfa"),
    path("tiers/", views.tier_create, name="tier_create"),
    path("tiers/<int:tier_id>/", views.tier_edit, name="tier_edit"),
    path("tiers/<int:tier_id>/delete/", views.tier_delete, name="tier_delete"),
    path("import/<slug:kind>/", views.import_start, name="import_start"),
    path("import/<slug:kind>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
]
