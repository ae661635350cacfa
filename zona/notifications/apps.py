from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zona.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zona.notifications.builtin import register_builtin_kinds

        register_builtin_kinds()
