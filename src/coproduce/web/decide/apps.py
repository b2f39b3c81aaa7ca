from django.apps import AppConfig


class DecideConfig(AppConfig):
    name = "coproduce.web.decide"
    label = "decide"
    verbose_name = "Decide"

    def ready(self) -> None:
        from coproduce.web.takepart.registry import register

        from .registry import open_decisions

        register(open_decisions)
