from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zona.surveys"
    label = "surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The one import of assessments by surveys, and the only edge between the two apps:
        # the LKE declares what it needs from surveys as a port and surveys fills it (see
        # zona/assessments/ports.py and the import-linter contract in pyproject.toml).
        from zona.assessments.ports import register_survey_feed
        from zona.surveys.feed import LkeSurveyFeed

        register_survey_feed(LkeSurveyFeed())
