from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zona.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zona.accounts import signals  # noqa: F401 (connects the audit receivers)
