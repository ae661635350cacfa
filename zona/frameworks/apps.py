from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "zona.frameworks"
    label = "frameworks"
    default_auto_field = "django.db.models.BigAutoField"
