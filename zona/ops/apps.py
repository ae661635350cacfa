from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "zona.ops"
    label = "ops"
    verbose_name = "Operations"
