from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The app shell: home page, navigation by role, demo data. The top of the dependency
    order: it may use every app, and no app may use it (see docs/architecture.md)."""

    name = "zona.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"
