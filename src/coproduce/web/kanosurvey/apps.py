from django.apps import AppConfig


class KanosurveyConfig(AppConfig):
    name = "coproduce.web.kanosurvey"
    label = "kanosurvey"
    verbose_name = "Kano surveys"

    def ready(self) -> None:
        from coproduce.web.takepart.registry import register

        from .providers import open_surveys

        register(open_surveys)
