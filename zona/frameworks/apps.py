from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "zona.frameworks"
    label = "frameworks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zona.accounts.areas import LkeArea, register_area_catalogue
        from zona.frameworks.selectors import working_group_areas

        # Accounts validates working-group areas against the loaded frameworks through this
        # port (it sits below frameworks and cannot import them).
        register_area_catalogue(
            lambda: [LkeArea(a.key, a.title.id, a.title.en) for a in working_group_areas()]
        )
